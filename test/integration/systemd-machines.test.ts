import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import Docker from 'dockerode';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HaLabError } from '../../src/core/errors.js';
import { run } from '../../src/runtime/node-runner.js';
import {
  connectSsh,
  HostKeyVerifier,
  SshRunner,
  type SshConnection,
} from '../../src/runtime/ssh/index.js';
import { startEngine } from '../support/engine.js';
import {
  startSystemdMachines,
  waitForMachine,
  type SystemdMachine,
  type SystemdMachines,
} from '../support/systemd-machines.js';

/**
 * The "plain Debian VMs" the SSH inventory e2e runs ha-lab on: systemd containers reached
 * only over SSH as `lab`, with nothing of ha-lab inside, that come back from a power cycle
 * (engine kill + start) like a VM: booted, same host key, same address, disk kept.
 */
const engine = new Docker();
const BOOTED = ['running', 'degraded'];
/** What ha-lab installs itself: none of it may be on a fresh machine. */
const HA_LAB_PROGRAMS = [
  'containerd',
  'runc',
  'kubelet',
  'kubeadm',
  'kubectl',
  'etcd',
  'keepalived',
];

let lab: SystemdMachines;
const open: SshConnection[] = [];
/** A volume as an interrupted earlier run of the same prefix left it (its process is gone). */
let deadRunVolume: string;

async function login(machine: SystemdMachine): Promise<SshRunner> {
  const hostKeys = new HostKeyVerifier({ knownHostsFile: lab.knownHostsFile, acceptNew: false });
  const connection = await connectSsh(
    {
      name: machine.name,
      address: machine.ip,
      port: 22,
      user: machine.user,
      identityFile: machine.keyFile,
    },
    { hostKeys, timeoutMs: 5_000 },
  );
  open.push(connection);
  return new SshRunner(connection, machine.name);
}

/** Runs a power argv as the operator would, with DOCKER_HOST in this process pointing nowhere. */
async function power(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  await execa(command!, args, {
    env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' },
    timeout: 60_000,
  });
}

async function labelled(label: string) {
  const filters = { label: [label] };
  return {
    containers: (await engine.listContainers({ all: true, filters })).length,
    networks: (await engine.listNetworks({ filters })).length,
    volumes: ((await engine.listVolumes({ filters })).Volumes ?? []).length,
  };
}

describe('systemd machines: plain Debian VMs reached over SSH', () => {
  beforeAll(async () => {
    await startEngine();
    const gone = Number((await execa('sh', ['-c', 'echo $$'])).stdout);
    deadRunVolume = `sdm-dead-${gone}`;
    await engine.createVolume({
      Name: deadRunVolume,
      Labels: {
        'io.ha-lab.test-prefix': 'sdm',
        'io.ha-lab.test-run': deadRunVolume,
        'io.ha-lab.test-pid': String(gone),
      },
    });
    lab = await startSystemdMachines({ prefix: 'sdm', count: 2 });
    console.log(`2 machines booted and answered over SSH in ${lab.bootMs} ms`);
  });

  afterAll(async () => {
    for (const connection of open) connection.close();
    await lab?.cleanup();
    await engine
      .getVolume(deadRunVolume)
      .remove()
      .catch(() => undefined);
  });

  it('removes what an interrupted earlier run of the same prefix left', async () => {
    const left = await engine.listVolumes({ filters: { name: [deadRunVolume] } });
    expect(left.Volumes ?? []).toEqual([]);
  });

  it('boots every machine with systemd as PID 1 to running or degraded', async () => {
    for (const machine of lab.machines) {
      const runner = await login(machine);
      expect((await run(runner, ['ps', '-o', 'comm=', '-p', '1'])).trim()).toBe('systemd');
      const state = await runner.exec(['systemctl', 'is-system-running']);
      expect(BOOTED).toContain(state.stdout.trim());
      expect((await run(runner, ['systemctl', 'is-active', 'ssh.service'])).trim()).toBe('active');
    }
  });

  it('lets lab log in with the generated key and run sudo -n without a password', async () => {
    const [machine] = lab.machines;
    expect((await stat(machine!.keyFile)).mode & 0o777).toBe(0o600);
    expect((await stat(dirname(machine!.keyFile))).mode & 0o777).toBe(0o700);
    const runner = await login(machine!);
    expect((await runner.connection.exec('id -un')).stdout.trim()).toBe('lab');
    expect(await runner.connection.exec('sudo -n true')).toMatchObject({ exitCode: 0 });
    expect((await run(runner, ['id', '-u'])).trim()).toBe('0');
  });

  it('has nothing of ha-lab: no containerd, kubelet or etcd, no /etc/ha-lab, no forwarding', async () => {
    for (const machine of lab.machines) {
      const runner = await login(machine);
      const found = await runner.exec([
        'sh',
        '-c',
        'for p in "$@"; do command -v "$p"; done; ls -d /etc/ha-lab /usr/local/bin/kube* 2>/dev/null; true',
        'sh',
        ...HA_LAB_PROGRAMS,
      ]);
      expect(found).toEqual({ stdout: '', stderr: '', exitCode: 0 });
      expect((await runner.exec(['dpkg', '-s', 'containerd'])).exitCode).not.toBe(0);
      // A fresh VM's kernel forwards nothing: turning it on is ha-lab's preparation to do.
      expect((await run(runner, ['cat', '/proc/sys/net/ipv4/ip_forward'])).trim()).toBe('0');
    }
  });

  it('powers off (SSH unreachable) and on again with the same host key, address and disk', async () => {
    const [machine, other] = lab.machines as [SystemdMachine, SystemdMachine];
    const marker = randomBytes(16).toString('hex');
    await run(await login(machine), ['sh', '-c', `echo ${marker} > /var/lib/power-marker && sync`]);

    await power(machine.powerOff);
    expect((await engine.getContainer(machine.container).inspect()).State.Running).toBe(false);
    const refused: unknown = await login(machine).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(HaLabError);
    // The other machine is a separate VM: its power is untouched.
    expect((await run(await login(other), ['true'])).trim()).toBe('');

    await power(machine.powerOn);
    await waitForMachine(machine, lab.knownHostsFile, { timeoutMs: 120_000 });
    // The login checked the host key against known_hosts and accepts no new one; say so plainly.
    const hostKey = await run(await login(machine), ['cat', '/etc/ssh/ssh_host_ed25519_key.pub']);
    expect(`${machine.ip} ${hostKey.trim().split(/\s+/).slice(0, 2).join(' ')}`).toBe(
      machine.hostKeyLine,
    );
    const runner = await login(machine);
    expect((await run(runner, ['cat', '/var/lib/power-marker'])).trim()).toBe(marker);
    expect(await run(runner, ['ip', '-4', '-o', 'addr', 'show', 'eth0'])).toContain(
      ` ${machine.ip}/24 `,
    );
    expect(BOOTED).toContain((await runner.exec(['systemctl', 'is-system-running'])).stdout.trim());
  });

  it('cleanup removes every labelled container, network and volume, also when called twice', async () => {
    const runLabel = `io.ha-lab.test-run=${lab.labels['io.ha-lab.test-run']}`;
    expect((await labelled(runLabel)).volumes).toBeGreaterThan(0);
    for (const connection of open.splice(0)) connection.close();
    await lab.cleanup();
    await lab.cleanup();
    expect(await labelled(runLabel)).toEqual({ containers: 0, networks: 0, volumes: 0 });
    await expect(stat(lab.knownHostsFile)).rejects.toThrow();
  });
});
