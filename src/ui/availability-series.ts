import {
  availabilityLevel,
  bucketStart,
  mergeSample,
  type AvailabilityBucket,
} from '../chaos/report/series.js';

/**
 * API availability through the VIP, bucketed per second for the header sparkline. A probe
 * samples several times a second; one bucket per second keeps the series at 60 entries
 * however fast it samples. Buckets and latency classes are report.html's (chaos/report/series),
 * so the sparkline and the page never disagree about the same samples.
 */

export type { AvailabilityBucket };

export const SERIES_SECONDS = 60;
const SECOND_MS = 1000;

/** Bars from fast to slow, one per latency class. */
const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;
export const ERROR_GLYPH = '✗';
/** A second with no sample at all: the probe is behind or not started, which is not an error. */
export const GAP_GLYPH = ' ';

export function addSample(
  series: readonly AvailabilityBucket[],
  at: number,
  ok: boolean,
  latencyMs: number,
): AvailabilityBucket[] {
  const start = bucketStart(at, SECOND_MS);
  const index = series.findIndex((b) => b.start === start);
  const bucket = mergeSample(series[index], start, { at, ok, latencyMs });
  const next = index >= 0 ? series.map((b, i) => (i === index ? bucket : b)) : [...series, bucket];
  if (index < 0) next.sort((a, b) => a.start - b.start);
  const newest = next[next.length - 1]?.start ?? start;
  return next.filter((b) => b.start > newest - SERIES_SECONDS * SECOND_MS);
}

export function barFor(bucket: AvailabilityBucket | undefined): string {
  if (!bucket) return GAP_GLYPH;
  const level = availabilityLevel(bucket);
  return level === 'error' ? ERROR_GLYPH : (BARS[level] ?? '█');
}

/** The last `width` seconds up to `now`, oldest on the left, one glyph per second. */
export function renderSparkline(
  series: readonly AvailabilityBucket[],
  now: number,
  width: number = SERIES_SECONDS,
): string {
  const end = bucketStart(now, SECOND_MS);
  const byStart = new Map(series.map((b) => [b.start, b]));
  let line = '';
  for (let start = end - (width - 1) * SECOND_MS; start <= end; start += SECOND_MS)
    line += barFor(byStart.get(start));
  return line;
}

export interface AvailabilitySummary {
  samples: number;
  ok: number;
  errorSeconds: number;
  maxLatencyMs: number;
}

export function summarise(
  series: readonly AvailabilityBucket[],
  now: number,
  width: number = SERIES_SECONDS,
): AvailabilitySummary {
  const start = bucketStart(now, SECOND_MS) - (width - 1) * SECOND_MS;
  const inWindow = series.filter((b) => b.start >= start);
  return {
    samples: inWindow.reduce((n, b) => n + b.ok + b.errors, 0),
    ok: inWindow.reduce((n, b) => n + b.ok, 0),
    errorSeconds: inWindow.filter((b) => b.errors > 0).length,
    maxLatencyMs: inWindow.reduce((m, b) => Math.max(m, b.maxLatencyMs), 0),
  };
}
