import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type * as z from 'zod';
import { runChecks } from '../../../src/chaos/checkers/index.js';
import type { History } from '../../../src/chaos/history.js';
import {
  aggregateRuns,
  buildReport,
  renderAggregateMarkdown,
  renderJson,
  renderJunit,
  renderMarkdown,
  renderTimeline,
  reportSchema,
  writeReport,
  type Report,
} from '../../../src/chaos/report/index.js';
import { historySchema } from '../../../src/chaos/report/schema.js';
import { expectationsInputSchema, parseScenario } from '../../../src/chaos/scenario/index.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'histories');

function fixture(name: string): { history: History; expect: unknown } {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as {
    history: History;
    expect: unknown;
  };
}

/** A real kill-master0 run that recovered, with fresh recovery evidence: every check passes. */
const FRESH = 'captured/kill-master0-fresh-evidence';

const scenario = parseScenario(
  readFileSync(
    join(import.meta.dirname, '..', '..', '..', 'scenarios', 'kill-master0.yaml'),
    'utf8',
  ),
  'scenarios/kill-master0.yaml',
);

function reportFor(name: string, extra: { interrupted?: boolean; error?: string } = {}): Report {
  const { history, expect: expectations } = fixture(name);
  return buildReport({
    labName: 'ha-lab',
    scenario,
    verdicts: runChecks(history, expectationsInputSchema.parse(expectations)),
    history,
    interrupted: extra.interrupted ?? false,
    error: extra.error,
    startedAt: history.startedAt,
    endedAt: history.endedAt,
  });
}

/** Enough of an XML well-formedness check for JUnit: tags nest and close, attributes are quoted. */
function assertWellFormedXml(xml: string): void {
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
  const body = xml.replace(/^<\?xml[^>]*\?>/, '');
  const stack: string[] = [];
  for (const match of body.matchAll(
    /<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w.-]+="[^"<]*")*)\s*(\/?)>/g,
  )) {
    const [, closing, name, , selfClosing] = match;
    if (selfClosing) continue;
    if (closing) expect(stack.pop()).toBe(name);
    else stack.push(name!);
  }
  expect(stack).toEqual([]);
  const text = body.replace(/<[^>]*>/g, '');
  expect(text).not.toMatch(/[<>]|&(?!(amp|lt|gt|quot|apos);)/);
}

describe('buildReport', () => {
  it('passes only when every check passed and the run finished', () => {
    expect(reportFor(FRESH).passed).toBe(true);
    // Recorded before recovery evidence was read: its rejoin is unproven, so it cannot pass.
    expect(reportFor('kill-master0-recovers').passed).toBe(false);
    expect(reportFor('split-brain-for-3s').passed).toBe(false);
    expect(reportFor('kill-master0-recovers', { interrupted: true }).passed).toBe(false);
    expect(reportFor('kill-master0-recovers', { error: 'wait timed out' }).passed).toBe(false);
  });

  it('does not pass a run without checks', () => {
    const { history } = fixture('kill-master0-recovers');
    const report = buildReport({
      labName: 'l',
      scenario,
      verdicts: [],
      history,
      interrupted: false,
      startedAt: 0,
      endedAt: 1,
    });
    expect(report.passed).toBe(false);
  });

  it('renders report.json that satisfies the report schema', () => {
    const json = JSON.parse(renderJson(reportFor('split-brain-for-3s', { error: 'x' }))) as unknown;
    const parsed = reportSchema.safeParse(json);
    expect(parsed.error).toBeUndefined();
    expect(parsed.data).toMatchObject({
      schemaVersion: 1,
      passed: false,
      error: 'x',
      labName: 'ha-lab',
    });
  });

  it('accepts every History in the schema at compile time', () => {
    expectTypeOf<History>().toExtend<z.input<typeof historySchema>>();
  });
});

describe('renderJunit', () => {
  it('has one testcase per check in a suite named after the scenario', () => {
    const report = reportFor(FRESH);
    const xml = renderJunit(report);
    assertWellFormedXml(xml);
    expect(xml).toContain('<testsuite name="kill-master0" tests="7" failures="0" errors="0"');
    for (const v of report.verdicts) expect(xml).toContain(`name="${v.check}"`);
    expect(xml).not.toContain('<failure');
  });

  it('puts the summary of a failed check in a <failure>', () => {
    const xml = renderJunit(reportFor('split-brain-for-3s'));
    assertWellFormedXml(xml);
    expect(xml).toMatch(
      /<testcase classname="ha-lab\.chaos\.kill-master0" name="splitBrain" time="0">\s*<failure message="two VIP holders for up to 3s[^"]*" type="check-failed">/,
    );
    // splitBrain, and rejoin: this hand-made history has no recovery evidence.
    expect(xml).toContain('failures="2"');
  });

  it('adds an erroring "run" testcase when the run was interrupted', () => {
    const xml = renderJunit(
      reportFor('kill-master0-recovers', { interrupted: true, error: 'SIGINT' }),
    );
    assertWellFormedXml(xml);
    expect(xml).toMatch(
      /<testcase [^>]*name="run"[^>]*>\s*<error message="interrupted: SIGINT" type="interrupted">/,
    );
    expect(xml).toContain('errors="1"');
  });

  it('escapes markup and drops characters XML cannot carry', () => {
    const xml = renderJunit(
      reportFor('kill-master0-recovers', { error: 'bad <tag> & "quote" \'s \u0007bell' }),
    );
    assertWellFormedXml(xml);
    expect(xml).toContain('bad &lt;tag&gt; &amp; &quot;quote&quot; &apos;s bell');
  });
});

describe('renderMarkdown', () => {
  it("lists an operation's steps with when each started and how long it took", () => {
    const base = reportFor('kill-master0-recovers');
    const t = base.history.startedAt;
    const op = { type: 'op' as const, id: 'op1', op: 'etcd-member-replace', target: 'master-0' };
    const history = {
      ...base.history,
      entries: [
        ...base.history.entries,
        { ...op, at: t + 5000, phase: 'started' as const, restarts: ['etcd'] },
        {
          ...op,
          at: t + 6200,
          phase: 'step' as const,
          step: 'wipe data dir',
          node: 'master-0',
          startedAt: t + 6000,
          durationMs: 200,
        },
        { ...op, at: t + 20_000, phase: 'done' as const, startedAt: t + 5000, durationMs: 15_000 },
      ],
    };
    const md = renderMarkdown({ ...base, history });
    expect(md).toContain('## Operation steps');
    expect(md).toMatch(/^\| op1 \| wipe data dir \| master-0 \| \+6(\.0)?s \| 200ms \|$/m);
    expect(md).toMatch(
      /^\| op1 \| \*\*etcd-member-replace done\*\* \| {2}\| \+5(\.0)?s \| 15(\.0)?s \|$/m,
    );
  });

  it('lists every check with its result in a table', () => {
    const report = reportFor('split-brain-for-3s');
    const md = renderMarkdown(report);
    expect(md).toMatch(/^# ❌ FAILED: kill-master0/);
    for (const v of report.verdicts) {
      expect(md).toMatch(
        new RegExp(`^\\| ${v.check} \\| ${v.passed ? '✅ pass' : '❌ fail'} \\|`, 'm'),
      );
    }
  });

  it('draws a timeline no wider than 100 columns', () => {
    const md = renderMarkdown(reportFor('kill-master0-recovers'));
    const block = md.split('```text\n')[1]!.split('```')[0]!;
    for (const line of block.split('\n')) expect([...line].length).toBeLessThanOrEqual(100);
    expect(block).toContain('VIP master-0');
    expect(block).toContain('API via VIP');
    expect(block).toContain('f1 kill master-0');
  });

  it('shows the VIP leaving master-0 while the fault is active', () => {
    const lines = renderTimeline(fixture('kill-master0-recovers').history);
    const cells = (label: string) => [...lines.find((l) => l.startsWith(label))!].slice(20);
    const faultCells = cells('f1 kill');
    const active = faultCells.map((c, i) => (c === '█' ? i : -1)).filter((i) => i >= 0);
    const mid = active[Math.floor(active.length / 2)]!;
    expect(cells('VIP master-0')[0]).toBe('█');
    expect(cells('VIP master-0')[mid]).toBe('?');
    expect(cells('VIP master-1')[mid]).toBe('█');
    expect(cells('VIP master-0').at(-1)).toBe('█');
  });
});

describe('aggregateRuns', () => {
  it('counts passes and summarises numeric figures with percentiles', () => {
    const reports = [FRESH, 'slow-failover', 'vip-never-moves'].map((n) => reportFor(n));
    const aggregate = aggregateRuns(reports);
    expect(aggregate).toMatchObject({ scenario: 'kill-master0', runs: 3, passedRuns: 1 });
    const failover = aggregate.checks.find((c) => c.check === 'vipFailover')!;
    expect(failover).toMatchObject({ runs: 3, passed: 1 });
    // vip-never-moves measured nothing: its null is not a zero.
    expect(failover.figures.failoverMs).toEqual({
      n: 2,
      min: 3139,
      p50: 3139,
      p95: 12_000,
      max: 12_000,
    });
    expect(renderAggregateMarkdown(aggregate)).toContain(
      '| vipFailover | 1/3 | failoverMs | 3.14s | 3.14s | 12s | 12s |',
    );
  });
});

describe('writeReport', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ha-lab-report-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes all three files, readable by everyone, into a directory it creates', async () => {
    const report = reportFor('kill-master0-recovers');
    const paths = await writeReport(join(dir, 'nested', 'run-1'), report);
    for (const path of Object.values(paths)) {
      expect((await stat(path)).mode & 0o777).toBe(0o644);
    }
    expect(JSON.parse(await readFile(paths.json, 'utf8'))).toEqual(report);
    expect(await readFile(paths.junit, 'utf8')).toBe(renderJunit(report));
    expect(await readFile(paths.markdown, 'utf8')).toBe(renderMarkdown(report));
  });
});
