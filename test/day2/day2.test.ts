import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CertEntry } from '../../src/lab/certs-check.js';
import { haLab, testLabName } from '../support/cli.js';
import { leftovers } from '../support/leftovers.js';

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
    const up = await haLab(['up', '--name', lab, '--no-tui'], { timeoutMs: 1_800_000 });
    expect(up.exitCode, up.stderr).toBe(0);
    before = await certs();
  });

  afterAll(async () => {
    await haLab(['down', '--name', lab, '--purge'], { timeoutMs: 120_000 });
    expect(await leftovers(lab)).toEqual({ containers: 0, networks: 0, volumes: 0 });
  });

  for (const scenario of SCENARIOS) {
    it(`passes ${scenario}`, async () => {
      const dir = await mkdtemp(join(tmpdir(), `d2-${scenario}-`));
      const run = await haLab(['scenario', 'run', scenario, '--name', lab, '--report-dir', dir], {
        timeoutMs: 900_000,
      });
      const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as {
        passed: boolean;
        verdicts: { check: string; passed: boolean; summary: string }[];
      };
      const failed = report.verdicts
        .filter((v) => !v.passed)
        .map((v) => `${v.check}: ${v.summary}`);
      expect(failed, run.stderr).toEqual([]);
      expect(report.passed).toBe(true);
      expect(run.exitCode).toBe(0);
    });
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
