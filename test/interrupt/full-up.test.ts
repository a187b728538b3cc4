import { afterAll, describe, expect, it } from 'vitest';
import { haLab } from '../support/cli.js';
import { expectRemovedAfter, interruptUp } from '../support/interrupt-up.js';
import { NOTHING, leftovers } from '../support/leftovers.js';
import { testLabs } from '../support/test-labs.js';

/**
 * Ctrl-C and SIGTERM at every phase of a full `up` (the nodes-only phases are in the
 * integration suite): each lab is removed, the exit status names the signal, nothing stays.
 * Long phases are interrupted two seconds in, in the middle of their work (kubeadm init half
 * done, one master joined ...), the others as they start.
 */
const labs = await testLabs('interrupt-full');
const { env } = labs;

afterAll(() => labs.removeAll());

const MID_PHASE = new Set(['etcd', 'kubeadm-init', 'join', 'cluster-ready']);
const PHASES = [
  'pki',
  'keepalived',
  'pod-network',
  'etcd',
  'kubeadm-init',
  'join',
  'cluster-ready',
];

describe('interrupting a full `up`', () => {
  const cases = PHASES.map((phase, i) => ({
    phase,
    signal: i % 2 === 0 ? ('SIGINT' as const) : ('SIGTERM' as const),
    exitCode: i % 2 === 0 ? 130 : 143,
    delayMs: MID_PHASE.has(phase) ? 2000 : 0,
  }));

  it.each(cases)(
    'removes the half-made lab and exits $exitCode on $signal during $phase',
    async ({ phase, signal, exitCode, delayMs }) => {
      const lab = labs.newLab('int');
      const result = await interruptUp(lab, { phase, signal, env, delayMs, timeoutMs: 600_000 });
      await expectRemovedAfter(result, { lab, signal, exitCode }, labs.stateExists);
    },
  );

  it('keeps a lab interrupted in kubeadm init with --keep; `up` then refuses it and `down` removes it', async () => {
    const lab = labs.newLab('int');
    const result = await interruptUp(lab, {
      phase: 'kubeadm-init',
      signal: 'SIGINT',
      env,
      delayMs: 2000,
      extra: ['--keep'],
      timeoutMs: 600_000,
    });
    expect(result.exitCode, result.stderr).toBe(130);
    expect((await leftovers(lab)).containers).toBe(6);
    const again = await haLab(['up', '--name', lab, '--no-tui'], { env });
    expect(again.exitCode, again.stderr).toBe(2);
    expect(again.stderr).toMatch(/was left half-made .*ha-lab down --name/);
    const down = await haLab(['down', '--name', lab], { env, timeoutMs: 120_000 });
    expect(down.exitCode, down.stderr).toBe(0);
    expect(await leftovers(lab)).toEqual(NOTHING);
    expect(await labs.stateExists(lab)).toBe(false);
  });
});
