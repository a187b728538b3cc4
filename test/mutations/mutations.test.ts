import { mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haLab, testLabName } from '../support/cli.js';
import { leftovers } from '../support/leftovers.js';
import { startScenario } from '../support/scenario-run.js';
import { MUTATIONS } from './mutations.js';

/**
 * `npm run test:mutations`: a checker is trusted only once a real broken lab made it fail.
 * Each mutation breaks the lab in one way; its scenario must exit 3 with the named check
 * failed in report.json. Then the mutation is undone and `status` must find the lab whole.
 * HA_LAB_MUTATION_LAB runs them on a lab you brought up (it is left up); HA_LAB_MUTATIONS
 * picks some by name (comma-separated); HA_LAB_MUTATION_REPORTS keeps the reports there.
 */
const given = process.env.HA_LAB_MUTATION_LAB;
const lab = given ?? testLabName('mu');
const chosen = process.env.HA_LAB_MUTATIONS?.split(',');
const mutations = MUTATIONS.filter((m) => !chosen || chosen.includes(m.name));

interface Report {
  passed: boolean;
  verdicts: { check: string; passed: boolean; summary: string }[];
}

async function wholeAgain(): Promise<{ exitCode: number; stdout: string }> {
  const end = Date.now() + 240_000;
  let last = { exitCode: -1, stdout: '' };
  while (Date.now() < end) {
    last = await haLab(['status', '--name', lab], { timeoutMs: 60_000 });
    if (last.exitCode === 0) return last;
    await new Promise((r) => setTimeout(r, 3000));
  }
  return last;
}

describe('mutations: every broken lab is caught by its scenario', () => {
  let reports: string;

  beforeAll(async () => {
    reports = process.env.HA_LAB_MUTATION_REPORTS ?? (await mkdtemp(join(tmpdir(), 'mu-')));
    if (given) return;
    const up = await haLab(['up', '--name', lab, '--no-tui'], { timeoutMs: 1_200_000 });
    expect(up.exitCode, up.stderr).toBe(0);
  });

  afterAll(async () => {
    if (given) return;
    await haLab(['down', '--name', lab, '--purge'], { timeoutMs: 120_000 });
    expect(await leftovers(lab)).toEqual({ containers: 0, networks: 0, volumes: 0 });
  });

  it('has at least eight mutations', () => {
    expect(MUTATIONS.length).toBeGreaterThanOrEqual(8);
  });

  for (const m of mutations) {
    it(`${m.scenario} fails ${m.check} when ${m.what}`, async () => {
      const dir = join(reports, m.name);
      await mkdir(dir, { recursive: true });
      let run: ReturnType<typeof startScenario> | undefined;
      try {
        if (!m.during) await m.apply(lab);
        run = startScenario(lab, m.scenario, dir);
        if (m.during) {
          await run.until(m.during);
          await m.apply(lab);
        }
        const done = await run.child;
        const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as Report;
        const verdict = report.verdicts.find((v) => v.check === m.check);
        expect(verdict, `no ${m.check} verdict:\n${run.stderr}`).toBeDefined();
        expect(verdict!.passed, verdict!.summary).toBe(false);
        expect(report.passed).toBe(false);
        expect(done.exitCode, run.stderr).toBe(3);
      } finally {
        if (run && run.child.exitCode === null) run.child.kill('SIGINT');
        await run?.child;
        await m.undo(lab);
      }
      const status = await wholeAgain();
      expect(
        status.exitCode,
        `the lab is not whole after undoing ${m.name}:\n${status.stdout}`,
      ).toBe(0);
    });
  }
});
