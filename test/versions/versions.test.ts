import { describe, expect, it } from 'vitest';
import { statusSchema } from '../../src/lab/status-schema.js';
import { haLab, testLabName } from '../support/cli.js';
import { downSuiteLab } from '../support/passing-scenario.js';

/**
 * `npm run test:versions`: every Kubernetes minor ha-lab offers brings a full lab up end to
 * end, once each, one lab at a time (built from Go modules and cached per version when the
 * cache lacks it: a cold minor is about 7 min of CPU on two cores). Each lab must be whole,
 * and every kubelet, asked through the API server behind the VIP, must run that version.
 */
const VERSIONS = [
  ['1.34', 'v1.34.4'],
  ['1.35', 'v1.35.4'],
  ['1.36', 'v1.36.3'],
] as const;

describe('every offered Kubernetes version, for real', () => {
  for (const [minor, patch] of VERSIONS) {
    it(`brings a whole ${minor} lab up and down`, async () => {
      const lab = testLabName(`v${minor.replace('.', '')}`);
      try {
        const up = await haLab(['up', '--name', lab, '--no-tui', '--kubernetes-version', minor], {
          timeoutMs: 1_800_000,
        });
        expect(up.exitCode, up.stderr).toBe(0);
        const status = await haLab(['status', '--name', lab, '--json'], { timeoutMs: 120_000 });
        expect(status.exitCode, status.stderr).toBe(0);
        const parsed = statusSchema.parse(JSON.parse(status.stdout));
        expect(parsed.kubernetesVersion).toBe(patch);
        expect(parsed.problems).toEqual([]);
        expect(parsed.healthy).toBe(true);
        const kubelets = await haLab(
          [
            'kubectl',
            '--name',
            lab,
            '--',
            'get',
            'nodes',
            '-o',
            'jsonpath={range .items[*]}{.status.nodeInfo.kubeletVersion}{"\\n"}{end}',
          ],
          { timeoutMs: 120_000 },
        );
        expect(kubelets.exitCode, kubelets.stderr).toBe(0);
        expect(kubelets.stdout.trim().split('\n')).toEqual(Array(6).fill(patch));
      } finally {
        await downSuiteLab(lab);
      }
    });
  }
});
