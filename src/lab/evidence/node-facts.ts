import { type Role as NodeRole, type Topology, labLink } from '../../core/topology.js';
import { CONTROL_PLANE_COMMANDS } from '../versions.js';

/**
 * What one node says about itself, read in one `docker exec` (or SSH) per node: which of the
 * services its role needs run, since when, and, on masters, keepalived's VRRP state and
 * whether the kernel holds the VIP. Start times come from /proc (clock ticks since boot) and
 * are converted with the node's own clock read in the same script, so they are exact to a
 * tick and comparable with the host's clock (nodes share the host's kernel, or on SSH
 * machines NTP keeps them close).
 */

/** systemd units every node runs; masters also run etcd and keepalived. */
export const NODE_SERVICES = ['containerd', 'kubelet'] as const;
export const MASTER_SERVICES = ['etcd', 'keepalived'] as const;
/** Static pods every master runs (kubeadm's manifests). */
export const MASTER_STATIC_PODS = CONTROL_PLANE_COMMANDS;

/** Where keepalived's notify script writes the instance's state on every transition. */
export const VRRP_STATE_FILE = '/run/ha-lab/vrrp-state';

export interface ProcessFact {
  name: string;
  running: boolean;
  /** When the running process started (ms since the epoch), null when none runs. */
  startedAt: number | null;
}

export interface NodeFacts {
  node: string;
  /** False when the node could not be asked at all (killed, paused, partitioned from us). */
  reachable: boolean;
  error?: string;
  services: ProcessFact[];
  staticPods: ProcessFact[];
  /** Masters: keepalived's state as its notify script last wrote it, and when. */
  vrrp?: { state: string | null; writtenAt: number | null };
  /** Masters: does this node's kernel hold the VIP (unknown when it cannot be asked). */
  vip?: 'holds' | 'free' | 'unknown';
}

export function requiredServices(role: NodeRole): string[] {
  return role === 'master' ? [...NODE_SERVICES, ...MASTER_SERVICES] : [...NODE_SERVICES];
}

export function requiredStaticPods(role: NodeRole): string[] {
  return role === 'master' ? [...MASTER_STATIC_PODS] : [];
}

/** The shell script that prints a node's facts, one per line, for parseNodeFacts. */
export function nodeFactsScript(
  role: NodeRole,
  topology: Pick<Topology, 'vip' | 'vipNetwork'>,
): string {
  const vip = topology.vip;
  const services = requiredServices(role).join(' ');
  const pods = requiredStaticPods(role).join(' ');
  return `set -u
echo "now $(date +%s.%N)"
echo "uptime $(cut -d' ' -f1 /proc/uptime)"
echo "hz $(getconf CLK_TCK)"
started() { if [ -n "$1" ] && [ "$1" != 0 ] && [ -r "/proc/$1/stat" ]; then sed 's/^.*) //' "/proc/$1/stat" | cut -d' ' -f20; else echo -; fi; }
for unit in ${services}; do
  echo "svc $unit $(systemctl show -p ActiveState --value "$unit") $(started "$(systemctl show -p MainPID --value "$unit")")"
done
for pod in ${pods}; do
  echo "pod $pod $(started "$(pgrep -n -f "^$pod( |$)" || true)")"
done
${
  role === 'master'
    ? `if [ -r ${VRRP_STATE_FILE} ]; then echo "vrrp $(cat ${VRRP_STATE_FILE}) $(stat -c %.3Y ${VRRP_STATE_FILE})"; else echo "vrrp - -"; fi
if ip -4 -o addr show dev ${labLink(topology).interface} | grep -q " ${vip}/"; then echo "vip holds"; else echo "vip free"; fi`
    : ''
}
`;
}

/** Reads the script's output back; anything it could not read counts as not running. */
export function parseNodeFacts(node: string, role: NodeRole, output: string): NodeFacts {
  const lines = output.split('\n').map((l) => l.trim().split(/\s+/));
  const value = (key: string) => lines.find((l) => l[0] === key)?.[1];
  const now = Number(value('now')) * 1000;
  const uptime = Number(value('uptime')) * 1000;
  const hz = Number(value('hz')) || 100;
  const startedAt = (ticks: string | undefined): number | null => {
    if (!ticks || ticks === '-' || !Number.isFinite(now) || !Number.isFinite(uptime)) return null;
    const t = Number(ticks);
    return Number.isFinite(t) ? Math.round(now - (uptime - (t / hz) * 1000)) : null;
  };
  const services = requiredServices(role).map((name) => {
    const line = lines.find((l) => l[0] === 'svc' && l[1] === name);
    const since = startedAt(line?.[3]);
    return { name, running: line?.[2] === 'active' && since !== null, startedAt: since };
  });
  const staticPods = requiredStaticPods(role).map((name) => {
    const since = startedAt(lines.find((l) => l[0] === 'pod' && l[1] === name)?.[2]);
    return { name, running: since !== null, startedAt: since };
  });
  const facts: NodeFacts = { node, reachable: true, services, staticPods };
  if (role === 'master') {
    const vrrp = lines.find((l) => l[0] === 'vrrp');
    const written = Number(vrrp?.[2]);
    facts.vrrp = {
      state: vrrp?.[1] && vrrp[1] !== '-' ? vrrp[1] : null,
      writtenAt: Number.isFinite(written) ? Math.round(written * 1000) : null,
    };
    const vip = value('vip');
    facts.vip = vip === 'holds' || vip === 'free' ? vip : 'unknown';
  }
  return facts;
}

/** A node that could not be asked: nothing about it is known. */
export function unreachableNode(node: string, role: NodeRole, error: string): NodeFacts {
  const none = (name: string): ProcessFact => ({ name, running: false, startedAt: null });
  return {
    node,
    reachable: false,
    error,
    services: requiredServices(role).map(none),
    staticPods: requiredStaticPods(role).map(none),
    ...(role === 'master'
      ? { vrrp: { state: null, writtenAt: null }, vip: 'unknown' as const }
      : {}),
  };
}
