import { leadersInOneTerm, hasQuorum, leaderOf } from '../checkers/etcd-view.js';
import { buildCheckContext } from '../checkers/context.js';
import { VIP_TARGET } from '../checkers/api-unavailable.js';
import { byTime } from '../checkers/verdict.js';
import { samplesOf, type History, type HistoryEntry } from '../history.js';
import { formatDuration } from '../scenario/duration.js';
import { MASTER_NAMES } from '../scenario/names.js';

/**
 * The run as a picture: one text lane per question (who holds the VIP, does the API
 * answer, who leads etcd, which fault is active) over equal time buckets, so cause and
 * effect line up in a column. Fits in 100 columns for terminals and Markdown code blocks.
 */

const LABEL_WIDTH = 20;
const STALE_AFTER_MS = 3000;
const TIMELINE_BUCKETS = 78;

export const TIMELINE_LEGEND = [
  'VIP: █ holds · not held ? stream down    API, writes: █ ok ▒ some failed × all failed ? unknown',
  'etcd: leader (0 = master-0) - none agreed ! no quorum = two leaders in one term',
  'nodes: how many Ready    faults: █ active    blank: no sample',
];

export function renderTimeline(history: History, masters: string[] = MASTER_NAMES): string[] {
  const start = history.startedAt;
  const span = Math.max(1, history.endedAt - start);
  const bucketMs = Math.ceil(span / TIMELINE_BUCKETS);
  const bucketOf = (at: number) =>
    Math.min(TIMELINE_BUCKETS - 1, Math.max(0, Math.floor((at - start) / bucketMs)));
  const inBuckets = <T extends HistoryEntry>(items: T[]) => {
    const buckets: T[][] = Array.from({ length: TIMELINE_BUCKETS }, () => []);
    for (const item of byTime(items)) buckets[bucketOf(item.at)]!.push(item);
    return buckets;
  };
  const lane = (label: string, cells: string[]) =>
    `${label.slice(0, LABEL_WIDTH - 1).padEnd(LABEL_WIDTH)}${cells.join('')}`.trimEnd();

  const vip = inBuckets(samplesOf(history, 'vip'));
  const vipLanes = masters.map((m) =>
    lane(
      `VIP ${m}`,
      carry(vip, bucketMs, (samples) =>
        samples.some((s) => s.holders.includes(m))
          ? '█'
          : samples.some((s) => s.unknown.includes(m))
            ? '?'
            : '·',
      ),
    ),
  );
  const api = inBuckets(samplesOf(history, 'api').filter((s) => s.target === VIP_TARGET));
  const apiLane = lane(
    'API via VIP',
    api.map((s) => okCell(s.map((x) => (x.ok ? 'ok' : 'failed')))),
  );
  // Only a scenario with a workload has this lane: other timelines keep their shape.
  const workload = samplesOf(history, 'workload');
  const workloadLane =
    workload.length === 0
      ? []
      : [
          lane(
            'workload, all paths',
            inBuckets(workload).map((s) => okCell(s.map((x) => (x.ok ? 'ok' : 'failed')))),
          ),
        ];
  const writes = inBuckets(samplesOf(history, 'write'));
  const writeLane = lane(
    'writes',
    writes.map((s) => okCell(s.map((w) => w.outcome))),
  );
  const etcd = inBuckets(samplesOf(history, 'etcd'));
  const etcdLane = lane(
    'etcd leader',
    carry(etcd, bucketMs, (samples) => {
      if (samples.some((s) => !hasQuorum(s, masters))) return '!';
      if (samples.some((s) => leadersInOneTerm(s) > 1)) return '=';
      const leader = leaderOf(samples[samples.length - 1]!);
      const index = leader === undefined ? -1 : masters.indexOf(leader);
      return index >= 0 ? String(index) : leader === undefined ? '-' : '?';
    }),
  );
  const nodes = inBuckets(samplesOf(history, 'nodes'));
  const nodeLane = lane(
    'nodes Ready',
    carry(nodes, bucketMs, (samples) => {
      const ready = Object.values(samples[samples.length - 1]!.ready).filter(
        (r) => r === 'True',
      ).length;
      return ready > 9 ? '+' : String(ready);
    }),
  );
  const faultLanes = buildCheckContext(history, { masters }).faults.map((f) => {
    const from = bucketOf(f.appliedAt);
    const to = f.undoneAt === null ? TIMELINE_BUCKETS - 1 : bucketOf(f.undoneAt);
    const cells = Array.from({ length: TIMELINE_BUCKETS }, (_, i) =>
      i >= from && i <= to ? '█' : ' ',
    );
    return lane(`${f.id} ${f.fault} ${f.targets.join(',')}`, cells);
  });
  return [
    ...axis(bucketMs),
    ...vipLanes,
    apiLane,
    ...workloadLane,
    writeLane,
    etcdLane,
    nodeLane,
    ...faultLanes,
  ];
}

/**
 * A bucket without a sample repeats the last known state for a few seconds, since a probe
 * interval longer than a bucket is not a change of state; a longer silence (the API that
 * lists nodes was down) stays blank rather than pretend the old state held.
 */
function carry<T>(buckets: T[][], bucketMs: number, cell: (samples: T[]) => string): string[] {
  const maxGap = Math.max(1, Math.ceil(STALE_AFTER_MS / bucketMs));
  let last = ' ';
  let gap = 0;
  return buckets.map((samples) => {
    if (samples.length > 0) {
      last = cell(samples);
      gap = 0;
      return last;
    }
    gap += 1;
    return gap <= maxGap ? last : ' ';
  });
}

function okCell(outcomes: string[]): string {
  if (outcomes.length === 0) return ' ';
  const ok = outcomes.filter((o) => o === 'ok').length;
  if (ok === outcomes.length) return '█';
  if (ok > 0) return '▒';
  return outcomes.every((o) => o === 'unknown') ? '?' : '×';
}

function axis(bucketMs: number): string[] {
  const every = 13;
  const ruler = Array.from({ length: TIMELINE_BUCKETS }, (_, i) => (i % every === 0 ? '┬' : '─'));
  const labels = Array.from({ length: TIMELINE_BUCKETS }, () => ' ');
  for (let i = 0; i < TIMELINE_BUCKETS; i += every) {
    const text = i === 0 ? '0s' : formatDuration(i * bucketMs);
    [...text].forEach((ch, k) => {
      if (i + k < TIMELINE_BUCKETS) labels[i + k] = ch;
    });
  }
  const unit = `1 cell = ${formatDuration(bucketMs)}`;
  return [
    `${unit.padEnd(LABEL_WIDTH)}${labels.join('')}`.trimEnd(),
    `${''.padEnd(LABEL_WIDTH)}${ruler.join('')}`,
  ];
}
