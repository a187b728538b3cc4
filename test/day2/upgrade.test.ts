import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusSchema } from '../../src/lab/status-schema.js';
import { haLab, testLabName } from '../support/cli.js';
import { downSuiteLab, expectScenarioPasses } from '../support/passing-scenario.js';

/**
 * `npm run test:day2`, second part: the rolling minor upgrade, rehearsed on its own lab that
 * starts at 1.35 (built from Go modules first when the cache lacks it). The scenario must
 * pass every check (API through the VIP, writes, the workload through every worker, every
 * component at 1.36 in a fresh process, the lab whole), and paths kubeadm refuses are bad
 * input (exit 2) before anything is touched.
 */
const lab = testLabName('up');

async function version(): Promise<string | null> {
  const status = await haLab(['status', '--name', lab, '--json'], { timeoutMs: 120_000 });
  return statusSchema.parse(JSON.parse(status.stdout)).kubernetesVersion;
}

describe('a rolling minor upgrade under probes', () => {
  beforeAll(async () => {
    const up = await haLab(['up', '--name', lab, '--no-tui', '--kubernetes-version', '1.35'], {
      timeoutMs: 1_800_000,
    });
    expect(up.exitCode, up.stderr).toBe(0);
  });

  afterAll(async () => {
    await downSuiteLab(lab);
  });

  it('refuses a skipped minor and a downgrade with exit 2, touching nothing', async () => {
    for (const [to, why] of [
      ['1.34', /older than the lab's v1.35.4/],
      ['1.37', /not supported/],
    ] as const) {
      const run = await haLab(['upgrade', '--to', to, '--name', lab], { timeoutMs: 60_000 });
      expect(run.exitCode, run.stderr).toBe(2);
      expect(run.stderr).toMatch(why);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(await version()).toBe('v1.35.4');
  });

  it('passes upgrade-minor (1.35 to 1.36)', () => expectScenarioPasses(lab, 'upgrade-minor'));

  it('leaves a lab at 1.36 that refuses the same upgrade again (exit 2)', async () => {
    expect(await version()).toBe('v1.36.3');
    const again = await haLab(['scenario', 'run', 'upgrade-minor', '--name', lab], {
      timeoutMs: 120_000,
    });
    expect(again.exitCode, again.stderr).toBe(2);
    expect(again.stderr).toMatch(/the lab already runs v1.36.3/);
  });
});
