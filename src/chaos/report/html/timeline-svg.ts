import { buildCheckContext } from '../../checkers/context.js';
import type { FaultWindow } from '../../checkers/verdict.js';
import { formatDuration } from '../../scenario/duration.js';
import { VIP_TARGET } from '../../checkers/api-unavailable.js';
import { samplesOf, type History } from '../../history.js';
import { bucketMsFor, medianGapMs, nodeNames } from '../series.js';
import { px, slug, text } from './escape.js';
import {
  apiLanes,
  etcdLanes,
  nodeLanes,
  vipLanes,
  workloadLanes,
  writeLane,
  type Lane,
  type Scale,
} from './timeline-lanes.js';

/**
 * The run on one shared time axis: a lane per question (who holds the VIP, does the API
 * answer and how fast, who leads etcd, do writes succeed, are nodes Ready on fresh leases),
 * the faults as bands behind every lane, and a mark where each verdict was decided.
 */

export const WIDTH = 1200;
const LEFT = 150;
const RIGHT = 16;
const PLOT_W = WIDTH - LEFT - RIGHT;
/** Room above the lanes for the tick labels and, above them, the failed checks' names. */
const AXIS_H = 40;
const LANE_H = 16;
const LANE_GAP = 5;
const SECTION_GAP = 10;
/** At most this many bars per lane: finer buckets would be narrower than a pixel. */
const MAX_COLUMNS = 600;

export interface DecidedMark {
  check: string;
  passed: boolean;
  at: number;
}

export interface Timeline {
  svg: string;
  /** Size of one API or write bar. */
  bucketMs: number;
  faults: FaultWindow[];
  /** The span the axis shows (it covers every decided moment too). */
  start: number;
  end: number;
}

export function renderTimelineSvg(
  history: History,
  masters: string[],
  marks: DecidedMark[],
): Timeline {
  const start = history.startedAt;
  const end = Math.max(history.endedAt, start + 1000, ...marks.map((m) => m.at));
  const vipRequests = samplesOf(history, 'api').filter((s) => s.target === VIP_TARGET);
  const bucketMs = bucketMsFor(end - start, MAX_COLUMNS, medianGapMs(vipRequests.map((s) => s.at)));
  const scale: Scale = {
    x: (at) => LEFT + (Math.min(end, Math.max(start, at)) - start) * (PLOT_W / (end - start)),
    bucketMs,
  };
  const faults = buildCheckContext(history, { masters }).faults;
  const sections: Lane[][] = [
    faultLanes(faults, end, scale),
    vipLanes(history, masters, scale),
    apiLanes(history, masters, scale),
    workloadLanes(history, scale),
    etcdLanes(history, masters, scale),
    [writeLane(history, scale)],
    nodeLanes(history, nodeNames(history, masters), scale),
  ].filter((s) => s.length > 0);

  const body: string[] = [];
  let y = AXIS_H;
  for (const lanes of sections) {
    for (const lane of lanes) {
      const data = Object.entries(lane.data ?? {})
        .map(([k, v]) => ` data-${k}="${text(v)}"`)
        .join('');
      body.push(
        `<g class="lane lane-${lane.kind}"${data}>` +
          `<text x="${LEFT - 8}" y="${y + LANE_H - 4}" class="label">${text(lane.label)}</text>` +
          `<rect x="${LEFT}" y="${y}" width="${PLOT_W}" height="${LANE_H}" class="lane-bg"/>` +
          `${lane.draw(y, LANE_H)}</g>`,
      );
      y += LANE_H + LANE_GAP;
    }
    y += SECTION_GAP;
  }
  const bottom = y - LANE_GAP - SECTION_GAP;
  const height = bottom + 8;
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" class="timeline" role="img" aria-label="timeline of the run">`,
    `<rect id="plot-area" x="${LEFT}" y="${AXIS_H}" width="${PLOT_W}" height="${bottom - AXIS_H}" class="plot" data-start="${start}" data-end="${end}"/>`,
    axis(start, end, scale, bottom),
    ...body,
    // Over the lanes, translucent: under them, the lanes' backgrounds would hide the bands.
    bands(faults, scale, AXIS_H, bottom),
    restores(faults, scale, AXIS_H, bottom),
    decidedMarks(marks, scale, AXIS_H, bottom),
    '</svg>',
  ].join('');
  return { svg, bucketMs, faults, start, end };
}

function faultLanes(faults: FaultWindow[], end: number, scale: Scale): Lane[] {
  return faults.map((f) => ({
    label: `${f.id} ${f.fault}${f.service ? ` ${f.service}` : ''} ${f.targets.join(',')}`,
    kind: 'fault',
    data: { fault: f.id },
    draw: (y, h) => {
      const x0 = scale.x(f.appliedAt);
      const x1 = scale.x(f.undoneAt ?? end);
      const state = f.undoFailed ? 'undo failed' : f.undoneAt === null ? 'never undone' : 'undone';
      return `<rect x="${px(x0)}" y="${y}" width="${px(Math.max(1, x1 - x0))}" height="${h}" class="fault"><title>${text(`${f.id} ${f.fault} on ${f.targets.join(', ')}: ${formatDuration((f.undoneAt ?? end) - f.appliedAt)}, ${state}`)}</title></rect>`;
    },
  }));
}

/** A band behind every lane for as long as each fault was active. */
function bands(faults: FaultWindow[], scale: Scale, top: number, bottom: number): string {
  return faults
    .map((f) => {
      const x0 = scale.x(f.appliedAt);
      const x1 = f.undoneAt === null ? LEFT + PLOT_W : scale.x(f.undoneAt);
      return `<rect x="${px(x0)}" y="${top}" width="${px(Math.max(1, x1 - x0))}" height="${bottom - top}" class="fault-band" data-fault="${text(f.id)}" data-from="${f.appliedAt}" data-to="${f.undoneAt ?? ''}"/>`;
    })
    .join('');
}

/** The moment each undo was issued: where the restore began. */
function restores(faults: FaultWindow[], scale: Scale, top: number, bottom: number): string {
  return faults
    .filter((f) => f.undoIssuedAt !== null)
    .map((f) => {
      const x = px(scale.x(f.undoIssuedAt!));
      return `<line x1="${x}" x2="${x}" y1="${top}" y2="${bottom}" class="restore"><title>${text(`restore ${f.id} issued`)}</title></line>`;
    })
    .join('');
}

function decidedMarks(marks: DecidedMark[], scale: Scale, top: number, bottom: number): string {
  return marks
    .map((m) => {
      const x = px(scale.x(m.at));
      const cls = m.passed ? 'pass' : 'fail';
      // Only failed checks are named on the axis: seven labels would hide the ticks.
      const label = m.passed
        ? ''
        : `<text x="${x}" y="12" class="mark-label">${text(m.check)}</text>`;
      return `${label}<line id="mark-${slug(m.check)}" x1="${x}" x2="${x}" y1="${m.passed ? top - 6 : 16}" y2="${bottom}" class="mark ${cls}" data-at="${m.at}"><title>${text(`${m.check} decided here`)}</title></line>`;
    })
    .join('');
}

const TICK_STEPS_MS = [
  100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000,
  1_800_000, 3_600_000,
];

function axis(start: number, end: number, scale: Scale, bottom: number): string {
  const span = end - start;
  const step = TICK_STEPS_MS.find((s) => span / s <= 12) ?? Math.ceil(span / 12 / 60_000) * 60_000;
  const ticks: string[] = [];
  for (let t = 0; t <= span; t += step) {
    const x = px(scale.x(start + t));
    ticks.push(
      `<line x1="${x}" x2="${x}" y1="${AXIS_H - 4}" y2="${bottom}" class="grid"/>` +
        `<text x="${x}" y="${AXIS_H - 8}" class="tick">${t === 0 ? '0' : `+${formatDuration(t)}`}</text>`,
    );
  }
  return `<g class="axis">${ticks.join('')}</g>`;
}
