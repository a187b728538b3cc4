import type { OpenLab } from '../../lab/open-lab.js';
import type { HistoryEntry } from '../history.js';

export interface ProbeOptions {
  intervalMs: number;
  /**
   * How often each master's API server and etcd member are sampled; defaults to intervalMs.
   * The dashboard samples them once a second (a person reads the grid, not a timeline) and
   * keeps the VIP at intervalMs for its availability sparkline.
   */
  memberIntervalMs?: number;
  writeIntervalMs: number;
  /**
   * Scenarios: start a request through the VIP this often, overlapping, on fresh connections
   * (the outage figure's resolution). Without it the VIP is sampled every intervalMs.
   */
  vipRequestIntervalMs?: number;
  /** Unique per run: names the objects the writer creates. */
  runId: string;
  /** A deployed workload (src/lab/workload.ts) to probe through every worker's NodePort. */
  workload?: { nodePort: number; workers: { name: string; url: string }[] };
  /** Hard bounds so a forgotten probe can never run away. */
  maxDurationMs: number;
  maxEntries: number;
}

export interface ProbeContext {
  lab: OpenLab;
  options: ProbeOptions;
  emit(entry: HistoryEntry): void;
  signal: AbortSignal;
}

/** Sleeps until the next tick or until the probe set stops. */
export function tick(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Runs `sample` every interval until stopped; never two samples of one loop at once. */
export async function everyInterval(
  ctx: ProbeContext,
  intervalMs: number,
  sample: () => Promise<void>,
): Promise<void> {
  while (!ctx.signal.aborted) {
    const started = Date.now();
    await sample().catch(() => undefined);
    await tick(Math.max(0, intervalMs - (Date.now() - started)), ctx.signal);
  }
}

export function memberInterval(options: ProbeOptions): number {
  return options.memberIntervalMs ?? options.intervalMs;
}
