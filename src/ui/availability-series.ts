/**
 * API availability through the VIP, bucketed per second for the header sparkline. A probe
 * samples several times a second; one bucket per second keeps the series at 60 entries
 * however fast it samples.
 */

export interface AvailabilityBucket {
  /** Whole seconds since the epoch. */
  second: number;
  ok: number;
  errors: number;
  maxLatencyMs: number;
}

export const SERIES_SECONDS = 60;

/** Bars from fast to slow; absolute thresholds so a glance compares one run with another. */
const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;
const BAR_LIMITS_MS = [10, 25, 50, 100, 250, 500, 1000] as const;
export const ERROR_GLYPH = '✗';
/** A second with no sample at all: the probe is behind or not started, which is not an error. */
export const GAP_GLYPH = ' ';

export function addSample(
  series: readonly AvailabilityBucket[],
  at: number,
  ok: boolean,
  latencyMs: number,
): AvailabilityBucket[] {
  const second = Math.floor(at / 1000);
  const index = series.findIndex((b) => b.second === second);
  const previous = index >= 0 ? series[index] : undefined;
  const bucket: AvailabilityBucket = {
    second,
    ok: (previous?.ok ?? 0) + (ok ? 1 : 0),
    errors: (previous?.errors ?? 0) + (ok ? 0 : 1),
    maxLatencyMs: Math.max(previous?.maxLatencyMs ?? 0, ok ? latencyMs : 0),
  };
  const next = index >= 0 ? series.map((b, i) => (i === index ? bucket : b)) : [...series, bucket];
  if (index < 0) next.sort((a, b) => a.second - b.second);
  const newest = next[next.length - 1]?.second ?? second;
  return next.filter((b) => b.second > newest - SERIES_SECONDS);
}

export function barFor(bucket: AvailabilityBucket | undefined): string {
  if (!bucket) return GAP_GLYPH;
  if (bucket.errors > 0) return ERROR_GLYPH;
  const level = BAR_LIMITS_MS.findIndex((limit) => bucket.maxLatencyMs < limit);
  return BARS[level === -1 ? BARS.length - 1 : level] ?? '█';
}

/** The last `width` seconds up to `now`, oldest on the left, one glyph per second. */
export function renderSparkline(
  series: readonly AvailabilityBucket[],
  now: number,
  width: number = SERIES_SECONDS,
): string {
  const end = Math.floor(now / 1000);
  const bySecond = new Map(series.map((b) => [b.second, b]));
  let line = '';
  for (let second = end - width + 1; second <= end; second++) line += barFor(bySecond.get(second));
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
  const start = Math.floor(now / 1000) - width + 1;
  const inWindow = series.filter((b) => b.second >= start);
  return {
    samples: inWindow.reduce((n, b) => n + b.ok + b.errors, 0),
    ok: inWindow.reduce((n, b) => n + b.ok, 0),
    errorSeconds: inWindow.filter((b) => b.errors > 0).length,
    maxLatencyMs: inWindow.reduce((m, b) => Math.max(m, b.maxLatencyMs), 0),
  };
}
