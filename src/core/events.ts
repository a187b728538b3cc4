/**
 * Everything long-running reports progress as events. The CLI prints them as lines, the
 * TUI renders them through a reducer, reports store them. One stream, many readers.
 */
export type LabEvent =
  | { kind: 'phase-started'; at: number; phase: string; node?: string }
  | { kind: 'phase-progress'; at: number; phase: string; message: string }
  | { kind: 'phase-done'; at: number; phase: string; durationMs: number }
  | { kind: 'phase-failed'; at: number; phase: string; node?: string; message: string }
  | { kind: 'log'; at: number; level: 'info' | 'warn'; message: string };

export type EventSink = (event: LabEvent) => void;

/** Fans one event out to several sinks. */
export function teeEvents(...sinks: EventSink[]): EventSink {
  return (event) => {
    for (const sink of sinks) sink(event);
  };
}
