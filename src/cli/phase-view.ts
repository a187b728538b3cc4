import type { EventSink } from '../core/events.js';
import { plainProgress } from './progress-printer.js';

/** The phases of `up` on a terminal. Falls back to plain lines until the Ink view is wired. */
export function phaseView(): { sink: EventSink; stop(): void } {
  return { sink: plainProgress(process.stderr), stop() {} };
}
