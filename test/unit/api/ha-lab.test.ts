import { stat } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { HaLab, type HistoryEntry, UsageError, loadScenario } from '../../../src/api/index.js';
import { containerName } from '../../../src/core/topology.js';
import { fakeApiLab } from '../../support/fake-api-lab.js';

const LAB = 'api-lab';
const M0 = containerName(LAB, 'master-0');
let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function attached() {
  const fake = await fakeApiLab(LAB);
  cleanup = fake.cleanup;
  const lab = await HaLab.attach(LAB, { provider: fake.provider });
  return { ...fake, lab };
}

describe('HaLab against the fake provider', () => {
  it('attach to a lab that does not exist fails with the CLI message and exit 2', async () => {
    const { provider } = await attached();
    const error = await HaLab.attach('nothing-here', { provider }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toMatchObject({
      code: 'no-such-lab',
      exitCode: 2,
      message: 'lab "nothing-here" does not exist: start it with `ha-lab up --name nothing-here`',
    });
  });

  it('attach pings the provider and is not the owner', async () => {
    const { lab, provider } = await attached();
    expect(provider.calls[0]).toBe('ping');
    expect(lab.owned).toBe(false);
    expect(lab.name).toBe(LAB);
  });

  it('kubeconfig() reads the private file the lab wrote', async () => {
    const { lab } = await attached();
    expect(await lab.kubeconfig()).toContain('current-context: admin');
    expect((await stat(await lab.kubeconfigPath())).mode & 0o777).toBe(0o600);
  });

  it('inject kill master-0 kills the machine, and undo() starts it again', async () => {
    const { lab, provider } = await attached();
    const fault = await lab.inject('kill', 'master-0');
    expect(fault.nodes).toEqual(['master-0']);
    expect(provider.machines.get(M0)?.state).toBe('exited');
    expect(provider.calls).toContain(`power ${M0} kill`);
    await fault.undo();
    expect(provider.machines.get(M0)?.state).toBe('running');
    expect(provider.calls.at(-1)).toBe(`power ${M0} start`);
  });

  it('all-masters resolves to the three masters; one undo takes back all three', async () => {
    const { lab, provider } = await attached();
    const fault = await lab.inject('pause', 'all-masters');
    expect(fault.nodes).toEqual(['master-0', 'master-1', 'master-2']);
    expect([...provider.machines.values()].filter((m) => m.state === 'paused')).toHaveLength(3);
    await fault[Symbol.asyncDispose]();
    expect([...provider.machines.values()].every((m) => m.state === 'running')).toBe(true);
  });

  it('rejects an unknown fault, target or a missing service before touching a machine', async () => {
    const { lab, provider } = await attached();
    const calls = provider.calls.length;
    for (const attempt of [
      () => lab.inject('melt' as never, 'master-0'),
      () => lab.inject('kill', 'master-9' as never),
      () => lab.inject('service-stop', 'master-0'),
      () => lab.inject('kill', 'master-0', { service: 'etcd' }),
    ])
      await expect(attempt()).rejects.toBeInstanceOf(UsageError);
    expect(provider.calls.slice(calls).filter((c) => c.startsWith('power'))).toEqual([]);
  });

  it('events() delivers each fault record as it is recorded, and ends on abort', async () => {
    const { lab } = await attached();
    const controller = new AbortController();
    const seen: HistoryEntry[] = [];
    const reading = (async () => {
      for await (const entry of lab.events({ signal: controller.signal })) seen.push(entry);
    })();
    const fault = await lab.inject('stop', 'worker-1');
    await fault.undo();
    await new Promise((r) => setTimeout(r, 10));
    controller.abort();
    await reading;
    expect(seen.map((e) => e.type === 'fault' && `${e.fault} ${e.target} ${e.phase}`)).toEqual([
      'stop worker-1 applied',
      'stop worker-1 undone',
    ]);
  });

  it('disposing an attached lab undoes its faults and leaves the machines', async () => {
    const { lab, provider } = await attached();
    await lab.inject('kill', 'master-0');
    const events = lab.events();
    await lab[Symbol.asyncDispose]();
    expect(provider.machines.get(M0)?.state).toBe('running');
    expect(provider.machines.size).toBe(6);
    const drained: HistoryEntry[] = [];
    for await (const entry of events) drained.push(entry);
    expect(drained.map((e) => e.type === 'fault' && e.phase)).toEqual(['undone']);
  });

  it('down() undoes open faults, removes every machine and the network, and ends events()', async () => {
    const { lab, provider } = await attached();
    await lab.inject('pause', 'master-1');
    const events = lab.events();
    const removed = await lab.down();
    expect(removed.containers).toBe(6);
    expect(provider.machines.size).toBe(0);
    expect(provider.networks.size).toBe(0);
    expect(provider.calls.indexOf(`power ${containerName(LAB, 'master-1')} unpause`)).toBeLessThan(
      provider.calls.findIndex((c) => c.startsWith('remove')),
    );
    expect((await events.next()).done).toBe(false);
    expect((await events.next()).done).toBe(true);
  });

  it('runScenario validates input with the CLI rules before it opens the lab', async () => {
    const { lab, provider } = await attached();
    const calls = provider.calls.length;
    await expect(lab.runScenario('no-such-scenario')).rejects.toMatchObject({
      code: 'unknown-scenario',
      exitCode: 2,
    });
    await expect(lab.runScenario('kill-master0', { repeat: 0 })).rejects.toMatchObject({
      code: 'invalid-repeat',
    });
    await expect(lab.runScenario({ name: 'x', steps: 'none' })).rejects.toMatchObject({
      code: 'invalid-scenario',
    });
    expect(provider.calls.length).toBe(calls);
  });
});

describe('loadScenario', () => {
  it('takes a built-in name, the loaded scenario again, or the YAML-shaped object', async () => {
    const byName = await loadScenario('kill-master0');
    expect(await loadScenario(byName)).toEqual(byName);
    const fromObject = await loadScenario({
      name: 'api-kill',
      description: 'kill master-0 from an object',
      steps: [
        { settle: '2s' },
        { fault: 'kill', target: 'master-0' },
        { observe: '5s' },
        { restore: 'all' },
      ],
    });
    expect(fromObject.name).toBe('api-kill');
    expect(fromObject.steps.map((s) => s.kind)).toEqual(['settle', 'fault', 'observe', 'restore']);
  });
});
