import type { EventSink, LabEvent } from '../core/events.js';

/** Plain progress lines for CI logs and pipes: `[  12.3s] etcd: done in 4.1s`. */
export function plainProgress(
  stream: NodeJS.WritableStream = process.stderr,
  started = Date.now(),
): EventSink {
  return (event: LabEvent) => {
    const line = plainLine(event, started);
    if (line) stream.write(`${line}\n`);
  };
}

export function plainLine(event: LabEvent, started: number): string | undefined {
  const t = `[${((event.at - started) / 1000).toFixed(1).padStart(6)}s]`;
  switch (event.kind) {
    case 'phase-started':
      return `${t} ${event.phase}: started${event.node ? ` on ${event.node}` : ''}`;
    case 'phase-progress':
      return `${t} ${event.phase}: ${event.message}`;
    case 'phase-done':
      return `${t} ${event.phase}: done in ${(event.durationMs / 1000).toFixed(1)}s`;
    case 'phase-failed':
      return `${t} ${event.phase}: FAILED${event.node ? ` on ${event.node}` : ''}: ${event.message}`;
    case 'log':
      return `${t} ${event.level === 'warn' ? 'warning: ' : ''}${event.message}`;
  }
}
