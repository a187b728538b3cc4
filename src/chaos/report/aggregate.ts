import { formatDuration } from '../scenario/duration.js';
import type { Report } from './schema.js';

/** --repeat N: the same scenario several times; timings vary, so report their spread. */

export interface FigureStats {
  /** Runs that measured this figure (a failed check may leave it null). */
  n: number;
  min: number;
  p50: number;
  p95: number;
  max: number;
}

export interface CheckAggregate {
  check: string;
  runs: number;
  passed: number;
  figures: Record<string, FigureStats>;
}

export interface RunAggregate {
  scenario: string;
  runs: number;
  passedRuns: number;
  interruptedRuns: number;
  checks: CheckAggregate[];
}

export function aggregateRuns(reports: Report[]): RunAggregate {
  const checks = new Map<string, { runs: number; passed: number; values: Map<string, number[]> }>();
  for (const report of reports) {
    for (const v of report.verdicts) {
      const entry = checks.get(v.check) ?? {
        runs: 0,
        passed: 0,
        values: new Map<string, number[]>(),
      };
      entry.runs += 1;
      if (v.passed) entry.passed += 1;
      for (const [name, value] of Object.entries(v.figures)) {
        if (typeof value !== 'number' || !Number.isFinite(value)) continue;
        entry.values.set(name, [...(entry.values.get(name) ?? []), value]);
      }
      checks.set(v.check, entry);
    }
  }
  return {
    scenario: [...new Set(reports.map((r) => r.scenario.name))].join(', '),
    runs: reports.length,
    passedRuns: reports.filter((r) => r.passed).length,
    interruptedRuns: reports.filter((r) => r.interrupted).length,
    checks: [...checks.entries()].map(([check, e]) => ({
      check,
      runs: e.runs,
      passed: e.passed,
      figures: Object.fromEntries(
        [...e.values.entries()].map(([name, values]) => [name, stats(values)]),
      ),
    })),
  };
}

/** Nearest-rank percentiles: with a handful of runs, interpolating would invent values. */
function stats(values: number[]): FigureStats {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
  return {
    n: sorted.length,
    min: sorted[0]!,
    p50: rank(50),
    p95: rank(95),
    max: sorted[sorted.length - 1]!,
  };
}

export function renderAggregateMarkdown(aggregate: RunAggregate): string {
  const lines = [
    `# ${aggregate.scenario}: ${aggregate.passedRuns} of ${aggregate.runs} runs passed`,
    '',
    '| Check | Passed | Figure | min | p50 | p95 | max |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const check of aggregate.checks) {
    const figures = Object.entries(check.figures);
    const passed = `${check.passed}/${check.runs}`;
    if (figures.length === 0) lines.push(`| ${check.check} | ${passed} | | | | | |`);
    for (const [name, s] of figures) {
      const f = (v: number) => (name.endsWith('Ms') ? formatDuration(v) : String(v));
      lines.push(
        `| ${check.check} | ${passed} | ${name} | ${f(s.min)} | ${f(s.p50)} | ${f(s.p95)} | ${f(s.max)} |`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
