import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { haLab } from './cli.js';
import { leftovers, snapshotImages } from './leftovers.js';

export interface PassedReport {
  passed: boolean;
  verdicts: { check: string; passed: boolean; summary: string }[];
  history: { entries: { type: string; target?: string; method?: string }[] };
}

/** Runs a scenario on a real lab and demands exit 0 with a passing report (failures named). */
export async function expectScenarioPasses(
  lab: string,
  scenario: string,
  extra: string[] = [],
  env?: Record<string, string>,
): Promise<PassedReport> {
  const dir = await mkdtemp(join(tmpdir(), `${lab}-${scenario}-`));
  const run = await haLab(
    ['scenario', 'run', scenario, '--name', lab, '--report-dir', dir, ...extra],
    { timeoutMs: 900_000, ...(env ? { env } : {}) },
  );
  const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as PassedReport;
  const failed = report.verdicts.filter((v) => !v.passed).map((v) => `${v.check}: ${v.summary}`);
  expect(failed, run.stderr).toEqual([]);
  expect(report.passed).toBe(true);
  expect(run.exitCode).toBe(0);
  return report;
}

/** A suite's own full lab: up (failing the suite if it cannot), and down with nothing left. */
export async function upSuiteLab(lab: string, timeoutMs: number): Promise<void> {
  const up = await haLab(['up', '--name', lab, '--no-tui'], { timeoutMs });
  expect(up.exitCode, up.stderr).toBe(0);
}

export async function downSuiteLab(lab: string): Promise<void> {
  await haLab(['down', '--name', lab, '--purge'], { timeoutMs: 120_000 });
  expect(await leftovers(lab)).toEqual({ containers: 0, networks: 0, volumes: 0 });
  expect(await snapshotImages(lab)).toEqual([]);
}
