import { describe, expect, it } from 'vitest';
import { RuntimeError, UsageError } from '../../../../src/core/errors.js';
import { downHost } from '../../../../src/lab/inventory/host-down.js';
import {
  HOST_LEDGER_PATH,
  addToLedger,
  emptyLedger,
  renderLedger,
} from '../../../../src/provision/host-ledger.js';
import {
  NodeCommandError,
  type ExecOptions,
  type ExecResult,
  type NodeRunner,
} from '../../../../src/runtime/node-runner.js';

/**
 * downHost over a scripted runner: the ledger read answers from `ledger`, the teardown and
 * the check from what the test says the host prints.
 */
interface Host {
  /** The ledger file's text; undefined when the host has none. */
  ledger?: string;
  teardown?: Partial<ExecResult>;
  check?: Partial<ExecResult>;
}

interface Call {
  command: string[];
  options: ExecOptions | undefined;
}

function fakeHost(host: Host): { runner: NodeRunner; calls: Call[] } {
  const calls: Call[] = [];
  const runner: NodeRunner = {
    node: 'master-1',
    exec: async (command, options) => {
      calls.push({ command, options });
      const done = (r: Partial<ExecResult> = {}): ExecResult => ({
        stdout: '',
        stderr: '',
        exitCode: 0,
        ...r,
      });
      if (command.includes(HOST_LEDGER_PATH)) {
        return host.ledger === undefined ? done({ exitCode: 3 }) : done({ stdout: host.ledger });
      }
      if (command.at(-1) === 'ha-lab-down') return done(host.teardown);
      if (command.at(-1) === 'ha-lab-check') return done(host.check);
      throw new Error(`unexpected command ${command.join(' ')}`);
    },
  };
  return { runner, calls };
}

const options = {
  vip: '10.1.2.200',
  vipPrefix: 24,
  vipInterface: 'eth0',
  signal: new AbortController().signal,
};
const ledger = addToLedger(emptyLedger('lab1'), { packages: ['containerd', 'runc'] });

describe('downHost', () => {
  it('tears the host down with the packages its ledger names, and reports each line the script printed', async () => {
    const { runner, calls } = fakeHost({
      ledger: renderLedger(ledger),
      teardown: { stdout: 'stopped kubelet.service\npurged package containerd\n\n' },
    });
    const result = await downHost(runner, options);
    expect(result).toEqual({
      host: 'master-1',
      removed: ['stopped kubelet.service', 'purged package containerd'],
      leftovers: [],
    });
    const teardown = calls.find((c) => c.command.at(-1) === 'ha-lab-down')!;
    expect(teardown.command.slice(0, 2)).toEqual(['bash', '-c']);
    expect(teardown.command[2]).toContain("PACKAGES=('containerd' 'runc')");
    expect(teardown.command[2]).toContain("VIP='10.1.2.200' VIP_PREFIX='24' VIP_IF='eth0'");
    // Every command is bounded and can be interrupted.
    for (const call of calls) {
      expect(call.options?.signal).toBe(options.signal);
      expect(call.options?.timeoutMs).toBeGreaterThan(0);
    }
    expect(calls.map((c) => c.command.at(-1))).toEqual([
      HOST_LEDGER_PATH,
      'ha-lab-down',
      'ha-lab-check',
    ]);
  });

  it('names what the check still finds', async () => {
    const { runner } = fakeHost({
      ledger: renderLedger(ledger),
      check: { stdout: 'leftover /etc/kubernetes\nleftover package runc\n' },
    });
    expect((await downHost(runner, options)).leftovers).toEqual([
      '/etc/kubernetes',
      'package runc',
    ]);
  });

  it('counts the rules the teardown kept as leftovers, once, and not as removed', async () => {
    const kept = 'leftover iptables-nft nat: 1 rules, 0 KUBE-/CNI- chains';
    const { runner } = fakeHost({
      ledger: renderLedger(ledger),
      teardown: { stdout: `removed /etc/kubernetes\n${kept}\n` },
      check: { stdout: `${kept}\n` },
    });
    expect(await downHost(runner, options)).toMatchObject({
      removed: ['removed /etc/kubernetes'],
      leftovers: ['iptables-nft nat: 1 rules, 0 KUBE-/CNI- chains'],
    });
  });

  it('leaves a host without a ledger alone: ha-lab never changed it, whatever it runs', async () => {
    const { runner, calls } = fakeHost({});
    const result = await downHost(runner, options);
    expect(result).toEqual({ host: 'master-1', removed: [], leftovers: [] });
    expect(calls).toHaveLength(1);
    expect(calls.find((c) => c.command.at(-1) === 'ha-lab-down')).toBeUndefined();
  });

  it('refuses a host another lab holds and touches nothing on it', async () => {
    const { runner, calls } = fakeHost({ ledger: renderLedger(ledger) });
    const refused = downHost(runner, { ...options, lab: 'other' });
    await expect(refused).rejects.toBeInstanceOf(UsageError);
    await expect(refused).rejects.toThrow(/holds ha-lab lab "lab1", not "other"/);
    expect(calls).toHaveLength(1);
  });

  it('goes ahead on its own lab', async () => {
    const { runner, calls } = fakeHost({ ledger: renderLedger(ledger) });
    await downHost(runner, { ...options, lab: 'lab1' });
    expect(calls).toHaveLength(3);
  });

  it('stops at a ledger it cannot read rather than forget the packages it names', async () => {
    const { runner, calls } = fakeHost({ ledger: '{"schemaVersion": 1, "lab": ' });
    await expect(downHost(runner, options)).rejects.toBeInstanceOf(RuntimeError);
    expect(calls).toHaveLength(1);
  });

  it('fails with the command error when the teardown itself fails', async () => {
    const { runner } = fakeHost({
      ledger: renderLedger(ledger),
      teardown: { exitCode: 137, stderr: 'Killed' },
    });
    await expect(downHost(runner, options)).rejects.toBeInstanceOf(NodeCommandError);
  });
});
