import { masters, type Topology } from '../../core/topology.js';
import type { NodeRunner } from '../../runtime/node-runner.js';
import { CONTROL_PLANE_COMMANDS } from '../versions.js';

/** The components whose running version an upgrade changes, per role. */
export const MASTER_COMPONENTS = ['kubelet', ...CONTROL_PLANE_COMMANDS, 'kube-proxy'] as const;
export const WORKER_COMPONENTS = ['kubelet', 'kube-proxy'] as const;
export type Component = (typeof MASTER_COMPONENTS)[number];

/**
 * One component's version as its running process reports it: the process's own executable
 * (/proc/PID/exe, still the old inode until the process is replaced). Never a file on disk,
 * an image tag or a cached API field.
 */
export interface LiveVersion {
  node: string;
  component: Component;
  version: string | null;
  /** When that process or container started (ms), null when unknown. */
  startedAt: number | null;
  error?: string;
}

export function componentsOf(topology: Topology, node: string): readonly Component[] {
  return masters(topology).some((m) => m.name === node) ? MASTER_COMPONENTS : WORKER_COMPONENTS;
}

/**
 * How each component's process is found in the node's process table: kubelet is a systemd
 * unit; the static pods and kube-proxy run in containers whose processes the node sees.
 */
function findPid(component: Component): string {
  if (component === 'kubelet') return 'systemctl show -p MainPID --value kubelet';
  // The newest process whose command line starts with the binary (by name or full path).
  return `pgrep -nf '^(/usr/local/bin/)?${component}( |$)'`;
}

/**
 * One line per component: "<name> <version> <start ms>" or "<name> none". The version comes
 * from running the process's own executable (/proc/PID/exe, a static binary whose inode stays
 * the old one until the process is replaced), its start time from ps.
 */
export function liveVersionScript(components: readonly Component[]): string {
  return [
    'report() {',
    '  if [ -n "$2" ] && [ "$2" -gt 0 ] 2>/dev/null; then',
    "    v=$(/proc/$2/exe --version 2>/dev/null | awk '{print $2}')",
    '    s=$(date -d "$(ps -o lstart= -p "$2")" +%s%3N 2>/dev/null)',
    '    echo "$1 ${v:-unknown} ${s:-0}"',
    '  else echo "$1 none"; fi',
    '}',
    ...components.map((c) => `report ${c} "$(${findPid(c)})"`),
  ].join('\n');
}

export function parseLiveVersions(
  node: string,
  output: string,
  components: readonly Component[],
): LiveVersion[] {
  const lines = new Map(
    output
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .map(([name, version, started]) => [name, { version, started }] as const),
  );
  return components.map((component) => {
    const seen = lines.get(component);
    if (!seen || !seen.version || seen.version === 'none')
      return { node, component, version: null, startedAt: null, error: 'not running' };
    if (seen.version === 'unknown')
      return {
        node,
        component,
        version: null,
        startedAt: null,
        error: 'its executable did not say',
      };
    return { node, component, version: seen.version, startedAt: Number(seen.started) || null };
  });
}

export async function readLiveVersions(
  runner: NodeRunner,
  components: readonly Component[],
): Promise<LiveVersion[]> {
  const r = await runner.exec(['sh', '-c', liveVersionScript(components)], { timeoutMs: 20_000 });
  if (r.exitCode !== 0)
    return components.map((component) => ({
      node: runner.node,
      component,
      version: null,
      startedAt: null,
      error: `could not ask (exit ${r.exitCode})`,
    }));
  return parseLiveVersions(runner.node, r.stdout, components);
}
