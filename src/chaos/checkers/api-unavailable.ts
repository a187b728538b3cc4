import { samplesOf, type History } from '../history.js';
import {
  byTime,
  formatDuration,
  offset,
  verdict,
  type CheckContext,
  type Verdict,
} from './verdict.js';

const CHECK = 'apiUnavailable';

/** Requests through the VIP; the per-master probes answer a different question. */
export const VIP_TARGET = 'vip';

/**
 * The longest outage a client of the VIP saw: from the first failed request to the next
 * successful one. An outage still open when the run ended fails: its length is unknown.
 */
export function checkApiUnavailable(
  history: History,
  expectation: { maxMs: number },
  _context: CheckContext,
): Verdict {
  const samples = byTime(samplesOf(history, 'api').filter((s) => s.target === VIP_TARGET));
  if (samples.length === 0) {
    return verdict(CHECK, false, 'no API requests through the VIP were recorded', {
      unavailableMs: null,
    });
  }
  let longest = { from: 0, to: 0 };
  let windows = 0;
  let failingSince: number | undefined;
  for (const sample of samples) {
    if (!sample.ok && failingSince === undefined) failingSince = sample.at;
    if (sample.ok && failingSince !== undefined) {
      windows += 1;
      if (sample.at - failingSince > longest.to - longest.from)
        longest = { from: failingSince, to: sample.at };
      failingSince = undefined;
    }
  }
  const figures = {
    unavailableMs: longest.to - longest.from,
    resolutionMs: resolution(samples),
    outages: windows,
    failedRequests: samples.filter((s) => !s.ok).length,
    requests: samples.length,
    limitMs: expectation.maxMs,
  };
  if (failingSince !== undefined) {
    const openMs = Math.max(history.endedAt, samples[samples.length - 1]!.at) - failingSince;
    return verdict(
      CHECK,
      false,
      `the API through the VIP was still failing when the run ended (since ${offset(history, failingSince)}, ${formatDuration(openMs)})`,
      { ...figures, unavailableMs: Math.max(openMs, figures.unavailableMs), outages: windows + 1 },
      failingSince,
    );
  }
  if (windows === 0) {
    return verdict(
      CHECK,
      true,
      `all ${samples.length} requests through the VIP succeeded`,
      figures,
    );
  }
  return verdict(
    CHECK,
    figures.unavailableMs <= expectation.maxMs,
    `the API through the VIP was unavailable for up to ${formatDuration(figures.unavailableMs)} (from ${offset(history, longest.from)}, ±${figures.resolutionMs} ms); limit ${formatDuration(expectation.maxMs)}`,
    figures,
    longest.from,
  );
}

/** The median gap between request starts: how finely an outage's edges are known. */
function resolution(samples: { at: number }[]): number | null {
  const gaps = samples.slice(1).map((s, i) => s.at - samples[i]!.at);
  if (gaps.length === 0) return null;
  return [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)]!;
}
