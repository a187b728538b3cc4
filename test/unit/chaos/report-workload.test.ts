import { describe, expect, it } from 'vitest';
import { runChecks } from '../../../src/chaos/checkers/index.js';
import type { History, WorkloadSample } from '../../../src/chaos/history.js';
import {
  buildReport,
  renderHtml,
  renderJunit,
  renderMarkdown,
  reportSchema,
  type Report,
} from '../../../src/chaos/report/index.js';
import { normalizeReport } from '../../../src/chaos/report/load-report.js';
import { parseScenario } from '../../../src/chaos/scenario/index.js';
import { at, history } from './history-builder.js';

const scenario = parseScenario(
  [
    'name: workload-report',
    'description: a workload that must keep answering',
    'workload: {}',
    'steps:',
    '  - observe: 5s',
    'expect:',
    '  workloadAvailable: { maxMs: 0 }',
  ].join('\n'),
  'workload-report.yaml',
);

/** Two paths every 100 ms for 5 s; both down from 1 s to 1.3 s. */
function workloadHistory(): History {
  const entries: WorkloadSample[] = [];
  for (let ms = 0; ms <= 5000; ms += 100)
    for (const worker of ['worker-0', 'worker-1']) {
      const ok = ms < 1000 || ms >= 1300;
      entries.push({
        type: 'workload',
        at: at(ms / 1000),
        worker,
        ok,
        latencyMs: ok ? 2 : 1000,
        detail: ok ? `HTTP 200 probe-app-${worker}` : 'ETIMEDOUT',
      });
    }
  return history(entries, { endedAt: at(5.1) });
}

function report(): Report {
  const h = workloadHistory();
  return buildReport({
    labName: 'ha-lab',
    scenario,
    verdicts: runChecks(h, scenario.expect),
    history: h,
    interrupted: false,
    startedAt: h.startedAt,
    endedAt: h.endedAt,
  });
}

describe('reports of a run with a workload', () => {
  it('keep the workload samples, the workload setting and the verdict valid in report.json', () => {
    const r = report();
    expect(reportSchema.safeParse(JSON.parse(JSON.stringify(r))).error).toBeUndefined();
    expect(r.scenario.workload).toEqual({ replicas: 2 });
    expect(r.verdicts.map((v) => [v.check, v.passed])).toEqual([
      ['splitBrain', false],
      ['workloadAvailable', false],
    ]);
  });

  it('show the outage and the failed requests per worker in summary.md, with a workload lane', () => {
    const md = renderMarkdown(report());
    const row = md.split('\n').find((l) => l.startsWith('| workloadAvailable |'));
    expect(row).toContain('❌ fail');
    expect(row).toContain('unavailableMs=300');
    expect(row).toContain('failedRequests:worker-0=3');
    expect(md).toMatch(/^workload, all paths +[█ ]+×/m);
  });

  it('fail the workload testcase in junit.xml with its summary', () => {
    const xml = renderJunit(report());
    expect(xml).toMatch(
      /<testcase [^>]*name="workloadAvailable"[^>]*>\s*<failure message="the workload was unavailable for 300ms/,
    );
  });

  it('draw one workload lane per worker in report.html and name the figure', () => {
    const html = renderHtml(report());
    expect(html.match(/class="lane lane-workload" data-worker="worker-\d"/g)).toHaveLength(2);
    expect(html).toContain('workload unavailable for <b>300ms</b>');
  });

  it('survive a reload of report.json with every workload sample', () => {
    const r = report();
    const page = normalizeReport(JSON.parse(JSON.stringify(r)), 'report.json');
    expect(page.notices).toBeUndefined();
    expect(page.history.entries.filter((e) => e.type === 'workload')).toHaveLength(102);
  });
});
