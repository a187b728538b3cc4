import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CertEntry } from '../../src/lab/certs-check.js';
import { haLab, testLabName } from '../support/cli.js';
import { downSuiteLab, expectScenarioPasses, upSuiteLab } from '../support/passing-scenario.js';

/**
 * `npm run test:day2`: the day-2 operations, rehearsed under the probes on one real lab, in
 * an order where each leaves the lab whole for the next. Each must exit 0 with a passing
 * report, and `certs check` must find every certificate valid and none served stale.
 */
const lab = testLabName('d2');
const SCENARIOS = ['etcd-member-replace', 'renew-certs', 'etcd-snapshot-restore'];

async function certs(): Promise<CertEntry[]> {
  const run = await haLab(['certs', 'check', '--name', lab, '--json'], { timeoutMs: 120_000 });
  expect(run.exitCode, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as CertEntry[];
}

describe('day-2 operations on one lab', () => {
  let before: CertEntry[] = [];

  beforeAll(async () => {
    await upSuiteLab(lab, 1_800_000);
    before = await certs();
  });

  afterAll(async () => {
    await downSuiteLab(lab);
  });

  for (const scenario of SCENARIOS) {
    it(`passes ${scenario}`, () => expectScenarioPasses(lab, scenario));
  }

  it('serves renewed certificates everywhere after renew-certs', async () => {
    const after = await certs();
    const served = (list: CertEntry[]) =>
      new Map(list.filter((e) => e.source.endsWith('(served)')).map((e) => [e.source, e]));
    const was = served(before);
    for (const [source, entry] of served(after)) {
      expect(entry.status, source).toBe('ok');
      expect(entry.notAfter!, source).toBeGreaterThan(was.get(source)!.notAfter!);
    }
    expect(after.filter((e) => e.status !== 'ok')).toEqual([]);
  });
});
