import type { FaultRecord } from '../chaos/history.js';
import { push } from './dashboard-timeline.js';
import type { ActiveFault, DashboardState } from './dashboard-types.js';

export function reduceFault(state: DashboardState, record: FaultRecord): DashboardState {
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
