import { execa } from 'execa';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusSchema } from '../../src/lab/status-schema.js';
import { haLab, testLabName } from '../support/cli.js';
import { inMachine, NO_ENGINE, startInventoryMachines } from '../support/inventory-lab.js';
import type { SystemdMachines } from '../support/systemd-machines.js';

/**
 * An inventory lab end to end, on six plain Debian machines (systemd and sshd only, no ha-lab
 * provisioning) standing in for the user's VMs: `up --inventory` to a whole HA cluster,
 * kill-master0 through the inventory's power commands, `down` returning every machine to how
 * it was found. `up` runs with DOCKER_HOST pointing nowhere: whatever reached the machines
 * went over SSH (their sshd journals show the logins); only the power commands reach the
 * engine, with their own environment.
 */
const lab = testLabName('inv');
let machines: SystemdMachines;
let dir: string;
let inventoryFile: string;
/** What ha-lab's sysctls change, as each machine had it before `up`. */
const SYSCTLS =
  'sysctl -n net.ipv4.ip_forward net.bridge.bridge-nf-call-iptables 2>/dev/null || true';
const sysctlsBefore = new Map<string, string>();
/** What `npm run bench` reads back (HA_LAB_BENCH_OUT): the targets, measured here. */
const figures: Record<string, unknown> = {};

describe('an inventory lab on six SSH machines', () => {
  beforeAll(async () => {
    ({ machines, dir, inventoryFile } = await startInventoryMachines('inv-e2e'));
    for (const m of machines.machines)
      sysctlsBefore.set(m.name, await inMachine(m.container, SYSCTLS));
  });

  afterAll(async () => {
    const out = process.env.HA_LAB_BENCH_OUT;
    if (out) await writeFile(out, `${JSON.stringify(figures, null, 2)}\n`);
    await haLab(['down', '--name', lab, '--purge'], { timeoutMs: 300_000 }).catch(() => undefined);
    await machines?.cleanup();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('brings a whole HA cluster up on the hosts, with no engine in reach', async () => {
    const up = await haLab(['up', '--inventory', inventoryFile, '--name', lab, '--no-tui'], {
      env: NO_ENGINE,
      timeoutMs: 1_200_000,
    });
    expect(up.exitCode, up.stderr).toBe(0);
    expect(up.stdout).toContain(`Lab "${lab}" is up`);
    expect(up.stderr).toMatch(/hosts: \d+ files sent .*, 0 already there/);
    figures.upS = up.durationMs / 1000;
    figures.upPhases = up.stderr.split('\n').filter((l) => l.includes('done in'));
    figures.hostsLine = up.stderr.split('\n').find((l) => l.startsWith('hosts:'));
  });

  it('is whole by `status`, with each node on its host', async () => {
    const status = await haLab(['status', '--name', lab, '--json'], { env: NO_ENGINE });
    expect(status.exitCode, status.stderr).toBe(0);
    const parsed = statusSchema.parse(JSON.parse(status.stdout));
    expect(parsed.nodes.map((n) => [n.name, n.ready])).toEqual(
      ['master-0', 'master-1', 'master-2', 'worker-0', 'worker-1', 'worker-2'].map((n) => [
        n,
        'True',
      ]),
    );
    expect(parsed.vipHolders).toEqual(['master-0']);
    expect(parsed.etcd.members.filter((m) => m.healthy)).toHaveLength(3);
  });

  it('a second `up --inventory` on the whole lab sends nothing', async () => {
    const again = await haLab(['up', '--inventory', inventoryFile, '--name', lab, '--no-tui'], {
      env: NO_ENGINE,
      timeoutMs: 300_000,
    });
    expect(again.exitCode, again.stderr).toBe(0);
    figures.secondUpS = again.durationMs / 1000;
    expect(again.stderr).toMatch(/hosts: 0 files sent \(0\.0 MiB\)/);
  });

  it('passes kill-master0, the kill done by the power command', async () => {
    const reports = join(dir, 'reports');
    const run = await haLab(
      ['scenario', 'run', 'kill-master0', '--name', lab, '--report-dir', reports],
      { env: NO_ENGINE, timeoutMs: 900_000 },
    );
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
    const report = JSON.parse(await readFile(join(reports, 'report.json'), 'utf8')) as {
      passed: boolean;
      history: { entries: { type: string; method?: string }[] };
      verdicts: { check: string; figures?: Record<string, unknown> }[];
    };
    expect(report.passed).toBe(true);
    figures.killMaster0 = {
      passed: report.passed,
      figures: Object.fromEntries(report.verdicts.map((v) => [v.check, v.figures ?? {}])),
    };
    expect(report.history.entries.find((e) => e.type === 'fault')?.method).toBe('power-command');
  });

  it('`down` returns every machine to how it was found; sshd saw every login', async () => {
    const down = await haLab(['down', '--name', lab], { env: NO_ENGINE, timeoutMs: 600_000 });
    expect(down.exitCode, down.stderr).toBe(0);
    figures.downS = down.durationMs / 1000;
    for (const machine of machines.machines) {
      const left = await inMachine(
        machine.container,
        [
          'ls -A /etc/kubernetes /var/lib/etcd /var/lib/kubelet /var/lib/ha-lab /var/lib/ha-lab-host 2>/dev/null',
          'systemctl list-unit-files --no-legend "kubelet*" "etcd*" "keepalived*" "halab*" "containerd*" 2>/dev/null',
          'iptables-save 2>/dev/null | grep -E "KUBE|ha-lab|CNI" || true',
          'arptables -L 2>/dev/null | grep -i drop || true',
          'ip -o link show | grep -E "halab-vx|cni0" || true',
          'ls /etc/sysctl.d/99-ha-lab.conf /etc/modules-load.d/ha-lab.conf /usr/local/bin/kube* 2>/dev/null || true',
        ].join('; '),
      );
      expect(left.trim(), machine.name).toBe('');
      expect(await inMachine(machine.container, SYSCTLS), machine.name).toBe(
        sysctlsBefore.get(machine.name),
      );
      const logins = await inMachine(
        machine.container,
        'journalctl -u ssh --no-pager | grep -c "Accepted publickey for lab" || true',
      );
      expect(Number(logins), machine.name).toBeGreaterThan(0);
    }
  });
  it('resumes an `up --inventory` interrupted during the uploads without sending again what arrived, on the cleaned hosts', async () => {
    const child = execa(
      'node',
      [
        join(process.cwd(), 'dist/cli/main.js'),
        'up',
        '--inventory',
        inventoryFile,
        '--name',
        lab,
        '--no-tui',
      ],
      {
        reject: false,
        env: { ...NO_ENGINE, CI: 'true' },
        stdin: 'ignore',
      },
    );
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // Interrupt as soon as the first image archive has arrived on a master: uploads are on.
    const m0 = machines.machines[0]!.container;
    const arrivedArchive = async () =>
      (
        await execa('docker', ['exec', m0, 'test', '-e', '/var/lib/ha-lab/images/common.tar.gz'], {
          reject: false,
        })
      ).exitCode === 0;
    const deadline = Date.now() + 300_000;
    while (!(await arrivedArchive()) && Date.now() < deadline && child.exitCode === null)
      await new Promise((r) => setTimeout(r, 250));
    child.kill('SIGINT');
    const first = await child;
    expect(first.exitCode, stderr).toBe(130);
    expect(stderr).toContain('the hosts keep what arrived');
    expect(await arrivedArchive()).toBe(true);

    const up = await haLab(['up', '--inventory', inventoryFile, '--name', lab, '--no-tui'], {
      env: NO_ENGINE,
      timeoutMs: 1_200_000,
    });
    expect(up.exitCode, up.stderr).toBe(0);
    expect(up.stderr).toMatch(/hosts: \d+ files sent .*, [1-9]\d* already there/);
    expect(up.stdout).toContain(`Lab "${lab}" is up`);
    figures.resumedUpS = up.durationMs / 1000;
    const down = await haLab(['down', '--name', lab], { env: NO_ENGINE, timeoutMs: 600_000 });
    expect(down.exitCode, down.stderr).toBe(0);
  });
});
