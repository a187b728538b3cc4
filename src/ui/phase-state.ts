/**
 * Progress of `ha-lab up` as state: phases still running, and an append-only list of
 * finished phases and log lines (append-only because the view hands it to <Static>).
 */
import type { LabEvent } from '../core/events.js';

export interface RunningPhase {
  phase: string;
  /** Nodes the phase reported starting on, in order. */
  nodes: string[];
  startedAt: number;
  /** The latest progress message. */
  message: string | undefined;
}

export type FinishedItem =
  | {
      kind: 'phase';
      key: number;
      phase: string;
      ok: boolean;
      durationMs: number;
      at: number;
      node: string | undefined;
      message: string | undefined;
    }
  | { kind: 'log'; key: number; level: 'info' | 'warn'; message: string; at: number };

export interface PhaseState {
  /** Time of the first event: elapsed times count from here. */
  origin: number | undefined;
  running: RunningPhase[];
  finished: FinishedItem[];
  nextKey: number;
  failed: boolean;
}

export const initialPhaseState: PhaseState = {
  origin: undefined,
  running: [],
  finished: [],
  nextKey: 1,
  failed: false,
};

export function reducePhases(state: PhaseState, event: LabEvent): PhaseState {
  const base = state.origin === undefined ? { ...state, origin: event.at } : state;
  switch (event.kind) {
    case 'phase-started': {
      const current = base.running.find((p) => p.phase === event.phase);
      if (!current) {
        const nodes = event.node === undefined ? [] : [event.node];
        const started: RunningPhase = {
          phase: event.phase,
          nodes,
          startedAt: event.at,
          message: undefined,
        };
        return { ...base, running: [...base.running, started] };
      }
      // A phase that fans out over nodes reports one start per node: one line, many nodes.
      if (event.node === undefined || current.nodes.includes(event.node)) return base;
      return replaceRunning(base, { ...current, nodes: [...current.nodes, event.node] });
    }
    case 'phase-progress': {
      const current = base.running.find((p) => p.phase === event.phase);
      const updated: RunningPhase = current
        ? { ...current, message: event.message }
        : { phase: event.phase, nodes: [], startedAt: event.at, message: event.message };
      return current
        ? replaceRunning(base, updated)
        : { ...base, running: [...base.running, updated] };
    }
    case 'phase-done':
      return finish(base, event.phase, {
        ok: true,
        durationMs: event.durationMs,
        at: event.at,
        node: undefined,
        message: undefined,
      });
    case 'phase-failed': {
      const startedAt = base.running.find((p) => p.phase === event.phase)?.startedAt ?? event.at;
      return {
        ...finish(base, event.phase, {
          ok: false,
          durationMs: event.at - startedAt,
          at: event.at,
          node: event.node,
          message: event.message,
        }),
        failed: true,
      };
    }
    case 'log':
      return {
        ...base,
        finished: [
          ...base.finished,
          {
            kind: 'log',
            key: base.nextKey,
            level: event.level,
            message: event.message,
            at: event.at,
          },
        ],
        nextKey: base.nextKey + 1,
      };
  }
}

function replaceRunning(state: PhaseState, phase: RunningPhase): PhaseState {
  return { ...state, running: state.running.map((p) => (p.phase === phase.phase ? phase : p)) };
}

function finish(
  state: PhaseState,
  phase: string,
  result: {
    ok: boolean;
    durationMs: number;
    at: number;
    node: string | undefined;
    message: string | undefined;
  },
): PhaseState {
  const item: FinishedItem = { kind: 'phase', key: state.nextKey, phase, ...result };
  return {
    ...state,
    running: state.running.filter((p) => p.phase !== phase),
    finished: [...state.finished, item],
    nextKey: state.nextKey + 1,
  };
}
