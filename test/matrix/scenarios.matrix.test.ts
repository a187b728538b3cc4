import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haLab, testLabName } from '../support/cli.js';
import { leftovers } from '../support/leftovers.js';

/**
 * `npm run test:matrix`: every built-in scenario against one real lab, each run `--fresh`:
 * the lab is reset to the snapshot `up --snapshot` took and proven pristine first, so one
 * scenario's damage never leaks into the next. Each must exit 0 with a passing report.
 */
const lab = testLabName('mx');
const SCENARIOS = [
  'kill-master0',
  'stop-master0',
  'pause-master0',
  'kill-vip-holder',
  'kill-etcd-leader',
  'apiserver-down-on-vip-holder',
  'partition-master0',
  'vrrp-blocked',
  'sequential-master-failures',
  'two-masters-down',
];

describe('the scenario matrix on one lab', () => {
  beforeAll(async () => {
    const up = await haLab(['up', '--name', lab, '--no-tui', '--snapshot'], {
      timeoutMs: 1_200_000,
    });
    expect(up.exitCode, up.stderr).toBe(0);
  });

  afterAll(async () => {
    await haLab(['down', '--name', lab, '--purge'], { timeoutMs: 120_000 });
    expect(await leftovers(lab)).toEqual({ containers: 0, networks: 0, volumes: 0 });
  });

  for (const scenario of SCENARIOS) {
    it(`passes ${scenario}`, async () => {
      const dir = await mkdtemp(join(tmpdir(), `mx-${scenario}-`));
      const run = await haLab(
        ['scenario', 'run', scenario, '--name', lab, '--fresh', '--report-dir', dir],
        { timeoutMs: 900_000 },
      );
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
});
