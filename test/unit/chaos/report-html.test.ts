import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChecks } from '../../../src/chaos/checkers/index.js';
import {
  buildReport,
  renderHtml,
  writeAggregate,
  writeReport,
} from '../../../src/chaos/report/index.js';
import { outcomeOf } from '../../../src/chaos/report/html/page.js';
import {
  apiPoints,
  availabilitySeries,
  spansOf,
  type AvailabilityBucket,
} from '../../../src/chaos/report/series.js';
import { expectationsInputSchema } from '../../../src/chaos/scenario/index.js';
import { addSample, SERIES_SECONDS } from '../../../src/ui/availability-series.js';
import { fineKillMaster0History } from '../../support/fine-history.js';
import {
  builtinScenario,
  engineLostRun,
  failingRun,
  hostileRun,
  HOSTILE_NAME,
  interruptedRun,
  passingRun,
} from '../../support/report-pages.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ha-lab-html-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Everything the page may load: nothing but itself and data: URLs. */
function externalReferences(html: string): string[] {
  const refs = [...html.matchAll(/\b(?:src|href|xlink:href)\s*=\s*"([^"]*)"/g)].map((m) => m[1]!);
  const urls = [...html.matchAll(/url\(\s*['"]?([^'")]+)/g)].map((m) => m[1]!);
  return [...refs, ...urls].filter((r) => !r.startsWith('#') && !r.startsWith('data:'));
}

describe('report.html of one run', () => {
  it('says at the top whether failover was proven, for every way a run can end', () => {
    const cases = [
      { report: passingRun(), outcome: 'passed', word: 'FAILOVER PROVEN' },
      { report: failingRun(), outcome: 'failed', word: 'NOT PROVEN' },
      { report: interruptedRun(), outcome: 'interrupted', word: 'INTERRUPTED' },
      { report: engineLostRun(), outcome: 'engine-lost', word: 'ENGINE LOST' },
    ];
    for (const { report, outcome, word } of cases) {
      expect(outcomeOf(report)).toBe(outcome);
      const html = renderHtml(report);
      const header = html.slice(html.indexOf('<header'), html.indexOf('</header>'));
      expect(header).toContain(`data-outcome="${outcome}"`);
      expect(header).toContain(word);
    }
  });

  it('lists the failing check first, with a link to the mark where it was decided', () => {
    const report = failingRun();
    const failed = report.verdicts.find((v) => !v.passed)!;
    expect(failed.check).toBe('leaderElection');
    expect(failed.decidedAt).toBeTypeOf('number');
    const html = renderHtml(report);
    const rows = [...html.matchAll(/<tr class="check (pass|fail)" data-check="([^"]+)"/g)];
    expect(rows[0]![2]).toBe('leaderElection');
    expect(rows[0]![1]).toBe('fail');
    expect(html).toContain('href="#mark-leaderElection"');
    expect(html).toMatch(new RegExp(`id="mark-leaderElection"[^>]*data-at="${failed.decidedAt}"`));
  });

  it('draws a VIP lane per master and a band per fault', () => {
    const html = renderHtml(passingRun());
    const vip = [...html.matchAll(/class="lane lane-vip" data-master="([^"]+)"/g)].map((m) => m[1]);
    expect(vip).toEqual(['master-0', 'master-1', 'master-2']);
    expect(html.match(/class="fault-band"/g)).toHaveLength(1);
  });

  it('escapes the scenario name, description and error, and leaks no secret', () => {
    const html = renderHtml(hostileRun());
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<style>body');
    expect(html).toContain(
      '&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;kill-&quot;master0&quot;&amp;',
    );
    expect(html).not.toContain('0123456789abcdef');
    expect(html).not.toContain('MIIBOgIBAAJBAK');
    expect(externalReferences(html)).toEqual([]);
    expect(HOSTILE_NAME).toContain('<script>');
  });

  it('says that bars are downsampled for drawing, never for judging', () => {
    expect(renderHtml(passingRun())).toMatch(
      /downsampled for drawing only; every check judged every sample/,
    );
  });
});

describe('report.html of a 60 s kill-master0 run with the fine-grained probes', () => {
  // Its write time is a figure (printed here, and `ha-lab report html` in the README), not a
  // timed assertion: a loaded CI machine must not fail a correct page.
  it('is at most 1 MiB', async () => {
    const history = fineKillMaster0History();
    const scenario = builtinScenario('kill-master0');
    const verdicts = runChecks(history, expectationsInputSchema.parse(scenario.expect));
    const report = buildReport({
      labName: 'ha-lab',
      scenario,
      verdicts,
      history,
      interrupted: false,
      startedAt: history.startedAt,
      endedAt: history.endedAt,
    });
    expect(history.entries.filter((e) => e.type === 'api').length).toBe(4800);
    const started = performance.now();
    const paths = await writeReport(join(dir, 'fine'), report);
    const elapsed = performance.now() - started;
    const size = (await stat(paths.html)).size;
    console.log(
      `report.html: ${(size / 1024).toFixed(0)} KiB, all four files written in ${elapsed.toFixed(0)} ms`,
    );
    expect(size).toBeLessThanOrEqual(1024 * 1024);
    expect(await readFile(paths.html, 'utf8')).toContain('FAILOVER PROVEN');
  });
});

describe('aggregate.html of a --repeat', () => {
  it("shows each figure's spread and links to every run's page", async () => {
    const reports = [passingRun(), failingRun(), passingRun()];
    const root = join(dir, 'repeat');
    const paths: string[] = [];
    for (const [i, r] of reports.entries())
      paths.push((await writeReport(join(root, `run-0${i + 1}`), r)).json);
    const written = await writeAggregate(root, reports, paths);
    const html = await readFile(written.html, 'utf8');
    expect([...html.matchAll(/<a href="([^"]+)" id="run-\d"/g)].map((m) => m[1])).toEqual([
      'run-01/report.html',
      'run-02/report.html',
      'run-03/report.html',
    ]);
    expect(html).toContain('2 of 3 runs passed');
    const row = html.match(
      /<tr class="figure" data-check="vipFailover" data-figure="failoverMs">.*?<\/tr>/,
    )![0];
    const failover = reports.map(
      (r) => r.verdicts.find((v) => v.check === 'vipFailover')?.figures.failoverMs,
    );
    expect(row.match(/<circle/g)).toHaveLength(
      failover.filter((v) => typeof v === 'number').length,
    );
  });
});

describe('history to series, shared by the page and the dashboard', () => {
  it("gives the dashboard's sparkline the very buckets the page draws from the same samples", () => {
    const points = apiPoints(failingRun().history, 'master-2');
    let dashboard: AvailabilityBucket[] = [];
    for (const p of points) dashboard = addSample(dashboard, p.at, p.ok, p.latencyMs);
    const page = availabilitySeries(points, 1000);
    const newest = page[page.length - 1]!.start;
    const lastMinute = page.filter((b) => b.start > newest - SERIES_SECONDS * 1000);
    expect(dashboard.length).toBeGreaterThan(30);
    expect(lastMinute).toEqual(dashboard);
    expect(page.some((b) => b.errors > 0)).toBe(true);
  });

  it('ends a span where its probe fell silent, rather than carry the old state on', () => {
    const spans = spansOf(
      [
        { at: 0, s: 'up' },
        { at: 1000, s: 'up' },
        { at: 10_000, s: 'down' },
      ],
      (x) => x.s,
      12_000,
      3000,
    );
    expect(spans).toEqual([
      { from: 0, to: 4000, state: 'up' },
      { from: 10_000, to: 12_000, state: 'down' },
    ]);
  });
});
