import { describe, expect, it } from 'vitest';
import {
  buildCheckContext,
  checkWorkloadAvailable,
  runChecks,
} from '../../../src/chaos/checkers/index.js';
import type { History, HistoryEntry, WorkloadSample } from '../../../src/chaos/history.js';
import { at, fault, history } from './history-builder.js';

const ctx = (h: History) => buildCheckContext(h);

/** One request through `worker` at `ms` milliseconds into the run. */
const req = (ms: number, worker: string, ok: boolean): WorkloadSample => ({
  type: 'workload',
  at: at(ms / 1000),
  worker,
  ok,
  latencyMs: ok ? 3 : 1000,
  detail: ok ? 'HTTP 200 probe-app-abc' : 'ECONNREFUSED',
});

/** Every worker answering every 100 ms from `fromMs` to `toMs`, except where `down` says not. */
function steady(
  fromMs: number,
  toMs: number,
  workers: string[],
  down: (worker: string, ms: number) => boolean = () => false,
): WorkloadSample[] {
  const out: WorkloadSample[] = [];
  for (let ms = fromMs; ms <= toMs; ms += 100)
    for (const w of workers) out.push(req(ms, w, !down(w, ms)));
  return out;
}

const TWO = ['worker-0', 'worker-1'];
const run = (entries: HistoryEntry[]) => history(entries, { endedAt: at(5) });

describe('workloadAvailable', () => {
  it('passes when some worker always answered', () => {
    const h = run(steady(0, 4000, TWO));
    const v = checkWorkloadAvailable(h, { maxMs: 0 }, ctx(h));
    expect(v).toMatchObject({
      check: 'workloadAvailable',
      passed: true,
      figures: { unavailableMs: 0, outages: 0, failedRequests: 0, 'failedRequests:worker-0': 0 },
    });
  });

  it('fails with maxMs 0 when every path was down for 300 ms', () => {
    const h = run(steady(0, 4000, TWO, (_, ms) => ms >= 1000 && ms < 1300));
    const v = checkWorkloadAvailable(h, { maxMs: 0 }, ctx(h));
    expect(v.passed).toBe(false);
    expect(v.figures).toMatchObject({ unavailableMs: 300, longestMs: 300, outages: 1 });
    expect(v.figures['failedRequests:worker-0']).toBe(3);
    expect(v.summary).toContain('unavailable for 300ms');
    expect(v.decidedAt).toBe(at(1));
  });

  it('passes the same outage under a limit that allows it', () => {
    const h = run(steady(0, 4000, TWO, (_, ms) => ms >= 1000 && ms < 1300));
    expect(checkWorkloadAvailable(h, { maxMs: 500 }, ctx(h)).passed).toBe(true);
  });

  it('passes when one path is down while another answers, and counts its failed requests', () => {
    const h = run(steady(0, 4000, TWO, (w, ms) => w === 'worker-0' && ms >= 1000 && ms < 2000));
    const v = checkWorkloadAvailable(h, { maxMs: 0 }, ctx(h));
    expect(v.passed).toBe(true);
    expect(v.figures).toMatchObject({
      unavailableMs: 0,
      'failedRequests:worker-0': 10,
      'failedRequests:worker-1': 0,
    });
    expect(v.summary).toContain('worker-0 10 of 41');
  });

  it('fails a path that never answered again after the fault ended, even while others answer', () => {
    const h = run([
      fault(0.5, 'f1', 'worker-1'),
      fault(1.5, 'f1', 'worker-1', 'undone'),
      ...steady(0, 4000, TWO, (w, ms) => w === 'worker-1' && ms >= 1000),
    ]);
    const v = checkWorkloadAvailable(h, { maxMs: 0 }, ctx(h));
    expect(v.passed).toBe(false);
    expect(v.figures.unavailableMs).toBe(0);
    expect(v.summary).toMatch(/worker-1 never answered after the last fault or operation ended/);
  });

  it('passes a path that came back after the fault ended', () => {
    const h = run([
      fault(0.5, 'f1', 'worker-1'),
      fault(1.5, 'f1', 'worker-1', 'undone'),
      ...steady(0, 4000, TWO, (w, ms) => w === 'worker-1' && ms >= 1000 && ms < 2000),
    ]);
    expect(checkWorkloadAvailable(h, { maxMs: 0 }, ctx(h)).passed).toBe(true);
  });

  it('fails when no workload requests were recorded', () => {
    const h = run([]);
    const v = checkWorkloadAvailable(h, { maxMs: 1000 }, ctx(h));
    expect(v.passed).toBe(false);
    expect(v.summary).toContain('no workload requests were recorded');
  });

  it('fails an outage still open when the run ended, measured to the end', () => {
    const h = run(steady(0, 4000, TWO, (_, ms) => ms >= 3000));
    const v = checkWorkloadAvailable(h, { maxMs: 10_000 }, ctx(h));
    expect(v.passed).toBe(false);
    expect(v.summary).toContain('no worker answered when the run ended');
    expect(v.figures.unavailableMs).toBe(2000);
  });

  it('does not count the staggered first requests of the paths as an outage', () => {
    const h = run([
      req(0, 'worker-0', false),
      ...steady(5, 4005, ['worker-1']),
      req(900, 'worker-0', true),
    ]);
    expect(checkWorkloadAvailable(h, { maxMs: 0 }, ctx(h)).passed).toBe(true);
  });

  it('judges requests started in the same millisecond together', () => {
    const h = run([
      ...steady(0, 900, TWO),
      req(1000, 'worker-0', false),
      req(1000, 'worker-1', true),
      ...steady(1100, 4000, TWO),
    ]);
    expect(checkWorkloadAvailable(h, { maxMs: 0 }, ctx(h)).figures.unavailableMs).toBe(0);
  });

  it('runs after apiUnavailable when the scenario expects it', () => {
    const h = run(steady(0, 4000, TWO));
    const names = runChecks(h, {
      splitBrain: { maxMs: 1000 },
      apiUnavailable: { maxMs: 1000 },
      workloadAvailable: { maxMs: 0 },
    }).map((v) => v.check);
    expect(names).toEqual(['splitBrain', 'apiUnavailable', 'workloadAvailable']);
  });
});
