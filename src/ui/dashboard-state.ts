/**
 * The dashboard's whole state and the one pure reducer that builds it from events: history
 * entries from the probes and faults, container snapshots, and a few UI-local events. The
 * components only render this; tests drive it with recorded event sequences.
 */
import type {
  ApiSample,
  EtcdMemberStatus,
  EtcdSample,
  FaultRecord,
  HistoryEntry,
  NodeReadySample,
  VipSample,
  WriteSample,
} from '../chaos/history.js';
import type { Role } from '../core/topology.js';
import { addSample, type AvailabilityBucket } from './availability-series.js';
import { formatDuration } from './format.js';

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
  | { type: 'tick'; at: number };

export type DashboardEvent = HistoryEntry | ContainersEvent | UiEvent;

/** none = not an etcd member (workers); unknown = no answer yet or no leader elected. */
export type EtcdRole = 'leader' | 'follower' | 'down' | 'unknown' | 'none';

export interface NodeRow {
  name: string;
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
}

export const TIMELINE_LIMIT = 200;

export interface NodeSeed {
  name: string;
  role: Role;
  ip: string;
}

export interface DashboardStateOptions {
  labName: string;
  /** The topology's nodes, so the grid shows all six rows before the first snapshot. */
  nodes?: readonly NodeSeed[];
  now?: number;
  columns?: number;
  rows?: number;
}

export function createDashboardState(options: DashboardStateOptions): DashboardState {
  return {
    labName: options.labName,
    now: options.now ?? 0,
    columns: options.columns ?? 80,
    rows: options.rows ?? 24,
    nodes: (options.nodes ?? []).map((seed) => newRow(seed)),
    selected: 0,
    vip: { holders: [], unknown: [], lastHolder: undefined, observed: false },
    api: {
      series: [],
      up: undefined,
      downSince: undefined,
      lastDetail: undefined,
      lastTransitionAt: undefined,
      outages: 0,
    },
    etcd: {
      members: [],
      leader: undefined,
      lastLeader: undefined,
      raftTerm: undefined,
      dbSizeBytes: undefined,
      healthy: 0,
      total: 0,
      observed: false,
    },
    writes: { ok: 0, failed: 0, unknown: 0 },
    timeline: [],
    nextEventId: 1,
    lastFaultAt: undefined,
    activeFaults: [],
    notice: undefined,
  };
}

export function selectedNode(state: DashboardState): NodeRow | undefined {
  return state.nodes[state.selected];
}

export function isSplitBrain(state: DashboardState): boolean {
  return state.vip.holders.length >= 2;
}

export function reduceDashboard(state: DashboardState, event: DashboardEvent): DashboardState {
  switch (event.type) {
    case 'tick':
      // Everything on screen is shown to the second, so a tick within the same second
      // returns the same object and React skips the render.
      return Math.floor(event.at / 1000) > Math.floor(state.now / 1000)
        ? { ...state, now: event.at }
        : state;
    case 'select': {
      const last = Math.max(0, state.nodes.length - 1);
      const selected = Math.min(last, Math.max(0, state.selected + event.delta));
      return selected === state.selected ? state : { ...state, selected };
    }
    case 'resize':
      return event.columns === state.columns && event.rows === state.rows
        ? state
        : { ...state, columns: event.columns, rows: event.rows };
    case 'fault-requested': {
      const what = event.service ? `${event.fault} ${event.service} on` : event.fault;
      return advance(state, event.at, {
        notice: { kind: 'pending', text: `${what} ${event.target}…`, at: event.at },
      });
    }
    case 'fault-settled':
      return state.notice?.kind === 'pending'
        ? advance(state, event.at, { notice: undefined })
        : advance(state, event.at, {});
    case 'fault-failed': {
      const next = advance(state, event.at, {
        notice: { kind: 'error', text: event.message, at: event.at },
      });
      return push(next, event.at, 'request-failed', 'bad', `FAILED: ${event.message}`);
    }
    case 'containers':
      return reduceContainers(advance(state, event.at, {}), event);
    case 'vip':
      return reduceVip(advance(state, event.at, {}), event);
    case 'api':
      return reduceApi(advance(state, event.at, {}), event);
    case 'etcd':
      return reduceEtcd(advance(state, event.at, {}), event);
    case 'nodes':
      return reduceNodeReady(advance(state, event.at, {}), event);
    case 'write':
      return reduceWrite(advance(state, event.at, {}), event);
    case 'fault':
      return reduceFault(advance(state, event.at, {}), event);
    case 'note':
      return push(advance(state, event.at, {}), event.at, 'note', 'info', event.message);
    case 'evidence':
    case 'read':
      return advance(state, event.at, {});
  }
}

function advance(
  state: DashboardState,
  at: number,
  patch: Partial<DashboardState>,
): DashboardState {
  return { ...state, ...patch, now: Math.max(state.now, at) };
}

function newRow(seed: NodeSeed): NodeRow {
  return {
    name: seed.name,
    role: seed.role,
    ip: seed.ip,
    container: 'unknown',
    systemd: 'unknown',
    hasVip: false,
    etcd: seed.role === 'master' ? 'unknown' : 'none',
    apiReady: undefined,
    kubeletReady: undefined,
    leaseRenewedAt: undefined,
    lastChangeAt: undefined,
  };
}

type RowPatch = Partial<Omit<NodeRow, 'name' | 'lastChangeAt'>>;

/**
 * Applies a patch to one row, keeping the row object when nothing changed so memoised
 * grid rows skip rendering. `baseline` marks a first observation, which is not a change.
 */
function patchRow(row: NodeRow, patch: RowPatch, at: number, baseline: boolean): NodeRow {
  const keys = Object.keys(patch) as (keyof RowPatch)[];
  const changed = keys.filter((k) => row[k] !== patch[k]);
  if (changed.length === 0) return row;
  const meaningful = !baseline && changed.some((k) => row[k] !== undefined && row[k] !== 'unknown');
  return { ...row, ...patch, lastChangeAt: meaningful ? at : row.lastChangeAt };
}

function patchRows(
  state: DashboardState,
  patchFor: (row: NodeRow) => RowPatch | undefined,
  at: number,
  baseline = false,
): DashboardState {
  let touched = false;
  const nodes = state.nodes.map((row) => {
    const patch = patchFor(row);
    const next = patch ? patchRow(row, patch, at, baseline) : row;
    if (next !== row) touched = true;
    return next;
  });
  return touched ? { ...state, nodes } : state;
}

function push(
  state: DashboardState,
  at: number,
  kind: TimelineKind,
  severity: Severity,
  text: string,
): DashboardState {
  const event: TimelineEvent = {
    id: state.nextEventId,
    at,
    sinceFaultMs: state.lastFaultAt === undefined ? undefined : at - state.lastFaultAt,
    kind,
    severity,
    text,
  };
  const timeline = [...state.timeline, event];
  return {
    ...state,
    timeline: timeline.length > TIMELINE_LIMIT ? timeline.slice(-TIMELINE_LIMIT) : timeline,
    nextEventId: state.nextEventId + 1,
  };
}

function reduceContainers(state: DashboardState, event: ContainersEvent): DashboardState {
  const known = new Set(state.nodes.map((n) => n.name));
  const added = event.nodes.filter((n) => !known.has(n.name)).map((n) => newRow(n));
  let next = added.length > 0 ? { ...state, nodes: [...state.nodes, ...added] } : state;
  const byName = new Map(event.nodes.map((n) => [n.name, n]));
  for (const row of next.nodes) {
    const seen = byName.get(row.name);
    if (!seen || row.container === 'unknown' || row.container === seen.container) continue;
    const bad = seen.container !== 'running';
    const label = bad ? seen.container.toUpperCase() : seen.container;
    next = push(
      next,
      event.at,
      'container-changed',
      bad ? 'bad' : 'good',
      `${row.name} container ${label}`,
    );
  }
  return patchRows(
    next,
    (row) => {
      const seen = byName.get(row.name);
      return (
        seen && { role: seen.role, ip: seen.ip, container: seen.container, systemd: seen.systemd }
      );
    },
    event.at,
  );
}

function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

function reduceVip(state: DashboardState, sample: VipSample): DashboardState {
  const prev = state.vip;
  const holders = sample.holders;
  let next: DashboardState = {
    ...state,
    vip: {
      holders,
      unknown: sample.unknown,
      lastHolder: holders.length === 1 ? holders[0] : prev.lastHolder,
      observed: true,
    },
  };
  if (prev.observed && !sameMembers(prev.holders, holders)) {
    next = vipTransition(next, prev, sample);
  }
  return patchRows(
    next,
    (row) => ({ hasVip: holders.includes(row.name) }),
    sample.at,
    !prev.observed,
  );
}

function vipTransition(state: DashboardState, prev: VipState, sample: VipSample): DashboardState {
  const { at, holders, unknown } = sample;
  const wasSplit = prev.holders.length >= 2;
  const isSplit = holders.length >= 2;
  if (isSplit) {
    return wasSplit
      ? push(state, at, 'split-brain-begins', 'bad', `SPLIT BRAIN now ${holders.join(' + ')}`)
      : push(
          state,
          at,
          'split-brain-begins',
          'bad',
          `SPLIT BRAIN: ${holders.join(' + ')} hold the VIP`,
        );
  }
  const holder = holders[0];
  if (wasSplit) {
    const text = holder
      ? `split brain over: ${holder} holds the VIP`
      : 'split brain over: no master holds the VIP';
    return push(state, at, 'split-brain-ends', holder ? 'good' : 'bad', text);
  }
  if (holder === undefined) {
    const why = unknown.length > 0 ? ` (${unknown.join(', ')} unreachable)` : '';
    return push(state, at, 'vip-lost', 'bad', `VIP LOST: no master holds it${why}`);
  }
  const from = prev.lastHolder;
  if (from !== undefined && from !== holder) {
    return push(state, at, 'vip-moved', 'good', `VIP moved ${from} → ${holder}`);
  }
  return push(state, at, 'vip-acquired', 'good', `VIP held by ${holder}`);
}

function reduceApi(state: DashboardState, sample: ApiSample): DashboardState {
  if (sample.target !== 'vip') {
    return patchRows(
      state,
      (row) => (row.name === sample.target ? { apiReady: sample.ok } : undefined),
      sample.at,
    );
  }
  const prev = state.api;
  let next: DashboardState = {
    ...state,
    api: {
      ...prev,
      series: addSample(prev.series, sample.at, sample.ok, sample.latencyMs),
      up: sample.ok,
      downSince: sample.ok ? undefined : (prev.downSince ?? sample.at),
      lastDetail: sample.detail,
    },
  };
  if (prev.up === sample.ok || prev.up === undefined) return next;
  next = { ...next, api: { ...next.api, lastTransitionAt: sample.at } };
  const last = state.timeline[state.timeline.length - 1];
  const flapping = last?.kind === 'api-flapping';
  if (!sample.ok) {
    const upBriefly =
      (last?.kind === 'api-up' || flapping) &&
      prev.lastTransitionAt !== undefined &&
      sample.at - prev.lastTransitionAt < FLAP_WINDOW_MS;
    if (!upBriefly) {
      next = { ...next, api: { ...next.api, outages: 1 } };
      return push(next, sample.at, 'api-down', 'bad', `API DOWN via VIP (${sample.detail})`);
    }
    const outages = (flapping ? prev.outages : 1) + 1;
    next = { ...next, api: { ...next.api, outages } };
    return replaceLast(
      next,
      'api-flapping',
      'bad',
      `API FLAPPING via VIP: ${outages} outages, now DOWN (${sample.detail})`,
    );
  }
  if (flapping) {
    return replaceLast(
      next,
      'api-flapping',
      'bad',
      `API FLAPPING via VIP: ${prev.outages} outages, now up`,
    );
  }
  const after =
    prev.downSince === undefined ? '' : ` after ${formatDuration(sample.at - prev.downSince)}`;
  return push(next, sample.at, 'api-up', 'good', `API up via VIP${after}`);
}

/**
 * A VIP that flips between two holders makes the API fail every other second; one line that
 * counts the outages says that better than a screenful of down/up pairs.
 */
const FLAP_WINDOW_MS = 2000;

/** Rewrites the newest timeline event in place (same id, same start time). */
function replaceLast(
  state: DashboardState,
  kind: TimelineKind,
  severity: Severity,
  text: string,
): DashboardState {
  const last = state.timeline[state.timeline.length - 1];
  if (!last) return state;
  return {
    ...state,
    timeline: [...state.timeline.slice(0, -1), { ...last, kind, severity, text }],
  };
}

/** The leader most healthy members agree on, unless that leader itself is down. */
function electedLeader(members: readonly EtcdMemberStatus[]): string | undefined {
  const votes = new Map<string, number>();
  for (const m of members) {
    if (m.healthy && m.leader) votes.set(m.leader, (votes.get(m.leader) ?? 0) + 1);
  }
  let best: string | undefined;
  let bestVotes = 0;
  for (const [name, count] of votes) {
    if (count > bestVotes) {
      best = name;
      bestVotes = count;
    }
  }
  const member = members.find((m) => m.member === best);
  return member && !member.healthy ? undefined : best;
}

function reduceEtcd(state: DashboardState, sample: EtcdSample): DashboardState {
  const prev = state.etcd;
  const leader = electedLeader(sample.members);
  const healthyMembers = sample.members.filter((m) => m.healthy);
  const terms = healthyMembers.flatMap((m) => (m.raftTerm === undefined ? [] : [m.raftTerm]));
  const sizes = healthyMembers.flatMap((m) => (m.dbSizeBytes === undefined ? [] : [m.dbSizeBytes]));
  const leaderSize = sample.members.find((m) => m.member === leader)?.dbSizeBytes;
  const etcd: EtcdPanelState = {
    members: sample.members,
    leader,
    lastLeader: leader ?? prev.lastLeader,
    raftTerm: terms.length > 0 ? Math.max(...terms) : prev.raftTerm,
    dbSizeBytes: leaderSize ?? (sizes.length > 0 ? Math.max(...sizes) : prev.dbSizeBytes),
    healthy: healthyMembers.length,
    total: sample.members.length,
    observed: true,
  };
  let next: DashboardState = { ...state, etcd };
  if (prev.observed) {
    const hadQuorum = prev.healthy > prev.total / 2;
    const hasQuorum = etcd.healthy > etcd.total / 2;
    if (hadQuorum && !hasQuorum) {
      next = push(
        next,
        sample.at,
        'etcd-quorum-lost',
        'bad',
        `etcd QUORUM LOST (${etcd.healthy}/${etcd.total} healthy)`,
      );
    } else if (!hadQuorum && hasQuorum) {
      next = push(
        next,
        sample.at,
        'etcd-quorum-regained',
        'good',
        `etcd quorum back (${etcd.healthy}/${etcd.total} healthy)`,
      );
    }
    if (leader !== prev.leader) {
      if (leader === undefined) {
        next = push(
          next,
          sample.at,
          'etcd-leader-lost',
          'bad',
          `etcd NO LEADER (was ${prev.leader ?? '?'})`,
        );
      } else if (prev.lastLeader !== undefined && prev.lastLeader !== leader) {
        next = push(
          next,
          sample.at,
          'etcd-leader-changed',
          'good',
          `etcd leader ${prev.lastLeader} → ${leader}`,
        );
      } else {
        next = push(next, sample.at, 'etcd-leader-changed', 'good', `etcd leader ${leader}`);
      }
    }
  }
  const byName = new Map(sample.members.map((m) => [m.member, m]));
  return patchRows(
    next,
    (row) => {
      const member = byName.get(row.name);
      if (!member) return undefined;
      const role: EtcdRole = !member.healthy
        ? 'down'
        : leader === undefined
          ? 'unknown'
          : member.member === leader
            ? 'leader'
            : 'follower';
      return { etcd: role };
    },
    sample.at,
    !prev.observed,
  );
}

function reduceNodeReady(state: DashboardState, sample: NodeReadySample): DashboardState {
  let next = state;
  for (const row of state.nodes) {
    const status = sample.ready[row.name];
    if (status === undefined || row.kubeletReady === undefined || status === row.kubeletReady)
      continue;
    next =
      status === 'True'
        ? push(next, sample.at, 'node-ready-changed', 'good', `${row.name} Ready`)
        : push(next, sample.at, 'node-ready-changed', 'bad', `${row.name} ${readyLabel(status)}`);
  }
  return patchRows(
    next,
    (row) => {
      const status = sample.ready[row.name];
      const renewed = sample.leases?.[row.name] ?? undefined;
      return status === undefined
        ? undefined
        : { kubeletReady: status, ...(renewed !== undefined ? { leaseRenewedAt: renewed } : {}) };
    },
    sample.at,
  );
}

/** The grid's and the timeline's word for a Ready condition; failures in capitals. */
export function readyLabel(status: string | undefined): string {
  if (status === undefined) return '?';
  if (status === 'True') return 'Ready';
  if (status === 'False') return 'NOTREADY';
  return status.toUpperCase();
}

function reduceWrite(state: DashboardState, sample: WriteSample): DashboardState {
  return {
    ...state,
    writes: { ...state.writes, [sample.outcome]: state.writes[sample.outcome] + 1 },
  };
}

function reduceFault(state: DashboardState, record: FaultRecord): DashboardState {
  const label = `${record.fault} ${record.target}`;
  switch (record.phase) {
    case 'applied': {
      const active: ActiveFault = {
        id: record.id,
        fault: record.fault,
        target: record.target,
        appliedAt: record.at,
        undoError: undefined,
      };
      const next = {
        ...state,
        lastFaultAt: record.at,
        activeFaults: [...state.activeFaults.filter((f) => f.id !== record.id), active],
      };
      return push(next, record.at, 'fault-applied', 'fault', `fault: ${label}`);
    }
    case 'undone': {
      const next = { ...state, activeFaults: state.activeFaults.filter((f) => f.id !== record.id) };
      return push(next, record.at, 'fault-undone', 'good', `undone: ${label}`);
    }
    case 'undo-failed': {
      const message = record.message ?? 'no reason given';
      // A fault applied before the dashboard started is still in place: track it from here.
      const known = state.activeFaults.some((f) => f.id === record.id);
      const activeFaults = known
        ? state.activeFaults.map((f) => (f.id === record.id ? { ...f, undoError: message } : f))
        : [
            ...state.activeFaults,
            {
              id: record.id,
              fault: record.fault,
              target: record.target,
              appliedAt: record.at,
              undoError: message,
            },
          ];
      const next = { ...state, activeFaults };
      return push(next, record.at, 'fault-undo-failed', 'bad', `UNDO FAILED: ${label}: ${message}`);
    }
  }
}
