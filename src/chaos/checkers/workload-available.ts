import { samplesOf, type History, type WorkloadSample } from '../history.js';
import {
  byTime,
  formatDuration,
  offset,
  verdict,
  type CheckContext,
  type Figures,
  type Verdict,
} from './verdict.js';

const CHECK = 'workloadAvailable';

/**
 * Whether the workload kept answering. A client may use any worker, so the workload is
 * unavailable at an instant only when no worker's most recent request answered: one path
 * down while another answers is counted (per worker) but is not an outage. Measuring starts
 * once every path has answered or failed once, so the probes' staggered first requests are
 * not an outage. A path must also answer again after the last fault or operation ended: a
 * worker that stopped forwarding and never came back is a failure even while others answer.
 */
export function checkWorkloadAvailable(
  history: History,
  expectation: { maxMs: number },
  context: CheckContext,
): Verdict {
  const samples = byTime(samplesOf(history, 'workload'));
  if (samples.length === 0) {
    return verdict(
      CHECK,
      false,
      'no workload requests were recorded: the scenario needs `workload:` so one is deployed and probed',
      { unavailableMs: null, limitMs: expectation.maxMs },
    );
  }
  const paths = [...new Set(samples.map((s) => s.worker))].sort();
  const outage = outages(samples, paths, history.endedAt);
  const perPath = paths.map((worker) => {
    const own = samples.filter((s) => s.worker === worker);
    return { worker, requests: own.length, failed: own.filter((s) => !s.ok).length };
  });
  const figures: Figures = {
    unavailableMs: outage.totalMs,
    longestMs: outage.longest.ms,
    outages: outage.count,
    requests: samples.length,
    failedRequests: samples.filter((s) => !s.ok).length,
    limitMs: expectation.maxMs,
    ...Object.fromEntries(perPath.map((p) => [`failedRequests:${p.worker}`, p.failed])),
  };
  const counts = `failed requests: ${perPath.map((p) => `${p.worker} ${p.failed} of ${p.requests}`).join(', ')}`;

  const settledAt = Math.max(
    history.startedAt,
    ...context.faults.map((f) => f.undoneAt ?? f.appliedAt),
  );
  const stale = paths.filter(
    (worker) => !samples.some((s) => s.worker === worker && s.ok && s.at >= settledAt),
  );
  const problems: string[] = [];
  if (outage.openSince !== undefined)
    problems.push(
      `no worker answered when the run ended (since ${offset(history, outage.openSince)})`,
    );
  if (stale.length > 0)
    problems.push(
      `${stale.join(', ')} never answered after ${settledAt === history.startedAt ? 'the start' : `the last fault or operation ended (${offset(history, settledAt)})`}`,
    );
  if (outage.totalMs > expectation.maxMs)
    problems.push(
      `the workload was unavailable for ${formatDuration(outage.totalMs)} in ${outage.count} outage(s), the longest ${formatDuration(outage.longest.ms)} from ${offset(history, outage.longest.from ?? history.startedAt)}; limit ${formatDuration(expectation.maxMs)}`,
    );
  if (problems.length > 0) {
    const decidedAt =
      outage.openSince ?? (stale.length > 0 ? settledAt : (outage.longest.from ?? undefined));
    return verdict(CHECK, false, `${problems.join('; ')} (${counts})`, figures, decidedAt);
  }
  const summary =
    outage.count === 0
      ? `some worker always answered: ${samples.length} requests through ${paths.length} workers (${counts})`
      : `the workload was unavailable for ${formatDuration(outage.totalMs)} in total; limit ${formatDuration(expectation.maxMs)} (${counts})`;
  return verdict(CHECK, true, summary, figures, outage.longest.from);
}

interface Outages {
  totalMs: number;
  count: number;
  longest: { ms: number; from: number | undefined };
  /** When the outage still open at the end of the run began. */
  openSince: number | undefined;
}

/** Merges the paths in time order and measures the stretches in which none answered. */
function outages(samples: WorkloadSample[], paths: string[], endedAt: number): Outages {
  const firstAt = Math.max(
    ...paths.map((p) => samples.find((s) => s.worker === p)?.at ?? Infinity),
  );
  const latest = new Map<string, boolean>();
  const result: Outages = {
    totalMs: 0,
    count: 0,
    longest: { ms: 0, from: undefined },
    openSince: undefined,
  };
  let downSince: number | undefined;
  const close = (until: number) => {
    if (downSince === undefined) return;
    const ms = until - downSince;
    result.totalMs += ms;
    result.count += 1;
    if (result.longest.from === undefined || ms > result.longest.ms)
      result.longest = { ms, from: downSince };
    downSince = undefined;
  };
  // Requests started in the same millisecond are one instant: judge after all of them.
  for (let i = 0; i < samples.length; i++) {
    const sample = samples[i]!;
    latest.set(sample.worker, sample.ok);
    if (samples[i + 1]?.at === sample.at || sample.at < firstAt) continue;
    const up = [...latest.values()].some(Boolean);
    if (!up) downSince ??= sample.at;
    else close(sample.at);
  }
  if (downSince !== undefined) {
    result.openSince = downSince;
    close(Math.max(endedAt, samples[samples.length - 1]!.at));
  }
  return result;
}
