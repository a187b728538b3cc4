import type { HistoryEntry } from './history.js';
import { type SessionOptions, runScenarioSession } from './scenario-session.js';

/** Scenarios started from the dashboard stop after this long whatever happens. */
const MAX_SCENARIO_MS = 60 * 60_000;

/**
 * A scenario that belongs to the dashboard that started it: it knows which faults it has
 * applied and not yet undone, and stopping it makes its runner undo them and write its
 * partial report before the dashboard exits.
 */
export class OwnedScenario {
  private readonly faults = new Set<string>();
  private current: { stop: AbortController; done: Promise<unknown> } | undefined;

  /** Faults the running scenario applied and has not undone. */
  get activeFaults(): number {
    return this.faults.size;
  }

  async run(options: Omit<SessionOptions, 'signal'>): Promise<boolean> {
    const stop = new AbortController();
    const run = runScenarioSession({
      ...options,
      signal: AbortSignal.any([stop.signal, AbortSignal.timeout(MAX_SCENARIO_MS)]),
      onEntry: (e) => {
        this.track(e);
        options.onEntry?.(e);
      },
    });
    this.current = { stop, done: run.catch(() => undefined) };
    try {
      return (await run).passed;
    } finally {
      this.current = undefined;
    }
  }

  /** Stops a running scenario and waits until its runner has undone its faults. */
  async stopAndUndo(): Promise<void> {
    if (!this.current) return;
    this.current.stop.abort(new Error('the dashboard was closed'));
    await this.current.done;
  }

  private track(e: HistoryEntry): void {
    if (e.type !== 'fault') return;
    const key = `${e.id}:${e.target}`;
    if (e.phase === 'applied') this.faults.add(key);
    else if (e.phase === 'undone') this.faults.delete(key);
  }
}
