import { formatDuration } from '../../scenario/duration.js';
import type { RunAggregate } from '../aggregate.js';
import { px, text } from './escape.js';
import { outcomeOf, type PageReport } from './page.js';
import { STYLES } from './styles.js';

/**
 * aggregate.html for --repeat N: each figure's spread across the runs (min, p50, p95, max,
 * and every run as a dot on one strip), and a link to each run's own page.
 */

export interface RunLink {
  /** Relative to the aggregate page, e.g. run-01/report.html. */
  href: string;
  report: PageReport;
}

const STRIP_W = 260;
const STRIP_H = 18;

export function renderAggregateHtml(aggregate: RunAggregate, runs: RunLink[]): string {
  const allPassed = aggregate.passedRuns === aggregate.runs && aggregate.interruptedRuns === 0;
  const outcome = allPassed ? 'passed' : aggregate.interruptedRuns > 0 ? 'interrupted' : 'failed';
  const rows = aggregate.checks.flatMap((check) => {
    // A limit is the same in every run: its spread says nothing.
    const figures = Object.entries(check.figures).filter(([name]) => !/limitMs$/i.test(name));
    const passed = `<td>${check.passed}/${check.runs}</td>`;
    if (figures.length === 0)
      return [`<tr><td><b>${text(check.check)}</b></td>${passed}<td colspan="6">–</td></tr>`];
    return figures.map(([name, s]) => {
      const f = (v: number) => (name.endsWith('Ms') ? formatDuration(v) : String(v));
      const values = runs.map((r) => {
        const v = r.report.verdicts.find((x) => x.check === check.check)?.figures[name];
        return typeof v === 'number' ? v : undefined;
      });
      return `<tr class="figure" data-check="${text(check.check)}" data-figure="${text(name)}"><td><b>${text(check.check)}</b></td>${passed}<td class="mono">${text(name)}</td><td>${f(s.min)}</td><td>${f(s.p50)}</td><td>${f(s.p95)}</td><td>${f(s.max)}</td><td>${strip(values, s.min, s.max, s.p50, s.p95)}</td></tr>`;
    });
  });
  const runRows = runs.map((r, i) => {
    const o = outcomeOf(r.report);
    const failed = r.report.verdicts.filter((v) => !v.passed).map((v) => v.check);
    return `<tr class="run"><td><a href="${text(r.href)}" id="run-${i + 1}">run ${i + 1}</a></td><td><span class="badge ${o === 'passed' ? 'pass' : 'fail'}">${o === 'passed' ? 'PASS' : text(o.toUpperCase())}</span></td><td>${formatDuration(r.report.durationMs)}</td><td>${failed.length === 0 ? '' : `failed: ${text(failed.join(', '))}`}</td></tr>`;
  });
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${text(aggregate.scenario)}: ${aggregate.passedRuns} of ${aggregate.runs} runs passed · ha-lab</title>`,
    `<style>${STYLES}</style></head><body><main>`,
    `<header class="banner ${outcome}" id="outcome" data-outcome="${outcome}"><h1><span class="verdict-word">${aggregate.passedRuns} of ${aggregate.runs} runs passed</span> · ${text(aggregate.scenario)}</h1>`,
    `<div>${aggregate.interruptedRuns > 0 ? `${aggregate.interruptedRuns} run(s) interrupted. ` : ''}Each figure's spread across the runs; nearest-rank percentiles (with few runs, p95 is the slowest run but one or the slowest).</div></header>`,
    `<section><h2>Runs</h2><table id="runs"><tbody>${runRows.join('')}</tbody></table></section>`,
    '<section><h2>Figures across runs</h2><table id="figures"><thead><tr><th>Check</th><th>Passed</th><th>Figure</th><th>min</th><th>p50</th><th>p95</th><th>max</th><th>every run</th></tr></thead>',
    `<tbody>${rows.join('')}</tbody></table></section>`,
    '<footer>Written by ha-lab. aggregate.json beside this page holds these numbers.</footer>',
    '</main></body></html>\n',
  ].join('\n');
}

/** Every run's value as a dot between min and max, with p50 and p95 as ticks. */
function strip(
  values: (number | undefined)[],
  min: number,
  max: number,
  p50: number,
  p95: number,
): string {
  const x = (v: number) => 6 + (max === min ? 0.5 : (v - min) / (max - min)) * (STRIP_W - 12);
  const dots = values
    .map((v, i) =>
      v === undefined
        ? ''
        : `<circle cx="${px(x(v))}" cy="${STRIP_H / 2}" r="3.5" class="dot"><title>run ${i + 1}: ${v}</title></circle>`,
    )
    .join('');
  const tick = (v: number, cls: string) =>
    `<line x1="${px(x(v))}" x2="${px(x(v))}" y1="2" y2="${STRIP_H - 2}" class="${cls}"/>`;
  return `<svg viewBox="0 0 ${STRIP_W} ${STRIP_H}" width="${STRIP_W}" height="${STRIP_H}" class="strip" role="img" aria-label="spread"><line x1="6" x2="${STRIP_W - 6}" y1="${STRIP_H / 2}" y2="${STRIP_H / 2}" class="grid"/>${tick(p50, 'p50')}${tick(p95, 'p95')}${dots}</svg>`;
}
