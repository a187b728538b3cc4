import { VIP_TARGET } from '../../checkers/api-unavailable.js';
import { samplesOf, type History } from '../../history.js';
import { formatDuration } from '../../scenario/duration.js';
import {
  apiPoints,
  availabilityLevel,
  availabilitySeries,
  etcdHealthLane,
  etcdLeaderLane,
  LATENCY_LIMITS_MS,
  leaseLane,
  lostWrites,
  readinessLane,
  termChanges,
  vipLane,
  workloadPaths,
  workloadPoints,
  writeSeries,
  type AvailabilityPoint,
  type Span,
} from '../series.js';
import { px, slug, text } from './escape.js';

/** Maps a moment to an x coordinate on the shared time axis. */
export interface Scale {
  x(at: number): number;
  bucketMs: number;
}

/** One row of the timeline: a label and what is drawn in a band `h` high at `y`. */
export interface Lane {
  label: string;
  /** Groups lanes ("vip", "api" ...) for styling and for tests that count them. */
  kind: string;
  data?: Record<string, string>;
  draw(y: number, h: number): string;
}

function rect(x0: number, x1: number, y: number, h: number, cls: string, title?: string): string {
  const w = Math.max(0.6, x1 - x0);
  const t = title === undefined ? '' : `<title>${text(title)}</title>`;
  const open = `<rect x="${px(x0)}" y="${px(y)}" width="${px(w)}" height="${px(h)}" class="${cls}"`;
  return t ? `${open}>${t}</rect>` : `${open}/>`;
}

/** Spans as bars, each with a tooltip naming its state and how long it lasted. */
function spanBars(
  spans: Span[],
  scale: Scale,
  y: number,
  h: number,
  cls: (state: string) => string,
  label?: (state: string) => string,
): string {
  return spans
    .map((s) => {
      const x0 = scale.x(s.from);
      const x1 = scale.x(s.to);
      const name = label ? label(s.state) : s.state;
      const bar = rect(x0, x1, y, h, cls(s.state), `${name} for ${formatDuration(s.to - s.from)}`);
      const inside =
        label && h >= 12 && x1 - x0 > 7 * name.length + 6
          ? `<text x="${px(x0 + 3)}" y="${px(y + h - 4)}" class="in-bar">${text(name)}</text>`
          : '';
      return bar + inside;
    })
    .join('');
}

export function vipLanes(history: History, masters: string[], scale: Scale): Lane[] {
  return masters.map((m) => ({
    label: `VIP on ${m}`,
    kind: 'vip',
    data: { master: m },
    draw: (y, h) => spanBars(vipLane(history, m), scale, y, h, (s) => `vip-${s}`),
  }));
}

/**
 * One lane per API target: a bar per bucket, its height the latency class (taller = slower),
 * full height and red for a bucket with a failed request; equal neighbours share one bar.
 */
export function apiLanes(history: History, masters: string[], scale: Scale): Lane[] {
  const targets = [VIP_TARGET, ...masters];
  return targets
    .filter((t) => t === VIP_TARGET || apiPoints(history, t).length > 0)
    .map((target) => ({
      label: target === VIP_TARGET ? 'API via VIP' : `API ${target}`,
      kind: 'api',
      data: { target },
      draw: (y, h) => availabilityBars(apiPoints(history, target), scale, y, h),
    }));
}

/** The scenario's workload through each worker's NodePort, drawn like the API lanes. */
export function workloadLanes(history: History, scale: Scale): Lane[] {
  return workloadPaths(history).map((worker) => ({
    label: `workload via ${worker}`,
    kind: 'workload',
    data: { worker },
    draw: (y, h) => availabilityBars(workloadPoints(history, worker), scale, y, h),
  }));
}

function availabilityBars(points: AvailabilityPoint[], scale: Scale, y: number, h: number): string {
  const series = availabilitySeries(points, scale.bucketMs);
  const runs: { from: number; to: number; level: 'error' | number }[] = [];
  for (const b of series) {
    const level = availabilityLevel(b);
    const last = runs[runs.length - 1];
    if (last && last.level === level && last.to === b.start) last.to += scale.bucketMs;
    else runs.push({ from: b.start, to: b.start + scale.bucketMs, level });
  }
  return runs
    .map((r) => {
      const levels = LATENCY_LIMITS_MS.length + 1;
      // Even the fastest answer gets a visible bar: present must not look like a gap.
      const bh = r.level === 'error' ? h : h * (0.35 + (0.65 * r.level) / (levels - 1));
      const title =
        r.level === 'error'
          ? 'requests failed'
          : `slowest ${latencyClass(r.level)} (${formatDuration(r.to - r.from)})`;
      const cls = r.level === 'error' ? 'api-down' : 'api-up';
      return rect(scale.x(r.from), scale.x(r.to), y + h - bh, bh, cls, title);
    })
    .join('');
}

function latencyClass(level: number): string {
  const limit = LATENCY_LIMITS_MS[level];
  return limit === undefined
    ? `≥ ${LATENCY_LIMITS_MS[LATENCY_LIMITS_MS.length - 1]} ms`
    : `< ${limit} ms`;
}

export function etcdLanes(history: History, masters: string[], scale: Scale): Lane[] {
  const leaderClass = (state: string) => {
    const i = masters.indexOf(state);
    return i >= 0 ? `leader-${i % 3}` : `leader-${slug(state.replace(' ', '-'))}`;
  };
  const terms = termChanges(history);
  return [
    {
      label: 'etcd leader',
      kind: 'etcd',
      draw: (y, h) =>
        spanBars(etcdLeaderLane(history, masters), scale, y, h, leaderClass, (s) => s) +
        terms
          .map(
            (t) =>
              `<path d="M${px(scale.x(t.at) - 4)} ${px(y - 1)}h8l-4 5z" class="term"><title>raft term ${t.term}</title></path>`,
          )
          .join(''),
    },
    {
      label: 'etcd healthy',
      kind: 'etcd',
      draw: (y, h) =>
        spanBars(
          etcdHealthLane(history, masters),
          scale,
          y,
          h,
          (s) => {
            const [healthy, size] = s.split('/').map(Number) as [number, number];
            return healthy === size ? 'ok' : healthy > size / 2 ? 'degraded' : 'bad';
          },
          (s) => `${s} members`,
        ),
    },
  ];
}

/** Writes per bucket, stacked ok / indeterminate / failed, and a mark per lost write. */
export function writeLane(history: History, scale: Scale): Lane {
  const writes = samplesOf(history, 'write');
  return {
    label: 'writes',
    kind: 'writes',
    draw: (y, h) => {
      const buckets = writeSeries(writes, scale.bucketMs);
      const most = Math.max(1, ...buckets.map((b) => b.ok + b.failed + b.unknown));
      const bars = buckets.map((b) => {
        const x0 = scale.x(b.start);
        const x1 = scale.x(b.start + scale.bucketMs);
        let top = y + h;
        return (['ok', 'unknown', 'failed'] as const)
          .filter((k) => b[k] > 0)
          .map((k) => {
            const bh = (h * b[k]) / most;
            top -= bh;
            return rect(x0, x1, top, bh, `w-${k}`);
          })
          .join('');
      });
      const lost = lostWrites(history).map(
        (w) =>
          `<path d="M${px(scale.x(w.at))} ${px(y + h)}l-4 6h8z" class="lost"><title>lost: ${text(w.key)}</title></path>`,
      );
      return bars.join('') + lost.join('');
    },
  };
}

/** Ready as the API said (upper band) and whether the kubelet lease was fresh (lower band). */
export function nodeLanes(history: History, nodes: string[], scale: Scale): Lane[] {
  return nodes.map((node) => ({
    label: `${node} Ready`,
    kind: 'node',
    data: { node },
    draw: (y, h) => {
      const upper = Math.round(h * 0.65);
      return (
        spanBars(readinessLane(history, node), scale, y, upper, (s) => `ready-${s}`) +
        spanBars(
          leaseLane(history, node),
          scale,
          y + upper + 1,
          h - upper - 1,
          (s) => `lease-${s}`,
          (s) => `lease ${s}`,
        )
      );
    },
  }));
}
