import { HostKeyVerifier } from '../../src/runtime/ssh/index.js';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { utils } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { pinFileFor, sshConnector } from '../../src/cli/inventory-hosts.js';
import { doctorInventory } from '../../src/lab/inventory/doctor.js';
import { inventoryDoctorFailure } from '../../src/lab/inventory/doctor-render.js';
import type { InventoryDoctorReport } from '../../src/lab/inventory/doctor-report.js';
import { loadInventory } from '../../src/lab/inventory/index.js';
import {
  createBridgeNetwork,
  ensureMachineImage,
  inMachine,
  leftoversByLabel,
  machineRun,
  removeByLabel,
  startMachine,
} from '../support/machines.js';
import { type InProcessRun, runWithoutEngine } from '../support/in-process-cli.js';

/**
 * `doctor --inventory` against four real sshd machines (3 masters + 1 worker, the smallest
 * inventory there is): plain Debian 12 containers without systemd and without what ha-lab
 * installs, reached over SSH only. The lab-layer function with the CLI's SSH connector, then
 * the command itself in-process with an engine that must never be asked for.
 */
const { run: RUN, filter: RUN_LABEL, labels: LABELS } = machineRun('doctor');
const NAMES = ['m0', 'm1', 'm2', 'w0'] as const;

let dir: string;
let labYaml: string;
let knownHosts: string;
let vip: string;
const machines: Record<string, { name: string; ip: string }> = {};

/** The inventory, with per-test changes to the VIP interface or a host's login. */
async function writeInventory(
  file: string,
  { iface = 'eth0', users = {} }: { iface?: string; users?: Record<string, string> } = {},
): Promise<string> {
  const host = (name: string) =>
    [
      `  - name: ${name}`,
      `    address: ${machines[name]!.ip}`,
      `    user: ${users[name] ?? 'lab'}`,
      '    identityFile: ./id_ed25519',
      `    role: ${name.startsWith('m') ? 'master' : 'worker'}`,
    ].join('\n');
  const text = [
    `vip: { address: ${vip}, interface: ${iface}, prefix: 24 }`,
    'knownHosts: ./known_hosts',
    'hosts:',
    ...NAMES.map(host),
    '',
  ].join('\n');
  const path = join(dir, file);
  await writeFile(path, text);
  return path;
}

/** The lab layer as `doctor --inventory` calls it; keys pinned for lab.yaml are trusted. */
async function doctor(file: string, acceptNew = false): Promise<InventoryDoctorReport> {
  const inventory = await loadInventory(file);
  const connect = sshConnector(
    new HostKeyVerifier({
      knownHostsFile: knownHosts,
      pinFile: pinFileFor(labYaml),
      acceptNew,
    }),
  );
  return doctorInventory(inventory, { connect, signal: new AbortController().signal });
}

async function fingerprint(name: string): Promise<string> {
  const line = await inMachine(
    machines[name]!.name,
    'ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub',
  );
  return line.split(' ')[1]!;
}

const host = (report: InventoryDoctorReport, name: string) =>
  report.hosts.find((h) => h.name === name)!;
const problemsOf = (report: InventoryDoctorReport, name: string) =>
  report.problems.filter((p) => p.host === name).map((p) => p.message);

/** The CLI in-process, its engine pointing nowhere and its provider refusing to be made. */
async function cli(args: string[]): Promise<InProcessRun> {
  vi.stubEnv('DOCKER_HOST', 'tcp://127.0.0.1:9');
  try {
    return await runWithoutEngine(
      ['doctor', ...args],
      'doctor --inventory asked for the Docker engine',
    );
  } finally {
    vi.unstubAllEnvs();
  }
}

describe('doctor --inventory against real sshd machines', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ha-lab-doctor-'));
    // The pins go under the state root: keep them in the test's own directory.
    process.env.HA_LAB_STATE_DIR = join(dir, 'state');
    const image = await ensureMachineImage();
    const network = await createBridgeNetwork(`ha-lab-test-${RUN}`, LABELS);
    vip = `${network.prefix}.200`;
    const started = await Promise.all(
      NAMES.map((name) =>
        // w0 may take an address through the test's back door (the VIP a host already holds).
        startMachine(image, `ha-lab-test-${RUN}-${name}`, network.name, LABELS, {
          ...(name === 'w0' ? { capAdd: ['NET_ADMIN'] } : {}),
        }),
      ),
    );
    NAMES.forEach((name, i) => (machines[name] = started[i]!));
    const key = utils.generateKeyPairSync('ed25519');
    await writeFile(join(dir, 'id_ed25519'), key.private, { mode: 0o600 });
    knownHosts = join(dir, 'known_hosts');
    await writeFile(knownHosts, '');
    await Promise.all(
      started.map((m) =>
        inMachine(
          m.name,
          'k=$(cat); for h in /home/lab /home/pw; do u=$(stat -c %U $h); ' +
            'printf "%s\\n" "$k" > $h/.ssh/authorized_keys; chown $u: $h/.ssh/authorized_keys; chmod 600 $h/.ssh/authorized_keys; done',
          key.public,
        ),
      ),
    );
    labYaml = await writeInventory('lab.yaml');
  });

  afterAll(async () => {
    await removeByLabel(RUN_LABEL);
    delete process.env.HA_LAB_STATE_DIR;
    if (dir) await rm(dir, { recursive: true, force: true });
    expect(await leftoversByLabel(RUN_LABEL)).toEqual({ containers: 0, networks: 0 });
  });

  it('stops with exit 2 on unknown host keys, naming each fingerprint as ssh-keygen computes it on the host', async () => {
    const report = await doctor(labYaml);
    expect(report.exitCode).toBe(2);
    expect(report.hosts.map((h) => h.status)).toEqual([
      'bad-input',
      'bad-input',
      'bad-input',
      'bad-input',
    ]);
    for (const name of NAMES) {
      const [line] = problemsOf(report, name);
      expect(line).toContain(
        `${name} (${machines[name]!.ip}:22): unknown host key ED25519 key ${await fingerprint(name)}`,
      );
      expect(line).toContain('--accept-new-host-keys');
    }
    const failure = inventoryDoctorFailure(report);
    expect(failure).toBeInstanceOf(UsageError);
    expect(failure?.exitCode).toBe(2);
  });

  it('pins the keys with --accept-new-host-keys, then checks each host: packages missing, cgroup mode, no systemd', async () => {
    const report = await doctor(labYaml, true);
    expect((await stat(pinFileFor(labYaml))).mode & 0o777).toBe(0o600);
    expect((await stat(join(pinFileFor(labYaml), '..'))).mode & 0o777).toBe(0o700);
    expect(report.hosts.map((h) => h.status)).toEqual(['checked', 'checked', 'checked', 'checked']);
    const masterLacks =
      'containerd, runc, containernetworking-plugins, iptables, arptables, conntrack, ethtool, socat, keepalived, curl';
    const workerLacks =
      'containerd, runc, containernetworking-plugins, iptables, arptables, conntrack, ethtool, socat';
    const engineCgroup = (
      await execa('docker', ['info', '--format', '{{.CgroupVersion}}'])
    ).stdout.trim();
    for (const name of NAMES) {
      const checked = host(report, name);
      const lacks = name === 'w0' ? workerLacks : masterLacks;
      expect(problemsOf(report, name)).toEqual([
        `${name}: ${lacks} missing (up --inventory installs them on Debian 12)`,
        expect.stringMatching(new RegExp(`^${name}: PID 1 is \\S+, not systemd: `)),
      ]);
      expect(checked.facts?.os?.name).toBe('Debian GNU/Linux 12 (bookworm)');
      expect(checked.facts?.uid).toBe(0);
      expect(checked.usesSudo).toBe(true);
      expect(checked.facts?.cgroupMode).toEqual(
        engineCgroup === '2' ? 'v2' : expect.stringMatching(/^(v1|hybrid)$/),
      );
      expect(checked.facts?.addresses).toContainEqual({
        interface: 'eth0',
        address: machines[name]!.ip,
        prefix: 24,
      });
      // One kernel clock under all four: whatever the offset, it is within the round trip.
      expect(Math.abs(checked.clock!.offsetMs)).toBeLessThanOrEqual(
        checked.clock!.uncertaintyMs + 50,
      );
    }
    expect(host(report, 'm0').facts?.vipPing).toBe('silent');
    expect(report.exitCode).toBe(3);
    // The pins are trusted from now on, without the flag.
    expect((await doctor(labYaml)).hosts.map((h) => h.status)).toEqual([
      'checked',
      'checked',
      'checked',
      'checked',
    ]);
  });

  it('names a VIP a host already holds', async () => {
    await inMachine(machines.w0!.name, `ip addr add ${vip}/32 dev eth0`);
    try {
      const report = await doctor(labYaml);
      expect(report.problems.filter((p) => p.check === 'vip').map((p) => p.message)).toEqual([
        `w0: already holds the VIP ${vip} on eth0: the VIP must be an address nothing uses yet (keepalived of a lab already up holds it too)`,
      ]);
      // The masters' pings reached it, too.
      expect(host(report, 'm1').facts?.vipPing).toBe('answered');
    } finally {
      await inMachine(machines.w0!.name, `ip addr del ${vip}/32 dev eth0`);
    }
  });

  it('names masters without the VIP interface, and a login whose sudo wants a password', async () => {
    const file = await writeInventory('ens9.yaml', { iface: 'ens9', users: { w0: 'pw' } });
    const report = await doctor(file);
    for (const name of ['m0', 'm1', 'm2']) {
      expect(problemsOf(report, name)).toContain(
        `${name}: has no interface ens9 (vip.interface in ${file}) for keepalived to put the VIP on; it has eth0, lo`,
      );
    }
    expect(host(report, 'w0').status).toBe('no-sudo');
    expect(problemsOf(report, 'w0')).toEqual([
      `w0 (pw@${machines.w0!.ip}): sudo asks pw for a password: allow passwordless sudo for pw (a line "pw ALL=(ALL) NOPASSWD: ALL" in /etc/sudoers.d/)`,
    ]);
    expect(report.exitCode).toBe(3);
  });

  it('runs as `ha-lab doctor --inventory` with no Docker engine: exit 2 for new keys, then 3 with --accept-new-host-keys', async () => {
    // Another file is another inventory: its keys are not pinned yet.
    const copy = await writeInventory('copy.yaml');
    const refused = await cli(['--inventory', copy]);
    expect(refused.exit).toBe(2);
    expect(refused.stdout).toContain(
      `problem: m0 (${machines.m0!.ip}:22): unknown host key ED25519 key ${await fingerprint('m0')}`,
    );
    expect(refused.message).toMatch(/^unknown host key on m0, m1, m2, w0: /);
    const accepted = await cli(['--inventory', copy, '--accept-new-host-keys']);
    expect(accepted.exit).toBe(3);
    expect(accepted.stdout).toMatch(
      /^m0 {2}master {2}lab@\S+\s+Debian GNU\/Linux 12 \(bookworm\), PID 1 \S+, cgroup /m,
    );
    expect(accepted.stdout).toContain('problem: w0: containerd, runc, containernetworking-plugins');
    const json = await cli(['--inventory', copy, '--json']);
    expect(json.exit).toBe(3);
    const report = JSON.parse(json.stdout) as InventoryDoctorReport;
    expect(report.exitCode).toBe(3);
    expect(report.hosts.map((h) => [h.name, h.status])).toEqual(NAMES.map((n) => [n, 'checked']));
  });

  it('reports a stopped machine unreachable within 10 s, without holding up the others (exit 1)', async () => {
    await execa('docker', ['stop', '-t', '1', machines.m2!.name]);
    const started = Date.now();
    const report = await doctor(labYaml);
    const took = Date.now() - started;
    expect(host(report, 'm2').status).toBe('unreachable');
    expect(problemsOf(report, 'm2')).toEqual([
      expect.stringMatching(
        new RegExp(`^m2 \\(${machines.m2!.ip.replaceAll('.', '\\.')}:22\\) is unreachable: `),
      ),
    ]);
    expect(report.hosts.filter((h) => h.status === 'checked').map((h) => h.name)).toEqual([
      'm0',
      'm1',
      'w0',
    ]);
    expect(report.exitCode).toBe(1);
    // 8 s to connect (the doctor's budget), so the whole command stays within 10 s.
    expect(took).toBeLessThan(9_000);
  });
});
