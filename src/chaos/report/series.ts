import { hasQuorum, healthyCount, leaderOf, leadersInOneTerm } from '../checkers/etcd-view.js';
import { byTime } from '../checkers/verdict.js';
import { samplesOf, type EtcdSample, type History, type WriteSample } from '../history.js';

/**
 * History to drawable series: the one place that decides what a bucket, a span or a state
 * is, so report.html and the dashboard's sparkline never disagree about the same samples.
 * Pure; series are for drawing only, checkers always judge the full history.
 */

/** A probe silent for longer than this is "no data", not "the last state held". */
export const STALE_AFTER_MS = 3000;

/** A kubelet renews its lease every 10 s: older than this, it has missed a renewal. */
export const LEASE_LATE_MS = 15_000;
/** Older than this, the lease has expired (leaseDurationSeconds, node-monitor-grace-period). */
export const LEASE_EXPIRED_MS = 40_000;

export type LeaseState = 'fresh' | 'late' | 'expired';

export interface Span<S extends string = string> {
  from: number;
  to: number;
  state: S;
}

/**
 * Equal consecutive states make one span. A span lasts until the next sample, but at most
 * `staleMs` past its last sample: a gap in the probe's answers stays a gap.
 */
export function spansOf<T extends { at: number }, S extends string>(
  samples: readonly T[],
  stateOf: (sample: T) => S,
  endAt: number,
  staleMs: number = STALE_AFTER_MS,
): Span<S>[] {
  const sorted = byTime([...samples]);
  const spans: Span<S>[] = [];
  sorted.forEach((sample, i) => {
    const next = sorted[i + 1]?.at ?? Math.max(endAt, sample.at);
    const to = Math.min(next, sample.at + staleMs);
    const state = stateOf(sample);
    const last = spans[spans.length - 1];
    if (last && last.state === state && last.to === sample.at) last.to = to;
    else spans.push({ from: sample.at, to, state });
  });
  return spans;
}

export type VipState = 'held' | 'free' | 'unknown' | 'frozen';

/** One master's view of the VIP over time. */
export function vipLane(history: History, master: string): Span<VipState>[] {
  return spansOf(
    samplesOf(history, 'vip'),
    (s): VipState =>
      s.holders.includes(master)
        ? 'held'
        : (s.frozen ?? []).includes(master)
          ? 'frozen'
          : s.unknown.includes(master)
            ? 'unknown'
            : 'free',
    history.endedAt,
  );
}

/** Requests in one time bucket: the dashboard's sparkline cell and the page's API bar. */
export interface AvailabilityBucket {
  /** Start of the bucket, ms since the epoch (a multiple of the bucket size). */
  start: number;
  ok: number;
  errors: number;
  /** Slowest successful request; failures carry no useful latency. */
  maxLatencyMs: number;
}

export interface AvailabilityPoint {
  at: number;
  ok: boolean;
  latencyMs: number;
}

export function bucketStart(at: number, bucketMs: number): number {
  return Math.floor(at / bucketMs) * bucketMs;
}

/** One more request in its bucket (`bucket` undefined: the first one there). */
export function mergeSample(
  bucket: AvailabilityBucket | undefined,
  start: number,
  point: AvailabilityPoint,
): AvailabilityBucket {
  return {
    start,
    ok: (bucket?.ok ?? 0) + (point.ok ? 1 : 0),
    errors: (bucket?.errors ?? 0) + (point.ok ? 0 : 1),
    maxLatencyMs: Math.max(bucket?.maxLatencyMs ?? 0, point.ok ? point.latencyMs : 0),
  };
}

/** Every request bucketed, oldest first; buckets without a request are absent (a gap). */
export function availabilitySeries(
  points: readonly AvailabilityPoint[],
  bucketMs: number,
): AvailabilityBucket[] {
  const buckets = new Map<number, AvailabilityBucket>();
  for (const point of points) {
    const start = bucketStart(point.at, bucketMs);
    buckets.set(start, mergeSample(buckets.get(start), start, point));
  }
  return [...buckets.values()].sort((a, b) => a.start - b.start);
}

/** Latency classes, absolute so one run compares with another at a glance. */
export const LATENCY_LIMITS_MS = [10, 25, 50, 100, 250, 500, 1000] as const;

/** 'error' when any request in the bucket failed, else its latency class 0..7 (slowest). */
export function availabilityLevel(bucket: AvailabilityBucket): 'error' | number {
  if (bucket.errors > 0) return 'error';
  const level = LATENCY_LIMITS_MS.findIndex((limit) => bucket.maxLatencyMs < limit);
  return level === -1 ? LATENCY_LIMITS_MS.length : level;
}

export function apiPoints(history: History, target: string): AvailabilityPoint[] {
  return samplesOf(history, 'api').filter((s) => s.target === target);
}

/** Requests to the scenario's workload through one worker's NodePort. */
export function workloadPoints(history: History, worker: string): AvailabilityPoint[] {
  return samplesOf(history, 'workload').filter((s) => s.worker === worker);
}

/** The workers the workload was probed through, in name order. */
export function workloadPaths(history: History): string[] {
  return [...new Set(samplesOf(history, 'workload').map((s) => s.worker))].sort();
}

export interface WriteBucket {
  start: number;
  ok: number;
  failed: number;
  unknown: number;
}

export function writeSeries(writes: readonly WriteSample[], bucketMs: number): WriteBucket[] {
  const buckets = new Map<number, WriteBucket>();
  for (const w of writes) {
    const start = bucketStart(w.at, bucketMs);
    const b = buckets.get(start) ?? { start, ok: 0, failed: 0, unknown: 0 };
    b[w.outcome] += 1;
    buckets.set(start, b);
  }
  return [...buckets.values()].sort((a, b) => a.start - b.start);
}

/** Acknowledged writes the read-back did not find: noLostWrites' definition of lost. */
export function lostWrites(history: History): WriteSample[] {
  if (!history.finalReadback) return [];
  const present = new Set(history.finalReadback.present);
  return samplesOf(history, 'write').filter((w) => w.outcome === 'ok' && !present.has(w.key));
}

/** The agreed leader per sample, or why there is none. */
export function etcdLeaderLane(history: History, masters: string[]): Span[] {
  return spansOf(
    samplesOf(history, 'etcd'),
    (s: EtcdSample) =>
      !hasQuorum(s, masters)
        ? 'no quorum'
        : leadersInOneTerm(s) > 1
          ? 'two leaders'
          : (leaderOf(s) ?? 'none'),
    history.endedAt,
  );
}

/** Healthy members as "2/3". */
export function etcdHealthLane(history: History, masters: string[]): Span[] {
  return spansOf(
    samplesOf(history, 'etcd'),
    (s) => `${healthyCount(s)}/${Math.max(masters.length, s.members.length)}`,
    history.endedAt,
  );
}

/** Moments the highest raft term any member reported went up: an election happened. */
export function termChanges(history: History): { at: number; term: number }[] {
  const out: { at: number; term: number }[] = [];
  let highest: number | undefined;
  for (const s of byTime(samplesOf(history, 'etcd'))) {
    const term = Math.max(-1, ...s.members.map((m) => m.raftTerm ?? -1));
    if (term < 0) continue;
    if (highest !== undefined && term > highest) out.push({ at: s.at, term });
    highest = Math.max(highest ?? term, term);
  }
  return out;
}

export type ReadyState = 'True' | 'False' | 'Unknown' | 'absent';

/** One node's Ready condition as the API reported it. */
export function readinessLane(history: History, node: string): Span<ReadyState>[] {
  return spansOf(
    samplesOf(history, 'nodes'),
    (s): ReadyState => {
      const r = s.ready[node];
      return r === 'True' || r === 'False' || r === 'Unknown' ? r : 'absent';
    },
    history.endedAt,
  );
}

/**
 * Whether the node's kubelet lease was fresh when read: Ready can be an old answer, a lease
 * renewed seconds ago cannot. Lease readings come from the API probe and the evidence reads.
 */
export function leaseLane(history: History, node: string): Span<LeaseState>[] {
  const readings = [...samplesOf(history, 'nodes'), ...samplesOf(history, 'evidence')]
    .map((s) => ({ at: s.at, renewed: s.leases?.[node] }))
    .filter((r): r is { at: number; renewed: number | null } => r.renewed !== undefined);
  return spansOf(
    readings,
    (r): LeaseState => {
      const age = r.renewed === null ? Infinity : r.at - r.renewed;
      return age <= LEASE_LATE_MS ? 'fresh' : age <= LEASE_EXPIRED_MS ? 'late' : 'expired';
    },
    history.endedAt,
  );
}

/** Every node any sample named, masters first, in name order. */
export function nodeNames(history: History, masters: string[]): string[] {
  const names = new Set<string>(masters);
  for (const s of samplesOf(history, 'nodes')) Object.keys(s.ready).forEach((n) => names.add(n));
  for (const s of samplesOf(history, 'evidence')) s.nodes.forEach((n) => names.add(n.node));
  const rest = [...names].filter((n) => !masters.includes(n)).sort();
  return [...masters.filter((m) => names.has(m)), ...rest];
}

/** The median time between consecutive moments: a probe's real interval, whatever it was set to. */
export function medianGapMs(moments: readonly number[]): number {
  const sorted = [...moments].sort((a, b) => a - b);
  const gaps = sorted.slice(1).map((t, i) => t - sorted[i]!);
  if (gaps.length === 0) return 0;
  return gaps.sort((a, b) => a - b)[Math.floor(gaps.length / 2)]!;
}

const NICE_BUCKETS_MS = [50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000, 30_000, 60_000];

/**
 * The finest bucket that keeps a run within `columns` bars (a long history is downsampled
 * for drawing only) and is no finer than the probe's interval (or every other bar is a gap).
 */
export function bucketMsFor(spanMs: number, columns: number, probeIntervalMs = 0): number {
  const wanted = Math.max(spanMs / Math.max(1, columns), probeIntervalMs);
  return NICE_BUCKETS_MS.find((b) => b >= wanted) ?? Math.ceil(wanted / 60_000) * 60_000;
}
