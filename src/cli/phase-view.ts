import type { EventSink } from '../core/events.js';
import { startPhaseView } from '../ui/run-phase-view.js';

/** The phases of `up` as a live Ink view on a terminal (spinners, durations). */
export function phaseView(): { sink: EventSink; stop(): Promise<void> } {
  const handle = startPhaseView({ stdout: process.stderr });
  return { sink: handle.sink, stop: () => handle.stop() };
}
