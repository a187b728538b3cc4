import { afterAll, describe, expect, it } from 'vitest';
import { expectRemovedAfter, interruptUp } from '../support/interrupt-up.js';
import { leftovers } from '../support/leftovers.js';
import { testLabs } from '../support/test-labs.js';

/**
 * Ctrl-C and SIGTERM during `up --nodes-only`, delivered the moment a phase's "started" line
 * appears: the lab is removed and the exit status says which signal, or with --keep the
 * half-made lab stays for debugging.
 */
const labs = await testLabs('interrupt');
const { env } = labs;

afterAll(() => labs.removeAll());

describe('interrupting `up --nodes-only`', () => {
  const cases = ['artifacts', 'network', 'nodes', 'systemd'].flatMap((phase) => [
    { phase, signal: 'SIGINT' as const, exitCode: 130 },
    { phase, signal: 'SIGTERM' as const, exitCode: 143 },
  ]);

  it.each(cases)(
    'removes the half-made lab and exits $exitCode on $signal during $phase',
    async ({ phase, signal, exitCode }) => {
      const lab = labs.newLab('it');
      const result = await interruptUp(lab, { phase, signal, env, extra: ['--nodes-only'] });
      await expectRemovedAfter(result, { lab, signal, exitCode }, labs.stateExists);
    },
  );

  it.each([
    { phase: 'nodes', signal: 'SIGINT' as const, exitCode: 130 },
    { phase: 'systemd', signal: 'SIGTERM' as const, exitCode: 143 },
  ])(
    'keeps the half-made lab with --keep on $signal during $phase',
    async ({ phase, signal, exitCode }) => {
      const lab = labs.newLab('it');
      const result = await interruptUp(lab, {
        phase,
        signal,
        env,
        extra: ['--nodes-only', '--keep'],
      });
      expect(result.sent, result.stderr).toBe(true);
      expect(result.exitCode, result.stderr).toBe(exitCode);
      expect(result.stderr).toContain(`ha-lab down --name ${lab}`);
      const left = await leftovers(lab);
      expect(left.networks).toBe(1);
      expect(left.containers).toBeGreaterThan(0);
      expect(await labs.stateExists(lab, 'state.json')).toBe(true);
    },
  );
});
