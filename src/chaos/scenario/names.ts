import { MASTER_COUNT, nodeNames } from '../../core/topology.js';

/** The vocabulary of scenario files. The loader, the JSON Schema and the runner share it. */

export const FAULT_KINDS = [
  'kill',
  'stop',
  'pause',
  'restart',
  'partition',
  'service-stop',
  'service-kill',
  'block-vrrp',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const SERVICES = ['etcd', 'keepalived', 'kube-apiserver', 'kubelet', 'containerd'] as const;
export type Service = (typeof SERVICES)[number];

/** Targets resolved when the fault is applied, not when the file is read. */
export const SPECIAL_TARGETS = ['etcd-leader', 'vip-holder', 'all-masters', 'all-nodes'] as const;

export const NODE_TARGETS = nodeNames();
export const MASTER_NAMES = NODE_TARGETS.slice(0, MASTER_COUNT);
export const TARGETS = nonEmpty([...NODE_TARGETS, ...SPECIAL_TARGETS]);

/** Faults that only make sense where the control plane runs: workers have no etcd or VRRP. */
const MASTER_ONLY_SERVICES: readonly Service[] = ['etcd', 'keepalived', 'kube-apiserver'];

export function isServiceFault(fault: FaultKind): boolean {
  return fault === 'service-stop' || fault === 'service-kill';
}

export function needsMasterTarget(fault: FaultKind, service: Service | undefined): boolean {
  if (fault === 'block-vrrp') return true;
  return service !== undefined && MASTER_ONLY_SERVICES.includes(service);
}

export function isMasterTarget(target: string): boolean {
  if (target === 'all-nodes') return false;
  return MASTER_NAMES.includes(target) || (SPECIAL_TARGETS as readonly string[]).includes(target);
}

/**
 * Day-2 operations: what an operator does on purpose to a healthy lab, run to their end as one
 * step (unlike a fault, there is nothing to undo; the lab must be whole afterwards).
 */
export const OP_KINDS = [
  'etcd-member-replace',
  'renew-certs',
  'etcd-snapshot-restore',
  'upgrade',
] as const;
export type OpKind = (typeof OP_KINDS)[number];

/** Replacing a member acts on one master; the other operations act on every master in turn. */
export const OP_DEFAULT_TARGET: Record<OpKind, string> = {
  'etcd-member-replace': 'master-0',
  'renew-certs': 'all-masters',
  'etcd-snapshot-restore': 'all-masters',
  upgrade: 'all-nodes',
};

export function opAcceptsTarget(op: OpKind, target: string): boolean {
  if (op === 'etcd-member-replace') return MASTER_NAMES.includes(target);
  if (op === 'upgrade') return target === 'all-nodes';
  return target === 'all-masters';
}

export const STEP_KINDS = ['settle', 'observe', 'fault', 'restore', 'wait', 'op'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/** Limits: long enough for a slow laptop, short enough that a typo cannot park a run for hours. */
export const MAX_DURATION_MS = 10 * 60_000;
export const MAX_STEPS = 20;
export const PROBE_INTERVAL_MIN_MS = 50;
export const PROBE_INTERVAL_MAX_MS = 5000;

export const DEFAULTS = {
  intervalMs: 250,
  writeIntervalMs: 200,
  waitTimeoutMs: 120_000,
  vipFailoverMs: 10_000,
  splitBrainMaxMs: 1000,
  apiUnavailableMs: 10_000,
  rejoinMs: 90_000,
  leaderElectionMs: 3000,
  etcdInSyncMs: 60_000,
} as const;

/** z.enum wants a non-empty tuple; the topology always has nodes, so this never throws. */
function nonEmpty(values: string[]): [string, ...string[]] {
  const [first, ...rest] = values;
  if (first === undefined) throw new Error('no scenario targets');
  return [first, ...rest];
}
