import type { EtcdMemberStatus, HistoryEntry } from '../chaos/history.js';
import type { Role } from '../core/topology.js';
import type { AvailabilityBucket } from './availability-series.js';

export type ContainerState = 'running' | 'paused' | 'exited' | 'missing';

export interface ContainerStatus {
  name: string;
  role: Role;
  ip: string;
  container: ContainerState;
  /** `systemctl is-system-running` inside the node: running, degraded, starting, unknown. */
  systemd: string;
}

/** One snapshot of every node container, from the engine. */
export interface ContainersEvent {
  type: 'containers';
  at: number;
  nodes: ContainerStatus[];
}

export type UiEvent =
  | { type: 'select'; delta: number }
  | { type: 'resize'; columns: number; rows: number }
  /** The user asked for a fault (or "restore", or a scenario); shown until settled or failed. */
  | { type: 'fault-requested'; at: number; fault: string; target: string; service?: string }
  /** The request's promise resolved; its effects arrive as FaultRecords. */
  | { type: 'fault-settled'; at: number }
  | { type: 'fault-failed'; at: number; message: string }
  /** A scenario the dashboard started is running (until it ends, however it ends). */
  | { type: 'scenario-started'; at: number; name: string }
  | { type: 'scenario-ended'; at: number }
  | { type: 'tick'; at: number };

export type DashboardEvent = HistoryEntry | ContainersEvent | UiEvent;

/** none = not an etcd member (workers); unknown = no answer yet or no leader elected. */
export type EtcdRole = 'leader' | 'follower' | 'down' | 'unknown' | 'none';

export interface NodeRow {
  name: string;
  /** An inventory lab's host for this node (its name in the inventory); absent on Docker. */
  host?: string;
  role: Role;
  ip: string;
  container: ContainerState | 'unknown';
  systemd: string;
  hasVip: boolean;
  etcd: EtcdRole;
  /** /readyz on this node's own API server; undefined until probed. */
  apiReady: boolean | undefined;
  /** The Kubernetes Ready condition: "True", "False", "Unknown"; undefined until seen. */
  kubeletReady: string | undefined;
  /** When the node's kubelet last renewed its lease: Ready is stale once this is old. */
  leaseRenewedAt: number | undefined;
  /** When any of the above last changed after its first observation. */
  lastChangeAt: number | undefined;
}

export interface VipState {
  holders: string[];
  unknown: string[];
  /** The last single holder, kept through gaps so a failover reads "moved A → B". */
  lastHolder: string | undefined;
  observed: boolean;
}

export interface ApiState {
  series: AvailabilityBucket[];
  up: boolean | undefined;
  downSince: number | undefined;
  lastDetail: string | undefined;
  /** When the API through the VIP last went up or down. */
  lastTransitionAt: number | undefined;
  /** Outages in the current run of flapping (see FLAP_WINDOW_MS). */
  outages: number;
}

export interface EtcdPanelState {
  members: EtcdMemberStatus[];
  leader: string | undefined;
  /** Kept through leaderless gaps so a re-election reads "A → B". */
  lastLeader: string | undefined;
  raftTerm: number | undefined;
  dbSizeBytes: number | undefined;
  healthy: number;
  total: number;
  observed: boolean;
}

export type TimelineKind =
  | 'fault-applied'
  | 'fault-undone'
  | 'fault-undo-failed'
  | 'request-failed'
  | 'vip-moved'
  | 'vip-lost'
  | 'vip-acquired'
  | 'split-brain-begins'
  | 'split-brain-ends'
  | 'etcd-leader-changed'
  | 'etcd-leader-lost'
  | 'etcd-quorum-lost'
  | 'etcd-quorum-regained'
  | 'container-changed'
  | 'node-ready-changed'
  | 'api-down'
  | 'api-up'
  | 'api-flapping'
  | 'note';

/** bad/good/fault/info each get their own text marker, so colour is never the only signal. */
export type Severity = 'bad' | 'good' | 'fault' | 'info';

export interface TimelineEvent {
  id: number;
  at: number;
  /** Milliseconds since the last applied fault, when there was one. */
  sinceFaultMs: number | undefined;
  kind: TimelineKind;
  severity: Severity;
  text: string;
}

export interface ActiveFault {
  id: string;
  fault: string;
  target: string;
  appliedAt: number;
  /** Set when an undo was attempted and failed: the fault is still in place. */
  undoError: string | undefined;
}

export interface Notice {
  kind: 'pending' | 'error';
  text: string;
  at: number;
}

export interface DashboardState {
  labName: string;
  /** The clock the view renders against: the newest event or tick seen. */
  now: number;
  columns: number;
  rows: number;
  nodes: NodeRow[];
  selected: number;
  vip: VipState;
  api: ApiState;
  etcd: EtcdPanelState;
  writes: { ok: number; failed: number; unknown: number };
  timeline: TimelineEvent[];
  nextEventId: number;
  lastFaultAt: number | undefined;
  activeFaults: ActiveFault[];
  notice: Notice | undefined;
  /** The scenario the dashboard is running, if any: quitting must offer to stop it. */
  scenario: string | undefined;
}

export interface NodeSeed {
  name: string;
  role: Role;
  ip: string;
  host?: string;
}

export interface DashboardStateOptions {
  labName: string;
  /** The topology's nodes, so the grid shows all six rows before the first snapshot. */
  nodes?: readonly NodeSeed[];
  now?: number;
  columns?: number;
  rows?: number;
}
