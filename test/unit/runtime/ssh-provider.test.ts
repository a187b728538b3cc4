import { describe, expect, it } from 'vitest';
import { HaLabError, UsageError } from '../../../src/core/errors.js';
import { LABEL_LAB, LABEL_ROLE } from '../../../src/core/topology.js';
import { partition } from '../../../src/runtime/network-faults.js';
import type { ExecResult, NodeRunner } from '../../../src/runtime/node-runner.js';
import type { MachineEvent, Provider } from '../../../src/runtime/provider.js';
import { LAB, fakeHostsLab, inspectOutput, machineOf } from '../../support/fake-ssh-hosts.js';

const M0 = machineOf('master-0');
const isInspect = (line: string) => line.includes('containerd=%s');

async function refusal(work: () => Promise<unknown>): Promise<HaLabError> {
  const error = await work().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  return error as HaLabError;
}

describe('SSH provider machines', () => {
  it('lists the machines whose labels match, in the state each host reports', async () => {
    const lab = fakeHostsLab();
    lab.host('master-0').script = (l) =>
      isInspect(l) ? inspectOutput('active', 'SSS') : undefined;
    lab.host('master-1').script = (l) =>
      isInspect(l) ? inspectOutput('active', 'TTS') : undefined;
    lab.host('worker-0').answering = false;
    const all = await lab.provider.listMachines({ [LABEL_LAB]: LAB });
    expect(all.map((m) => [m.name, m.state])).toEqual([
      [M0, 'running'],
      [machineOf('master-1'), 'paused'],
      [machineOf('worker-0'), 'exited'],
    ]);
    const masters = await lab.provider.listMachines({ [LABEL_ROLE]: 'master' });
    expect(masters.map((m) => m.name)).toEqual([M0, machineOf('master-1')]);
    expect(await lab.provider.listMachines({ [LABEL_LAB]: 'other-lab' })).toEqual([]);
  });

  it('reports a host whose containerd is not active as not running, and an unknown name as undefined', async () => {
    const lab = fakeHostsLab();
    lab.host('master-0').script = (l) => (isInspect(l) ? inspectOutput('inactive') : undefined);
    expect(await lab.provider.inspectMachine(M0)).toMatchObject({
      running: false,
      paused: false,
      pid: undefined,
      details: { reachable: true, containerd: 'inactive', powerMethod: 'service-signals' },
    });
    expect(await lab.provider.inspectMachine('halab-nope-master-0')).toBeUndefined();
  });

  it('keeps one connection per host, and a runner taken before the connection dropped works after', async () => {
    const lab = fakeHostsLab();
    const host = lab.host('master-0');
    host.script = (line) => (line === 'sudo -n -- id -u' ? { stdout: '0\n' } : undefined);
    const runner = lab.provider.runner('master-0', M0);
    expect((await runner.exec(['id', '-u'])).stdout).toBe('0\n');
    await lab.provider.kernelAddresses(M0);
    expect(host.connects).toBe(1);
    host.lose();
    expect((await runner.exec(['id', '-u'])).stdout).toBe('0\n');
    expect(host.connects).toBe(2);
  });

  it('reads the addresses on the inventory interface, and undefined from a host that does not answer', async () => {
    const lab = fakeHostsLab();
    lab.host('master-0').script = (line) =>
      line === 'sudo -n -- ip -4 -o addr show dev ens3'
        ? {
            stdout:
              '2: ens3    inet 10.0.0.10/24 brd 10.0.0.255 scope global ens3\\       valid_lft forever\n' +
              '2: ens3    inet 10.0.0.100/24 scope global secondary ens3\\       valid_lft forever\n',
          }
        : undefined;
    expect(await lab.provider.kernelAddresses(M0)).toEqual(['10.0.0.10', '10.0.0.100']);
    lab.host('master-1').answering = false;
    expect(await lab.provider.kernelAddresses(machineOf('master-1'))).toBeUndefined();
  });

  it('streams a command as root on the kept connection, and close ends it', async () => {
    const lab = fakeHostsLab();
    const seen: string[] = [];
    const stream = await lab.provider.streamLines(M0, ['ip', '-o', 'monitor', 'address'], (l) =>
      seen.push(l),
    );
    const [opened] = lab.host('master-0').streams;
    expect(opened?.line).toBe('sudo -n -- ip -o monitor address');
    opened?.onLine('3: ens3 inet 10.0.0.100/24 scope global secondary ens3');
    expect(seen).toEqual(['3: ens3 inet 10.0.0.100/24 scope global secondary ens3']);
    stream.close();
    await stream.ended;
  });

  it('fails ping with the first unreachable host in inventory order, in one line', async () => {
    const lab = fakeHostsLab();
    lab.host('master-1').answering = false;
    lab.host('worker-0').answering = false;
    const error = await lab.provider.ping(1_000).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      'master-1 (10.0.0.11:22) is unreachable: connection refused',
    );
    // Every host was tried, and the reachable one is kept for later.
    expect([...lab.hosts.values()].map((h) => h.connects)).toEqual([1, 1, 1]);
    await lab.provider.runner('master-0', M0).exec(['true']);
    expect(lab.host('master-0').connects).toBe(1);
  });

  it('closes every connection and ends every watch on dispose', async () => {
    const lab = fakeHostsLab();
    await lab.provider.ping();
    const watch = await lab.provider.watchEvents({}, () => undefined);
    lab.provider.dispose();
    await watch.ended;
    expect([...lab.hosts.values()].map((h) => h.closes)).toEqual([1, 1, 1]);
  });
});

describe('SSH provider events', () => {
  it('tells each power action to the watchers whose labels the machine carries, until they close', async () => {
    const lab = fakeHostsLab();
    const ofMaster0: MachineEvent[] = [];
    const ofWorkers: MachineEvent[] = [];
    const watch = await lab.provider.watchEvents({ 'io.ha-lab.node': 'master-0' }, (e) =>
      ofMaster0.push(e),
    );
    await lab.provider.watchEvents({ [LABEL_ROLE]: 'worker' }, (e) => ofWorkers.push(e));
    await lab.provider.power(M0, 'pause');
    await lab.provider.power(M0, 'unpause');
    watch.close();
    await watch.ended;
    await lab.provider.power(M0, 'kill');
    expect(ofMaster0.map((e) => `${e.action} ${e.name}`)).toEqual([`pause ${M0}`, `unpause ${M0}`]);
    expect(ofMaster0[0]?.labels[LABEL_ROLE]).toBe('master');
    expect(ofWorkers).toEqual([]);
  });
});

describe('SSH provider partition', () => {
  it("exempts ha-lab's own SSH session, ahead of the drops, with the partition's tag", async () => {
    const lab = fakeHostsLab();
    const host = lab.host('master-0');
    host.script = (line) =>
      line === 'printf %s "$SSH_CONNECTION"'
        ? { stdout: '10.0.0.1 51234 10.0.0.10 2222' }
        : undefined;
    await lab.provider.partition(lab.provider.runner('master-0', M0), '10.0.0.0/24');
    const script = host.lines.at(-1)!;
    const accept =
      'iptables -I INPUT 1 -s 10.0.0.1 -d 10.0.0.10 -p tcp --dport 2222 -m comment --comment ha-lab-partition -j ACCEPT';
    expect(script).toContain(accept);
    expect(script).toContain(
      'iptables -I OUTPUT 1 -s 10.0.0.10 -d 10.0.0.1 -p tcp --sport 2222 -m comment --comment ha-lab-partition -j ACCEPT',
    );
    expect(script.indexOf(accept)).toBeLessThan(script.indexOf('-j DROP'));
    expect(script).toContain('iptables -I INPUT 2 -s 10.0.0.0/24');
    // ARP only between the host's address and the next hop towards the operator.
    expect(script).toContain('host=10.0.0.10\n');
    expect(script).toContain(`arptables -I OUTPUT -s "$host" -d "$hop" -j ACCEPT`);
  });

  it('refuses to partition when it cannot tell the session, rather than cut the host off', async () => {
    const lab = fakeHostsLab();
    const error = await lab.provider
      .partition(lab.provider.runner('master-0', M0), '10.0.0.0/24')
      .catch((e: unknown) => e);
    expect((error as HaLabError).code).toBe('partition-unsafe');
    expect(lab.host('master-0').lines.some((l) => l.includes('iptables'))).toBe(false);
  });

  it('leaves the Docker partition as it was: drops first in both chains, no exemption', async () => {
    const commands: string[][] = [];
    const runner: NodeRunner = {
      node: 'master-0',
      exec: async (command): Promise<ExecResult> => {
        commands.push(command);
        return { stdout: '', stderr: '', exitCode: 0 };
      },
    };
    await partition(runner, '172.30.0.0/24');
    expect(commands).toEqual([
      [
        'sh',
        '-ec',
        `iptables -I INPUT 1 -s 172.30.0.0/24 -m comment --comment ha-lab-partition -j DROP
iptables -I OUTPUT 1 -d 172.30.0.0/24 -m comment --comment ha-lab-partition -j DROP
arptables -A INPUT -j DROP
arptables -A OUTPUT -j DROP`,
      ],
    ]);
  });
});

describe('SSH provider refusals', () => {
  const lab = fakeHostsLab();
  const p: Provider = lab.provider;
  it.each([
    ['createMachine', () => p.createMachine({} as never)],
    ['removeMachine', () => p.removeMachine(M0)],
    ['createInternalNetwork', () => p.createInternalNetwork({} as never)],
    ['removeNetwork', () => p.removeNetwork('n')],
    ['removeVolume', () => p.removeVolume('v')],
    ['engineInfo', () => p.engineInfo()],
    ['privilegedWorks', () => p.privilegedWorks('image')],
    ['internalNetworkHasDefaultRoute', () => p.internalNetworkHasDefaultRoute('i', {}, 's')],
    ['ensureForwarder', () => p.ensureForwarder({} as never)],
    ['images.build', () => p.images.build({} as never)],
    ['images.id', () => p.images.id('tag')],
    ['snapshots.capture', () => p.snapshots.capture(M0, 't', {}, 'i')],
    ['snapshots.list', () => p.snapshots.list({})],
    ['seeds.ensure', () => p.seeds.ensure('i', 'master', 'privileged')],
  ])('%s exits 2 with one line saying it is not on an inventory lab', async (_name, work) => {
    const error = await refusal(work);
    expect(error.code).toBe('not-on-inventory');
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/ is not available on an inventory lab .*: \S/);
    expect(error.message).not.toContain('\n');
  });

  it('finds no networks or volumes of its own on the hosts', async () => {
    expect(await p.listNetworks()).toEqual([]);
    expect(await p.listVolumes({})).toEqual([]);
    expect(await p.inspectNetwork('any')).toBeUndefined();
    expect(p.kind).toBe('ssh');
    expect(p.address).toBe('/tmp/lab.yaml');
  });
});
