import { useStdout } from 'ink';
import { useEffect, useReducer } from 'react';
import type { DashboardController } from './dashboard-controller.js';
import { Dashboard } from './dashboard.js';
import { reduceDashboard, type DashboardEvent, type DashboardState } from './dashboard-state.js';

export type Subscribe = (listener: (event: DashboardEvent) => void) => () => void;

export interface DashboardAppProps {
  initialState: DashboardState;
  controller: DashboardController;
  subscribe: Subscribe;
  /** How often queued events are applied and the clock advances. */
  tickMs?: number;
  clock?: () => number;
  color?: boolean;
}

export const DEFAULT_TICK_MS = 250;

/**
 * Owns the reducer. Probe samples arrive many times a second, so they are queued and applied
 * together on each tick: React batches the dispatches into one render, and a tick that
 * changes nothing visible returns the same state, so an idle dashboard does not render.
 */
export function DashboardApp({
  initialState,
  controller,
  subscribe,
  tickMs = DEFAULT_TICK_MS,
  clock = Date.now,
  color,
}: DashboardAppProps) {
  const [state, dispatch] = useReducer(reduceDashboard, initialState);
  const { stdout } = useStdout();

  useEffect(() => {
    const onResize = () => {
      dispatch({ type: 'resize', columns: stdout.columns || 80, rows: stdout.rows || 24 });
    };
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);

  useEffect(() => {
    let queue: DashboardEvent[] = [];
    const unsubscribe = subscribe((event) => {
      queue.push(event);
    });
    const flush = () => {
      const batch = queue;
      queue = [];
      for (const event of batch) dispatch(event);
      dispatch({ type: 'tick', at: clock() });
    };
    flush();
    const timer = setInterval(flush, tickMs);
    return () => {
      clearInterval(timer);
      unsubscribe();
    };
  }, [subscribe, tickMs, clock]);

  return (
    <Dashboard
      state={state}
      controller={controller}
      dispatch={dispatch}
      clock={clock}
      {...(color === undefined ? {} : { color })}
    />
  );
}
