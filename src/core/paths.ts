import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (holds images/, go/, scripts/, scenarios/), from src/ or dist/ alike. */
export function repoRoot(): string {
  return fileURLToPath(new URL('../../', import.meta.url));
}

/** Slow artifacts (Go builds, staged images) live here, keyed by component and version. */
export function cacheRoot(): string {
  if (process.env.HA_LAB_CACHE_DIR) return process.env.HA_LAB_CACHE_DIR;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'ha-lab');
}

/** Per-lab state (topology, PKI, kubeconfig, faults, bundles): $XDG_STATE_HOME/ha-lab/NAME. */
export function stateRoot(): string {
  if (process.env.HA_LAB_STATE_DIR) return process.env.HA_LAB_STATE_DIR;
  const base = process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(base, 'ha-lab');
}

export function labStateDir(lab: string): string {
  return join(stateRoot(), lab);
}
