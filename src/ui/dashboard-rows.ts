import type { DashboardState, NodeRow, NodeSeed } from './dashboard-types.js';

export function newRow(seed: NodeSeed): NodeRow {
  return {
    name: seed.name,
    ...(seed.host === undefined ? {} : { host: seed.host }),
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

export function patchRows(
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
