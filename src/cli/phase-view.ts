import type { EventSink } from '../core/events.js';
import { loadUi } from './load-ui.js';

/** The phases of `up` as a live Ink view on a terminal (spinners, durations). */
export async function phaseView(): Promise<{ sink: EventSink; stop(): Promise<void> }> {
  const { startPhaseView } = await loadUi();
  const handle = startPhaseView({ stdout: process.stderr });
  return { sink: handle.sink, stop: () => handle.stop() };
}
