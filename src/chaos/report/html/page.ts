import { ENGINE_LOST_NOTE } from '../../engine-loss.js';
import { samplesOf, type History } from '../../history.js';
import { formatDuration } from '../../scenario/duration.js';
import { MASTER_NAMES } from '../../scenario/names.js';
import { slug, text } from './escape.js';
import { STYLES } from './styles.js';
import { renderTimelineSvg, type Timeline } from './timeline-svg.js';

/**
 * report.html: one self-contained page (no script, no network: the CSP says so too) that
 * shows a run at a glance: did failover hold, where the time went, and the run on one axis.
 */

/** What the page needs of a report; reports of earlier versions are filled up to this. */
export interface PageReport {
  labName: string;
  scenario: { name: string; description: string };
  passed: boolean;
  interrupted: boolean;
  error?: string | undefined;
  startedAt: number;
  durationMs: number;
  verdicts: PageVerdict[];
  history: History;
  /** What rebuilding an older report had to leave out. */
  notices?: string[];
}

export interface PageVerdict {
  check: string;
  passed: boolean;
  summary: string;
  figures: Record<string, number | string | boolean | null>;
  decidedAt?: number | undefined;
}

export type Outcome = 'passed' | 'failed' | 'error' | 'interrupted' | 'engine-lost';

export function outcomeOf(report: PageReport): Outcome {
  const lost =
    samplesOf(report.history, 'note').some((n) => n.message === ENGINE_LOST_NOTE) ||
    (report.error ?? '').includes(ENGINE_LOST_NOTE);
  if (lost) return 'engine-lost';
  if (report.interrupted) return 'interrupted';
  if (report.passed) return 'passed';
  return report.error === undefined ? 'failed' : 'error';
}

/** The figure each check is about; the rest are in its details. */
const PRIMARY: Record<string, string> = {
  vipFailover: 'failoverMs',
  splitBrain: 'maxDualHolderMs',
  apiUnavailable: 'unavailableMs',
  workloadAvailable: 'unavailableMs',
  etcdQuorum: 'leaderlessMs',
  leaderElection: 'electionMs',
  noLostWrites: 'lostWrites',
  rejoin: 'rejoinMs',
  vipHome: 'finalHolders',
};

const LIMIT: Record<string, string> = { etcdQuorum: 'electionLimitMs' };

const TIME_WENT: Record<string, string> = {
  vipFailover: 'VIP moved in',
  apiUnavailable: 'API unavailable for',
  workloadAvailable: 'workload unavailable for',
  leaderElection: 'etcd elected a leader in',
  splitBrain: 'two VIP holders for',
  rejoin: 'whole again after the undo in',
};

export function renderHtml(report: PageReport): string {
  const masters = mastersOf(report.history);
  const failingFirst = [...report.verdicts].sort((a, b) => Number(a.passed) - Number(b.passed));
  const marks = failingFirst
    .filter((v) => typeof v.decidedAt === 'number' && Number.isFinite(v.decidedAt))
    .map((v) => ({ check: v.check, passed: v.passed, at: v.decidedAt! }));
  const timeline = renderTimelineSvg(report.history, masters, marks);
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${text(headlineWord(outcomeOf(report)))}: ${text(report.scenario.name)} · ha-lab</title>`,
    `<style>${STYLES}</style></head><body><main>`,
    banner(report),
    timeWent(report.verdicts),
    timelineSection(report.history, timeline),
    checks(failingFirst, report.history),
    events(report.history, timeline),
    `<footer>Lab <code>${text(report.labName)}</code> · started ${new Date(report.startedAt).toISOString()} · ${formatDuration(report.durationMs)} · written by ha-lab. Every sample is in report.json beside this page.</footer>`,
    '</main></body></html>\n',
  ].join('\n');
}

function headlineWord(outcome: Outcome): string {
  return {
    passed: 'FAILOVER PROVEN',
    failed: 'NOT PROVEN',
    error: 'RUN FAILED',
    interrupted: 'INTERRUPTED',
    'engine-lost': 'ENGINE LOST',
  }[outcome];
}

function banner(report: PageReport): string {
  const outcome = outcomeOf(report);
  const failed = report.verdicts.filter((v) => !v.passed).length;
  const total = report.verdicts.length;
  const why = {
    passed: `all ${total} checks passed`,
    failed: total === 0 ? 'no checks ran' : `${failed} of ${total} checks failed`,
    error: `the run could not finish; ${failed} of ${total} checks failed`,
    interrupted: `the run was stopped before it finished: the checks below judged a partial history (${failed} of ${total} failed)`,
    'engine-lost':
      'the Docker engine went away during the run: the nodes stopped with it and nothing after that moment was measured',
  }[outcome];
  const error =
    report.error === undefined ? '' : `<p class="run-error mono">${text(report.error)}</p>`;
  const failing = report.verdicts
    .filter((v) => !v.passed)
    .map((v) => `<li><b>${text(v.check)}</b>: ${text(v.summary)}</li>`)
    .join('');
  const reasons = failing === '' ? '' : `<ul class="reasons">${failing}</ul>`;
  const notices = (report.notices ?? [])
    .map((n) => `<div class="muted notice">Rebuilt from an older report: ${text(n)}.</div>`)
    .join('');
  return `<header class="banner ${outcome}" id="outcome" data-outcome="${outcome}">
<h1><span class="verdict-word">${headlineWord(outcome)}</span> · ${text(report.scenario.name)}</h1>
<div>${text(why)}</div>
<div class="muted">${text(report.scenario.description)}</div>${error}${reasons}${notices}</header>`;
}

function figureText(name: string, value: unknown): string {
  if (typeof value === 'number' && /Ms$/.test(name)) return formatDuration(value);
  if (value === null || value === undefined) return '–';
  return String(value);
}

function timeWent(verdicts: PageVerdict[]): string {
  const chips = verdicts.flatMap((v) => {
    const label = TIME_WENT[v.check];
    const value = v.figures[PRIMARY[v.check] ?? ''];
    if (label === undefined || typeof value !== 'number') return [];
    const limit = v.figures[LIMIT[v.check] ?? 'limitMs'];
    const of =
      typeof limit === 'number' ? ` <span class="muted">limit ${formatDuration(limit)}</span>` : '';
    return [
      `<li class="${v.passed ? '' : 'over'}">${text(label)} <b>${formatDuration(value)}</b>${of}</li>`,
    ];
  });
  return chips.length === 0
    ? ''
    : `<ul class="chips" aria-label="where the time went">${chips.join('')}</ul>`;
}

function checks(verdicts: PageVerdict[], history: History): string {
  const rows = verdicts.map((v) => {
    const key = PRIMARY[v.check] ?? Object.keys(v.figures)[0] ?? '';
    const limit = v.figures[LIMIT[v.check] ?? 'limitMs'];
    const figure =
      key in v.figures
        ? `${text(key)} = <b>${text(figureText(key, v.figures[key]))}</b>${typeof limit === 'number' ? ` <span class="muted">limit ${formatDuration(limit)}</span>` : ''}`
        : '–';
    const at =
      typeof v.decidedAt === 'number'
        ? `<a href="#mark-${slug(v.check)}" class="decided">+${formatDuration(Math.max(0, v.decidedAt - history.startedAt))}</a>`
        : '<span class="muted">–</span>';
    const all = Object.entries(v.figures)
      .map(([k, value]) => `${text(k)}=${text(figureText(k, value))}`)
      .join(', ');
    return `<tr class="check ${v.passed ? 'pass' : 'fail'}" data-check="${text(v.check)}">
<td><span class="badge ${v.passed ? 'pass' : 'fail'}">${v.passed ? 'PASS' : 'FAIL'}</span></td>
<td><b>${text(v.check)}</b></td><td>${figure}</td>
<td>${text(v.summary)}<details><summary>all figures</summary><span class="mono">${all}</span></details></td><td>${at}</td></tr>`;
  });
  const empty = rows.length === 0 ? '<tr><td colspan="5">no checks ran</td></tr>' : '';
  return `<section><h2>Checks <span class="muted">(failing first)</span></h2><table id="checks">
<thead><tr><th>Result</th><th>Check</th><th>Figure</th><th>What was measured</th><th>Decided</th></tr></thead>
<tbody>${rows.join('')}${empty}</tbody></table></section>`;
}

function timelineSection(history: History, timeline: Timeline): string {
  const samples = history.entries.filter((e) => e.type !== 'note' && e.type !== 'fault').length;
  const sw = (cls: string, label: string) => `<li><span class="sw ${cls}"></span>${label}</li>`;
  return `<section><h2>Timeline</h2>${timeline.svg}
<ul class="legend">${sw('ok', 'VIP held, lease renewed in the last 15 s')}${sw('unknown', 'VIP view unknown')}${sw('warn', 'frozen holder, indeterminate write, Ready Unknown, lease late')}${sw('soft', 'API up (taller = slower), write ok, Ready')}${sw('bad', 'API down, write failed, no quorum, lease expired (40 s)')}${sw('fault', 'fault active (band behind all lanes)')}${sw('restore', 'restore issued')}<li>▼ raft term change</li><li>▲ lost write</li><li>coloured line: where a check was decided (red = failed)</li></ul>
<p class="muted" id="downsampled">Drawn from ${samples} samples. API and write bars are ${formatDuration(timeline.bucketMs)} buckets: long histories are downsampled for drawing only; every check judged every sample.</p></section>`;
}

function events(history: History, timeline: Timeline): string {
  const at = (t: number) => `+${formatDuration(Math.max(0, t - history.startedAt))}`;
  const rows = [
    ...timeline.faults.map((f) => ({
      t: f.appliedAt,
      what: `${f.id} ${f.fault}${f.service ? ` (${f.service})` : ''}${f.method ? ` by ${f.method}` : ''} on ${f.targets.join(', ')}: ${f.undoFailed ? 'undo failed' : f.undoneAt === null ? 'never undone' : `undone at ${at(f.undoneAt)}`}`,
    })),
    ...samplesOf(history, 'note').map((n) => ({ t: n.at, what: n.message })),
  ].sort((a, b) => a.t - b.t);
  if (rows.length === 0) return '';
  const body = rows
    .map((r) => `<tr><td class="mono">${at(r.t)}</td><td>${text(r.what)}</td></tr>`)
    .join('');
  return `<section><h2>Faults and events</h2><table id="events"><tbody>${body}</tbody></table></section>`;
}

/** The masters the history speaks of: a lab with other names still gets a lane each. */
function mastersOf(history: History): string[] {
  const seen = new Set<string>();
  for (const s of samplesOf(history, 'vip'))
    [...s.holders, ...s.unknown].forEach((m) => seen.add(m));
  for (const s of samplesOf(history, 'etcd')) s.members.forEach((m) => seen.add(m.member));
  const names = [...seen].sort();
  return names.length > 0 ? names : [...MASTER_NAMES];
}
