/**
 * The dashboard's whole state and the one pure reducer that builds it from events: history
 * entries from the probes and faults, container snapshots, and a few UI-local events. The
 * components only render this; tests drive it with recorded event sequences.
 */
import { reduceApi, reduceWrite } from './dashboard-api.js';
import { reduceEtcd } from './dashboard-etcd.js';
import { reduceFault } from './dashboard-faults.js';
import { reduceContainers, reduceNodeReady } from './dashboard-nodes.js';
import { newRow } from './dashboard-rows.js';
import { push } from './dashboard-timeline.js';
import type {
  DashboardEvent,
  DashboardState,
  DashboardStateOptions,
  NodeRow,
} from './dashboard-types.js';
import { reduceVip } from './dashboard-vip.js';
import type { OpRecord } from '../chaos/history.js';

export type {
  ContainerState,
  ContainerStatus,
  ContainersEvent,
  UiEvent,
  DashboardEvent,
  EtcdRole,
  NodeRow,
  VipState,
  ApiState,
  EtcdPanelState,
  TimelineKind,
  Severity,
  TimelineEvent,
  ActiveFault,
  Notice,
  DashboardState,
  NodeSeed,
  DashboardStateOptions,
} from './dashboard-types.js';
export { readyLabel } from './dashboard-nodes.js';
export { TIMELINE_LIMIT } from './dashboard-timeline.js';

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
    scenario: undefined,
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
    case 'scenario-started':
      return advance(state, event.at, { scenario: event.name });
    case 'scenario-ended':
      return advance(state, event.at, { scenario: undefined });
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
    case 'op':
      return push(advance(state, event.at, {}), event.at, 'note', 'info', opLine(event));
    case 'evidence':
    case 'tls':
    case 'version':
    case 'workload':
    case 'read':
      return advance(state, event.at, {});
  }
}

/** A day-2 operation's progress as one event line: "etcd-member-replace: wipe data dir (1.2 s)". */
function opLine(record: OpRecord): string {
  const what = record.phase === 'step' ? (record.step ?? 'step') : record.phase;
  const took =
    record.durationMs === undefined ? '' : ` (${(record.durationMs / 1000).toFixed(1)} s)`;
  const why = record.phase === 'failed' && record.message ? `: ${record.message}` : '';
  return `${record.op}: ${what}${record.node ? ` on ${record.node}` : ''}${took}${why}`;
}

function advance(
  state: DashboardState,
  at: number,
  patch: Partial<DashboardState>,
): DashboardState {
  return { ...state, ...patch, now: Math.max(state.now, at) };
}
