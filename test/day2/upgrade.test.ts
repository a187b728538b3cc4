import { readdir } from 'node:fs/promises';
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

  it('stops at a failing step with the step and node named, a log bundle, the lab as it was', async () => {
    // A worker whose containerd cannot be asked (its ctr moved away) fails the staging, which
    // runs before any node is touched; moving it back makes the lab whole again.
    const ctr = (from: string, to: string) =>
      haLab(['exec', 'worker-2', '--name', lab, '--', 'mv', from, to], { timeoutMs: 60_000 });
    expect((await ctr('/usr/bin/ctr', '/usr/bin/ctr.off')).exitCode).toBe(0);
    try {
      const run = await haLab(['upgrade', '--to', '1.36', '--name', lab], { timeoutMs: 900_000 });
      expect(run.exitCode, run.stderr).toBe(1);
      const line = run.stderr.trim().split('\n').pop() ?? '';
      expect(line).toMatch(/"stage binaries and images on every node" failed: worker-2: /);
      expect(line).toMatch(/the lab is left as it is for inspection \(logs: \S+-upgrade\)/);
      const bundle = /\(logs: (\S+)\)/.exec(line)?.[1] ?? '';
      expect((await readdir(bundle)).some((f) => f.startsWith('worker-2'))).toBe(true);
    } finally {
      expect((await ctr('/usr/bin/ctr.off', '/usr/bin/ctr')).exitCode).toBe(0);
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
