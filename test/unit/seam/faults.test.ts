import { describe, expect, it } from 'vitest';
import { containerName } from '../../../src/core/topology.js';
import { FAULTS } from '../../../src/chaos/faults/fault-kinds.js';
import { injectFault } from '../../../src/chaos/faults/inject.js';
import { readJournal } from '../../../src/chaos/faults/fault-journal.js';
import { heal } from '../../../src/chaos/heal.js';
import type { FaultRecord } from '../../../src/chaos/history.js';
import { fakeLab } from '../../support/fake-lab.js';

const M0 = containerName('fake-lab', 'master-0');

describe('every fault against the fake provider', () => {
  it.each([
    ['kill', 'exited', 'start'],
    ['stop', 'exited', 'start'],
    ['pause', 'paused', 'unpause'],
  ] as const)(
    '%s changes the power state, and its undo brings the node back',
    async (fault, during, undoAction) => {
      const { lab, provider } = await fakeLab();
      await FAULTS[fault]!.apply(lab, { fault, node: 'master-0' });
      expect(provider.machines.get(M0)?.state).toBe(during);
      expect(provider.calls).toContain(`power ${M0} ${fault}`);
      await FAULTS[fault]!.undo(lab, { fault, node: 'master-0' });
      expect(provider.calls.at(-1)).toBe(`power ${M0} ${undoAction}`);
      expect(provider.machines.get(M0)?.state).toBe('running');
      // Idempotent: a second undo on a running node changes nothing.
      const before = provider.calls.length;
      await FAULTS[fault]!.undo(lab, { fault, node: 'master-0' });
      expect(provider.calls.slice(before)).toEqual([`inspect ${M0}`]);
    },
  );

  it('restart goes through the provider and leaves the node running', async () => {
    const { lab, provider } = await fakeLab();
    await FAULTS.restart!.apply(lab, { fault: 'restart', node: 'master-1' });
    expect(provider.calls).toEqual([`power ${containerName('fake-lab', 'master-1')} restart`]);
    expect(provider.machines.get(containerName('fake-lab', 'master-1'))?.state).toBe('running');
  });

  it('partition uses the provider primitive with the lab subnet; its undo starts a stopped node first', async () => {
    const { lab, provider } = await fakeLab();
    await FAULTS.partition!.apply(lab, { fault: 'partition', node: 'master-0' });
    expect(provider.calls).toEqual([`partition master-0 ${lab.topology.subnet}`]);
    provider.machines.get(M0)!.state = 'exited';
    await FAULTS.partition!.undo(lab, { fault: 'partition', node: 'master-0' });
    expect(provider.calls.slice(1)).toEqual([
      `inspect ${M0}`,
      `power ${M0} start`,
      'heal-partition master-0',
    ]);
  });

  it('block-vrrp and its undo', async () => {
    const { lab, provider } = await fakeLab();
    await FAULTS['block-vrrp']!.apply(lab, { fault: 'block-vrrp', node: 'master-2' });
    await FAULTS['block-vrrp']!.undo(lab, { fault: 'block-vrrp', node: 'master-2' });
    expect(provider.calls.filter((c) => !c.startsWith('inspect'))).toEqual([
      'block-vrrp master-2',
      'unblock-vrrp master-2',
    ]);
  });

  it('service-stop parks the API server manifest, or stops the systemd unit; undo reverses it', async () => {
    const { lab, provider } = await fakeLab();
    await FAULTS['service-stop']!.apply(lab, {
      fault: 'service-stop',
      node: 'master-0',
      service: 'kube-apiserver',
    });
    await FAULTS['service-stop']!.apply(lab, {
      fault: 'service-stop',
      node: 'master-1',
      service: 'etcd',
    });
    await FAULTS['service-stop']!.undo(lab, {
      fault: 'service-stop',
      node: 'master-1',
      service: 'etcd',
    });
    const execs = provider.calls.filter((c) => c.startsWith('exec'));
    expect(execs[0]).toMatch(
      /^exec master-0 sh -ec mkdir -p .*ha-lab-parked && mv .*kube-apiserver\.yaml/,
    );
    expect(execs.slice(1)).toEqual([
      'exec master-1 systemctl stop etcd',
      'exec master-1 systemctl start etcd',
    ]);
  });

  it('service-kill SIGKILLs the unit, and a fault that needs a service refuses without one', async () => {
    const { lab, provider } = await fakeLab();
    await FAULTS['service-kill']!.apply(lab, {
      fault: 'service-kill',
      node: 'master-0',
      service: 'keepalived',
    });
    expect(provider.calls).toEqual(['exec master-0 systemctl kill --signal=SIGKILL keepalived']);
    await expect(
      FAULTS['service-kill']!.apply(lab, { fault: 'service-kill', node: 'master-0' }),
    ).rejects.toThrow(/needs a service/);
  });

  it('a failing command inside the node surfaces with the node and the command', async () => {
    const { lab, provider } = await fakeLab();
    provider.script = (_node, command) =>
      command[0] === 'systemctl'
        ? { exitCode: 5, stderr: 'Unit etcd.service not loaded.' }
        : undefined;
    await expect(
      FAULTS['service-stop']!.apply(lab, {
        fault: 'service-stop',
        node: 'master-0',
        service: 'etcd',
      }),
    ).rejects.toThrow(/master-0: `systemctl stop etcd` exited 5: Unit etcd.service not loaded/);
  });
});

describe('injectFault, the journal and heal against the fake provider', () => {
  it('journals before applying, records applied and undone, and undoes only once', async () => {
    const { lab, provider } = await fakeLab();
    const records: FaultRecord[] = [];
    const undo = await injectFault(
      lab,
      { id: 'k', runId: 'r1', fault: 'kill', node: 'master-0' },
      (r) => records.push(r),
    );
    expect((await readJournal(lab.stateDir)).map((e) => e.state)).toEqual(['applied']);
    await Promise.all([undo(), undo()]);
    expect(provider.calls.filter((c) => c === `power ${M0} start`)).toHaveLength(1);
    expect(records.map((r) => r.phase)).toEqual(['applied', 'undone']);
    expect((await readJournal(lab.stateDir)).map((e) => e.state)).toEqual(['undone']);
  });

  it('a failed undo is recorded, stays pending, and heal undoes it later', async () => {
    const { lab, provider } = await fakeLab();
    const records: FaultRecord[] = [];
    const undo = await injectFault(
      lab,
      { id: 'p', runId: 'r2', fault: 'pause', node: 'master-0' },
      (r) => records.push(r),
    );
    provider.failOn(/unpause/, () => new Error('engine said no'));
    await expect(undo()).rejects.toThrow('engine said no');
    expect(records.at(-1)).toMatchObject({ phase: 'undo-failed', message: 'engine said no' });
    expect(provider.machines.get(M0)?.state).toBe('paused');
    // The engine answers again (the failure was one-shot in the test's story): heal finishes it.
    (provider as unknown as { failures: unknown[] }).failures = [];
    const healed = await heal(lab);
    expect(healed).toEqual({ undone: ['pause on master-0'], failed: [] });
    expect(provider.machines.get(M0)?.state).toBe('running');
    expect(await readJournal(lab.stateDir)).toEqual([]);
  });

  it('heal after a run was killed: undoes every journalled fault, newest first, and reports failures', async () => {
    const { lab, provider } = await fakeLab();
    await injectFault(
      lab,
      { id: 'a', runId: 'r3', fault: 'kill', node: 'master-0' },
      () => undefined,
    );
    await injectFault(
      lab,
      { id: 'b', runId: 'r3', fault: 'block-vrrp', node: 'master-1' },
      () => undefined,
    );
    await injectFault(
      lab,
      { id: 'c', runId: 'r3', fault: 'stop', node: 'worker-0' },
      () => undefined,
    );
    provider.calls.length = 0;
    provider.failOn(/unblock-vrrp/);
    const healed = await heal(lab);
    expect(healed.undone).toEqual(['stop on worker-0', 'kill on master-0']);
    expect(healed.failed).toEqual(['block-vrrp on master-1']);
    const starts = provider.calls.filter((c) => c.startsWith('power'));
    expect(starts).toEqual([
      `power ${containerName('fake-lab', 'worker-0')} start`,
      `power ${M0} start`,
    ]);
    expect((await readJournal(lab.stateDir)).map((e) => [e.node, e.state])).toEqual([
      ['master-1', 'undo-failed'],
    ]);
  });
});
