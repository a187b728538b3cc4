import { render } from 'ink';
import { useEffect, useReducer, useState } from 'react';
import type { EventSink, LabEvent } from '../core/events.js';
import { initialPhaseState, reducePhases } from './phase-state.js';
import { PhaseView } from './phase-view.js';

type Subscribe = (listener: (event: LabEvent) => void) => () => void;

function PhaseApp({ subscribe, color }: { subscribe: Subscribe; color: boolean | undefined }) {
  const [state, dispatch] = useReducer(reducePhases, initialPhaseState);
  const [now, setNow] = useState(Date.now);
  useEffect(() => subscribe(dispatch), [subscribe]);
  useEffect(() => {
    // Elapsed times show tenths of a second at most once per second of wall time.
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return <PhaseView state={state} now={now} {...(color === undefined ? {} : { color })} />;
}

export interface PhaseViewHandle {
  /** Hand this to the lifecycle as (part of) its event sink. */
  sink: EventSink;
  /** Call when `up` finishes; waits for the last frame to be written. */
  stop(): Promise<void>;
}

/** Renders `ha-lab up` progress live on a TTY; use renderPlainPhaseLine elsewhere. */
export function startPhaseView(
  options: { stdout?: NodeJS.WriteStream; color?: boolean } = {},
): PhaseViewHandle {
  const listeners = new Set<(event: LabEvent) => void>();
  // The view subscribes in an effect, after its first render; events sent before that wait here.
  let early: LabEvent[] = [];
  const subscribe: Subscribe = (listener) => {
    listeners.add(listener);
    for (const event of early) listener(event);
    early = [];
    return () => listeners.delete(listener);
  };
  const instance = render(
    <PhaseApp subscribe={subscribe} color={options.color} />,
    options.stdout ? { stdout: options.stdout } : {},
  );
  return {
    sink: (event) => {
      if (listeners.size === 0) early.push(event);
      for (const listener of listeners) listener(event);
    },
    stop: async () => {
      instance.unmount();
      await instance.waitUntilExit();
    },
  };
}
