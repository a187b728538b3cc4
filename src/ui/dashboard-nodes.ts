import type { NodeReadySample } from '../chaos/history.js';
import { newRow, patchRows } from './dashboard-rows.js';
import { push } from './dashboard-timeline.js';
import type { ContainersEvent, DashboardState } from './dashboard-types.js';

export function reduceContainers(state: DashboardState, event: ContainersEvent): DashboardState {
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

export function reduceNodeReady(state: DashboardState, sample: NodeReadySample): DashboardState {
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
