/**
 * `ha-lab up` progress as plain lines, for logs and pipes where a live view would only
 * leave escape codes behind.
 */
import type { LabEvent } from '../core/events.js';
import { formatDuration } from './format.js';

export interface PlainLineOptions {
  /** When the run started (ms since the epoch): each line shows the time elapsed since. */
  origin: number;
  /** Leave out progress messages and info logs; starts, results and warnings remain. */
  quiet?: boolean;
}

/** One line per event, e.g. "[  12.3s] etcd: done in 4.1s"; undefined when quiet hides it. */
export function renderPlainPhaseLine(
  event: LabEvent,
  options: PlainLineOptions,
): string | undefined {
  const stamp = `[${((event.at - options.origin) / 1000).toFixed(1).padStart(6)}s]`;
  switch (event.kind) {
    case 'phase-started':
      return `${stamp} ${event.phase}: started${event.node === undefined ? '' : ` on ${event.node}`}`;
    case 'phase-progress':
      return options.quiet ? undefined : `${stamp} ${event.phase}: ${event.message}`;
    case 'phase-done':
      return `${stamp} ${event.phase}: done in ${formatDuration(event.durationMs)}`;
    case 'phase-failed':
      return `${stamp} ${event.phase}: FAILED${event.node === undefined ? '' : ` on ${event.node}`}: ${event.message}`;
    case 'log':
      if (event.level === 'warn') return `${stamp} warning: ${event.message}`;
      return options.quiet ? undefined : `${stamp} ${event.message}`;
  }
}
