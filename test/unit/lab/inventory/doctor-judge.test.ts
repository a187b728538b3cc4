import { describe, expect, it } from 'vitest';
import { judgeInventory } from '../../../../src/lab/inventory/doctor-judge.js';
import type { InventoryDoctorReport } from '../../../../src/lab/inventory/doctor-report.js';
import { GiB, labInventory, outcomes } from './doctor-fixture.js';

const inventory = labInventory();
const messages = (report: InventoryDoctorReport) => report.problems.map((p) => p.message);

describe('doctor --inventory: judging one host', () => {
  it('finds nothing wrong with five healthy Debian 12 hosts, and exits 0', () => {
    const report = judgeInventory(inventory, outcomes(inventory));
    expect(report.problems).toEqual([]);
    expect(report.warnings).toEqual([]);
    expect(report.exitCode).toBe(0);
    expect(report.hosts.map((h) => h.status)).toEqual(Array(5).fill('checked'));
    expect(report.hosts[0]!.clock).toEqual({ offsetMs: 0, uncertaintyMs: 50 });
  });

  it('accepts both cgroup modes and reports which one each host has', () => {
    const report = judgeInventory(
      inventory,
      outcomes(inventory, { m1: (f) => (f.cgroupMode = 'v1'), w0: (f) => (f.cgroupMode = 'v1') }),
    );
    expect(report.exitCode).toBe(0);
    expect(report.hosts.map((h) => h.facts?.cgroupMode)).toEqual(['v2', 'v1', 'v2', 'v1', 'v2']);
  });

  it('names the missing packages of a Debian 12 host and that up --inventory installs them', () => {
    const report = judgeInventory(
      inventory,
      outcomes(inventory, {
        m1: (f) =>
          (f.installedPackages = f.installedPackages.filter((p) => !/^(containerd|runc)$/.test(p))),
        // keepalived is a master's: a worker without it lacks nothing.
        w0: (f) => (f.installedPackages = f.installedPackages.filter((p) => p !== 'keepalived')),
      }),
    );
    expect(messages(report)).toEqual([
      'm1: containerd, runc missing (up --inventory installs them on Debian 12)',
    ]);
    expect(report.hosts[1]!.missingPackages).toEqual(['containerd', 'runc']);
    expect(report.exitCode).toBe(3);
  });

  it('says ha-lab cannot install packages on another system and names what must be present', () => {
    const report = judgeInventory(
      inventory,
      outcomes(inventory, {
        w0: (f) => {
          f.os = { id: 'ubuntu', versionId: '24.04', name: 'Ubuntu 24.04.1 LTS' };
          // Packages from elsewhere (containerd.io) count by their commands, not dpkg's names.
          f.installedPackages = [];
          f.commands = { containerd: true, runc: true, ip: true, '/opt/cni/bin/bridge': true };
        },
        w1: (f) => {
          f.os = { id: 'rocky', versionId: '9.4', name: 'Rocky Linux 9.4' };
          f.dpkg = false;
          f.installedPackages = [];
          f.commands = Object.fromEntries(
            [
              'containerd',
              'runc',
              '/usr/lib/cni/bridge',
              'ip',
              'iptables',
              'arptables',
              'conntrack',
              'ethtool',
              'socat',
            ].map((c) => [c, true]),
          );
        },
      }),
    );
    expect(messages(report)).toEqual([
      'w0: Ubuntu 24.04.1 LTS is not Debian 12: ha-lab cannot install packages there, so containerd, runc, containernetworking-plugins, iproute2, iptables, arptables, conntrack, ethtool, socat must be present; missing: iptables, arptables, conntrack, ethtool, socat',
    ]);
    expect(report.warnings.map((w) => w.message)).toEqual([
      'w1: Rocky Linux 9.4 is not Debian 12: ha-lab cannot install packages there, so containerd, runc, containernetworking-plugins, iproute2, iptables, arptables, conntrack, ethtool, socat must be present (they are)',
    ]);
  });

  it('refuses a host without systemd as PID 1, and one still booting; a degraded one is a warning', () => {
    const report = judgeInventory(
      inventory,
      outcomes(inventory, {
        m0: (f) => ((f.pid1 = 'docker-init'), delete f.systemd),
        m1: (f) => (f.systemd = { state: 'starting', failedUnits: [] }),
        w1: (f) => (f.systemd = { state: 'degraded', failedUnits: ['mnt-data.mount'] }),
      }),
    );
    expect(messages(report)).toEqual([
      'm0: PID 1 is docker-init, not systemd: ha-lab runs containerd, etcd, keepalived and kubelet as systemd units',
      'm1: systemd is starting, not running: wait until the host has booted, or fix it',
    ]);
    expect(report.warnings.map((w) => w.message)).toEqual([
      'w1: systemd is degraded (failed: mnt-data.mount): check that none of them is needed',
    ]);
  });

  it('holds masters to 10 GiB free under /var and 2 GiB of memory, workers to 5 and 1', () => {
    const report = judgeInventory(
      inventory,
      outcomes(inventory, {
        m0: (f) => (f.disks = f.disks.map((d) => ({ ...d, availableBytes: 8 * GiB }))),
        m1: (f) => (f.memory = { totalBytes: 4 * GiB, availableBytes: 1.5 * GiB, swapBytes: 0 }),
        // 8 GiB and 1.5 GiB are plenty for a worker.
        w0: (f) => {
          f.disks = f.disks.map((d) => ({ ...d, availableBytes: 8 * GiB }));
          f.memory = { totalBytes: 2 * GiB, availableBytes: 1.5 * GiB, swapBytes: 0 };
        },
        w1: (f) => {
          f.disks = [
            { path: '/', mountPoint: '/', availableBytes: 0.5 * GiB },
            { path: '/var', mountPoint: '/var', availableBytes: 4 * GiB },
          ];
          f.memory = { totalBytes: 2 * GiB, availableBytes: 0.5 * GiB, swapBytes: 2 * GiB };
        },
      }),
    );
    expect(messages(report)).toEqual([
      "m0: 8.0 GiB free on / (which holds /var): a master needs 10.0 GiB there for containerd's images, etcd's data and logs",
      'm1: 1.5 GiB of memory available: a master needs 2.0 GiB',
      "w1: 4.0 GiB free on /var: a worker needs 5.0 GiB there for containerd's images and logs",
      "w1: 0.5 GiB free on /: ha-lab's binaries need 1.0 GiB under /usr/local",
      'w1: 0.5 GiB of memory available: a worker needs 1.0 GiB',
    ]);
    expect(report.warnings.map((w) => w.check)).toEqual(['swap']);
    expect(report.warnings[0]!.message).toMatch(/^w1: swap is on \(2\.0 GiB\)/);
  });

  it('refuses a host whose commands do not run as root', () => {
    const report = judgeInventory(inventory, outcomes(inventory, { w0: (f) => (f.uid = 1000) }));
    expect(messages(report)).toEqual(['w0: commands through sudo -n run as uid 1000, not as root']);
  });
});

describe('doctor --inventory: addresses, the VIP and its interface', () => {
  it('names a master that lacks the VIP interface, with the interfaces it has', () => {
    const report = judgeInventory(
      inventory,
      outcomes(inventory, {
        m2: (f) => {
          f.interfaces = ['lo', 'ens3'];
          f.addresses = f.addresses!.map((a) =>
            a.interface === 'eth0' ? { ...a, interface: 'ens3' } : a,
          );
        },
        // Workers never carry the VIP: their interface names do not matter.
        w0: (f) => {
          f.interfaces = ['lo', 'enp1s0'];
          f.addresses = f.addresses!.map((a) =>
            a.interface === 'eth0' ? { ...a, interface: 'enp1s0' } : a,
          );
        },
      }),
    );
    expect(messages(report)).toEqual([
      'm2: has no interface eth0 (vip.interface in lab.yaml) for keepalived to put the VIP on; it has lo, ens3',
    ]);
    expect(report.problems[0]!.check).toBe('interface');
  });

  it('names a master whose VIP interface is not on the VIP subnet, and a host without its cluster address', () => {
    const report = judgeInventory(
      inventory,
      outcomes(inventory, {
        m1: (f) => {
          f.interfaces = ['lo', 'eth0', 'eth1'];
          f.addresses = [
            { interface: 'eth0', address: '192.168.5.12', prefix: 24 },
            { interface: 'eth1', address: '10.0.0.12', prefix: 24 },
          ];
        },
        w1: (f) => (f.addresses = [{ interface: 'eth0', address: '10.0.0.99', prefix: 24 }]),
      }),
    );
    expect(messages(report)).toEqual([
      "m1: eth0 has no address in 10.0.0.0/24, the VIP's subnet: keepalived could not reach the other masters through it; set vip.interface to the interface on that subnet",
      'w1: 10.0.0.22, its cluster address in lab.yaml, is not an address of the host (it has 10.0.0.99 on eth0): fix address or add internalAddress',
    ]);
  });

  it('refuses a VIP a host already holds', () => {
    const report = judgeInventory(
      inventory,
      outcomes(inventory, {
        w0: (f) => f.addresses!.push({ interface: 'eth0', address: '10.0.0.200', prefix: 32 }),
        // It answers the masters' pings too; the holder is named once, not the pings.
        m0: (f) => (f.vipPing = 'answered'),
      }),
    );
    expect(messages(report)).toEqual([
      'w0: already holds the VIP 10.0.0.200 on eth0: the VIP must be an address nothing uses yet (keepalived of a lab already up holds it too)',
    ]);
  });

  it('refuses a VIP that answers a ping when no host holds it', () => {
    const report = judgeInventory(
      inventory,
      outcomes(inventory, { m1: (f) => (f.vipPing = 'answered') }),
    );
    expect(messages(report)).toEqual([
      'm1: the VIP 10.0.0.200 answers its ping: a machine already uses that address; pick a free one for vip.address',
    ]);
  });

  it('does not judge addresses a host without ip could not list', () => {
    const report = judgeInventory(
      inventory,
      outcomes(inventory, { m0: (f) => (delete f.addresses, (f.vipPing = 'unavailable')) }),
    );
    expect(report.problems).toEqual([]);
  });
});
