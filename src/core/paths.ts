import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
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

/**
 * State that belongs to an inventory file rather than to a lab (the host keys pinned by
 * `--accept-new-host-keys`): $XDG_STATE_HOME/ha-lab/_inventories/<hash of its absolute path>.
 * Keyed by path, so two inventories never trust each other's pins and a moved file starts over.
 * The underscore keeps it apart from the labs' directories: no lab name can contain one.
 */
export function inventoryStateDir(inventoryFile: string): string {
  const key = createHash('sha256').update(resolve(inventoryFile)).digest('hex').slice(0, 16);
  return join(stateRoot(), '_inventories', key);
}
