import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { utils } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../src/core/wait.js';
import { ensureHostPackages } from '../../src/lab/inventory/index.js';
import type { MachineEvent } from '../../src/runtime/provider.js';
import {
  fileSha256,
  HostKeyVerifier,
  type HostRunner,
  SshProvider,
  type SshMachine,
  uploadFile,
} from '../../src/runtime/ssh/index.js';
import {
  createBridgeNetwork,
  ensureMachineImage,
  inMachine,
  leftoversByLabel,
  machineRun,
  removeByLabel,
  startMachine,
  waitForPort,
} from '../support/machines.js';

/**
 * The SSH provider against a real sshd machine, logged in as the sudo user `lab`, with the
 * test process as the operator on the machine's subnet (the bridge gateway), as in the e2e.
 * The machine runs no systemd: a stand-in systemctl says containerd is active and knows no
 * unit, so "running" means "answers SSH", and the service-signal scripts reach only the
 * processes they find by name (a containerd shim started by the test).
 */
const { run: RUN, filter: RUN_LABEL, labels: LABELS } = machineRun('sshprov');
const NODE_LABELS = { ...LABELS, 'io.ha-lab.lab': RUN, 'io.ha-lab.node': 'master-0' };
const STAND_IN_SYSTEMCTL = `#!/bin/sh
case "$1" in is-active) echo active ;; esac
exit 0
`;

let dir: string;
let machine: { name: string; ip: string };
let network: { name: string; subnet: string; prefix: string };
/** The machine as the inventory gives it without power commands, and with them. */
let plain: SshMachine;
let spec: SshMachine;
let provider: SshProvider;
const signal = new AbortController().signal;

const runner = () => provider.runner('master-0', machine.name) as HostRunner;
const iptablesRules = () =>
  inMachine(
    machine.name,
    "iptables -S | grep -c ha-lab || true; arptables -L | grep -c -- '-j ' || true",
  );

describe('SshProvider against a real sshd machine', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ha-lab-sshprov-'));
    const image = await ensureMachineImage();
    network = await createBridgeNetwork(`ha-lab-test-${RUN}`, LABELS);
    machine = await startMachine(image, `ha-lab-test-${RUN}-m0`, network.name, LABELS, {
      capAdd: ['NET_ADMIN'],
    });
    const key = utils.generateKeyPairSync('ed25519');
    await writeFile(join(dir, 'id_ed25519'), key.private, { mode: 0o600 });
    await inMachine(
      machine.name,
      'cat > /home/lab/.ssh/authorized_keys; chown lab: /home/lab/.ssh/authorized_keys; chmod 600 /home/lab/.ssh/authorized_keys',
      key.public,
    );
    await inMachine(
      machine.name,
      'cat > /usr/local/bin/systemctl; chmod 755 /usr/local/bin/systemctl',
      STAND_IN_SYSTEMCTL,
    );
    plain = {
      machine: machine.name,
      node: 'master-0',
      target: {
        name: 'm0',
        address: machine.ip,
        port: 22,
        user: 'lab',
        identityFile: join(dir, 'id_ed25519'),
      },
      labels: NODE_LABELS,
      interface: 'eth0',
    };
    spec = {
      ...plain,
      powerOff: ['docker', 'kill', machine.name],
      powerOn: ['docker', 'start', machine.name],
    };
    provider = new SshProvider({
      address: join(dir, 'lab.yaml'),
      machines: [spec],
      hostKeys: new HostKeyVerifier({
        knownHostsFile: join(dir, 'known_hosts'),
        pinFile: join(dir, 'host-keys.json'),
        acceptNew: true,
      }),
      signal,
    });
    await provider.ping();
  });

  afterAll(async () => {
    provider?.dispose();
    await removeByLabel(RUN_LABEL);
    if (dir) await rm(dir, { recursive: true, force: true });
    expect(await leftoversByLabel(RUN_LABEL)).toEqual({ containers: 0, networks: 0 });
  });

  it('runs commands as root through sudo', async () => {
    expect((await runner().exec(['id', '-u'])).stdout.trim()).toBe('0');
  });

  it('copies a file into a directory with its mode', async () => {
    const local = join(dir, 'archive.tar');
    await writeFile(local, randomBytes(64 * 1024));
    await chmod(local, 0o640);
    await provider.copyIn(machine.name, local, '/var/tmp/ha-lab-test');
    expect(
      await inMachine(
        machine.name,
        'cd /var/tmp/ha-lab-test && sha256sum archive.tar && stat -c "%a %U" archive.tar',
      ),
    ).toBe(`${await fileSha256(local)}  archive.tar\n640 root`);
  });

  it("reads the machine's address on its interface", async () => {
    expect(await provider.kernelAddresses(machine.name)).toEqual([machine.ip]);
  });

  it('streams `ip monitor address` lines as an address is added, until closed', async () => {
    const lines: string[] = [];
    const extra = `${network.prefix}.200`;
    const stream = await provider.streamLines(
      machine.name,
      ['ip', '-o', '-4', 'monitor', 'address'],
      (line) => lines.push(line),
    );
    try {
      // The monitor may subscribe a moment after the channel opens: add until it is seen.
      await waitFor(
        async () => {
          await inMachine(machine.name, `ip addr replace ${extra}/24 dev eth0`);
          return lines.some((l) => l.includes(` ${extra}/24`)) ? true : undefined;
        },
        { what: `a monitor line for ${extra}`, timeoutMs: 10_000, intervalMs: 300 },
      );
    } finally {
      stream.close();
      await inMachine(machine.name, `ip addr del ${extra}/24 dev eth0 || true`);
    }
    await stream.ended;
    expect(await inMachine(machine.name, 'pgrep -x ip || true')).toBe('');
  });

  it('partitions the machine without cutting its SSH session, and the heal removes its rules and only those', async () => {
    // iptables and arptables, as ha-lab puts them on a host: from the operator's deb cache.
    const session = await runner().current();
    await ensureHostPackages(
      {
        runner: session,
        usesSudo: session.usesSudo,
        upload: (local, remote, options) => uploadFile(session, local, remote, options),
        close: () => undefined,
      },
      'worker',
      { signal },
    );
    const gateway = `${network.prefix}.1`;
    const pingGateway = `ping -c1 -W1 ${gateway} >/dev/null 2>&1 && echo reached || echo cut`;
    expect(await inMachine(machine.name, pingGateway)).toBe('reached');
    // A rule of the host's own, which the heal must leave where it was.
    await inMachine(machine.name, 'arptables -A INPUT -s 10.9.9.9 -j ACCEPT');
    await provider.partition(runner(), network.subnet);
    try {
      expect(await inMachine(machine.name, pingGateway)).toBe('cut');
      // The kept session answers, and so does a new connection from the operator.
      expect((await runner().exec(['id', '-u'], { timeoutMs: 10_000 })).stdout.trim()).toBe('0');
      // With the ARP cache emptied, the host must resolve the operator through the exemption.
      await inMachine(machine.name, 'ip neigh flush all');
      expect((await runner().exec(['true'], { timeoutMs: 10_000 })).exitCode).toBe(0);
      await waitForPort(machine.ip, 22, 5_000);
    } finally {
      await provider.healPartition(runner());
    }
    const left = await inMachine(machine.name, "arptables -S | grep '^-A' || true");
    const lines = left.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^-A INPUT .*-s 10\.9\.9\.9.*-j ACCEPT|^-A INPUT .*-j ACCEPT.*-s 10\.9\.9\.9/,
    );
    await inMachine(machine.name, 'arptables -D INPUT -s 10.9.9.9 -j ACCEPT');
    expect(await iptablesRules()).toBe('0\n0');
    expect(await inMachine(machine.name, pingGateway)).toBe('reached');
  });

  it('pauses, unpauses and kills the lab processes by signals on a host without power commands', async () => {
    const signals = new SshProvider({
      address: join(dir, 'lab.yaml'),
      machines: [plain],
      hostKeys: new HostKeyVerifier({
        knownHostsFile: join(dir, 'known_hosts'),
        pinFile: join(dir, 'host-keys.json'),
        acceptNew: false,
      }),
    });
    try {
      await inMachine(machine.name, 'cp /bin/sleep /usr/local/bin/containerd-shim-runc-v2');
      await inMachine(machine.name, 'setsid containerd-shim-runc-v2 600 >/dev/null 2>&1 &');
      const pid = await inMachine(machine.name, "pgrep '^containerd-shim'");
      const state = () => inMachine(machine.name, `ps -o stat= -p ${pid} | cut -c1 || true`);
      expect(signals.powerMethod(machine.name)).toBe('service-signals');
      await signals.power(machine.name, 'pause');
      expect(await state()).toBe('T');
      expect(await signals.inspectMachine(machine.name)).toMatchObject({
        running: true,
        paused: true,
      });
      await signals.power(machine.name, 'unpause');
      expect(await state()).toBe('S');
      await signals.power(machine.name, 'kill');
      await waitFor(
        async () =>
          (await inMachine(machine.name, "pgrep '^containerd-shim' || true")) === '' || undefined,
        { what: 'the killed shim to be gone', timeoutMs: 5_000, intervalMs: 200 },
      );
    } finally {
      signals.dispose();
      await inMachine(machine.name, "pkill '^containerd-shim' || true");
    }
  });

  it('powers off and on with the power commands: inspect says not running, then running, and an old runner still works', async () => {
    const events: MachineEvent[] = [];
    const watch = await provider.watchEvents({ 'io.ha-lab.lab': RUN }, (e) => events.push(e));
    const before = runner();
    expect(await provider.inspectMachine(machine.name)).toMatchObject({ running: true });
    await provider.power(machine.name, 'kill');
    const off = await provider.inspectMachine(machine.name);
    expect(off).toMatchObject({ running: false, details: { reachable: false } });
    expect((await provider.listMachines({ 'io.ha-lab.lab': RUN }))[0]?.state).toBe('exited');
    const started = Date.now();
    await provider.power(machine.name, 'start');
    console.log(
      `powered on and answering SSH after ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    expect(await provider.inspectMachine(machine.name)).toMatchObject({
      running: true,
      paused: false,
    });
    expect((await before.exec(['id', '-u'])).stdout.trim()).toBe('0');
    watch.close();
    expect(events.map((e) => e.action)).toEqual(['die', 'start']);
  });
});
