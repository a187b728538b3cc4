import type { DashboardState, Severity, TimelineEvent, TimelineKind } from './dashboard-types.js';

export const TIMELINE_LIMIT = 200;

export function push(
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

/** Rewrites the newest timeline event in place (same id, same start time). */
export function replaceLast(
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
