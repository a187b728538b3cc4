import { describe, expect, it } from 'vitest';
import {
  cgroupModeOf,
  hostProbeCommand,
  parseHostFacts,
} from '../../../../src/lab/inventory/host-probe.js';
import { labInventory } from './doctor-fixture.js';

const lines = (...entries: string[]) => `${entries.join('\n')}\n`;

/** What the script printed on a machine container of images/machine.Dockerfile (a master). */
const MACHINE = lines(
  'time\t1796531592582',
  'uid\t0',
  'os.id\tdebian',
  'os.version\t12',
  'os.name\tDebian GNU/Linux 12 (bookworm)',
  'pid1\tdocker-init',
  'cgroup.fs\ttmpfs',
  'cgroup.unified\t',
  'disk\t/ 53278344 /',
  'disk\t/var 53278344 /',
  'mem\tMemTotal: 24731408',
  'mem\tMemAvailable: 22000996',
  'mem\tSwapTotal: 0',
  'dpkg\tyes',
  'pkg\tarptables un ',
  'pkg\tiproute2 ii ',
  'cmd\tcontainerd 0',
  'cmd\t/usr/lib/cni/bridge 0',
  'cmd\tip 1',
  'iface\teth0',
  'iface\tlo',
  'addr\tlo 127.0.0.1/8',
  'addr\teth0@if42 10.213.0.2/24',
  'vip.ping\tsilent',
  'time.end\t1796531593790',
  'end\tok',
);

describe('the host probe', () => {
  it('reads every fact the script prints', () => {
    expect(parseHostFacts(MACHINE)).toEqual({
      timeMs: 1796531592582,
      durationMs: 1208,
      uid: 0,
      os: { id: 'debian', versionId: '12', name: 'Debian GNU/Linux 12 (bookworm)' },
      pid1: 'docker-init',
      cgroupMode: 'v1',
      disks: [
        { path: '/', mountPoint: '/', availableBytes: 53278344 * 1024 },
        { path: '/var', mountPoint: '/', availableBytes: 53278344 * 1024 },
      ],
      memory: { totalBytes: 24731408 * 1024, availableBytes: 22000996 * 1024, swapBytes: 0 },
      dpkg: true,
      // "un" is dpkg's "known, not installed": only "ii" counts.
      installedPackages: ['iproute2'],
      commands: { containerd: false, '/usr/lib/cni/bridge': false, ip: true },
      interfaces: ['eth0', 'lo'],
      addresses: [
        { interface: 'lo', address: '127.0.0.1', prefix: 8 },
        { interface: 'eth0', address: '10.213.0.2', prefix: 24 },
      ],
      vipPing: 'silent',
    });
  });

  it('tells cgroup v2, v1 and hybrid apart', () => {
    expect(cgroupModeOf('cgroup2fs', '')).toBe('v2');
    expect(cgroupModeOf('tmpfs', '')).toBe('v1');
    expect(cgroupModeOf('tmpfs', 'cgroup2fs')).toBe('hybrid');
    expect(cgroupModeOf('', '')).toBe('unknown');
    const v2 = MACHINE.replace('cgroup.fs\ttmpfs', 'cgroup.fs\tcgroup2fs');
    expect(parseHostFacts(v2).cgroupMode).toBe('v2');
  });

  it('leaves out what a host could not say: no ip, no systemctl, no os-release, no GNU date', () => {
    const bare = lines('time\t%3N', 'pid1\tinit', 'addr.tool\tmissing', 'end\tok');
    const facts = parseHostFacts(bare);
    expect(facts.timeMs).toBeUndefined();
    expect(facts.os).toBeUndefined();
    expect(facts.systemd).toBeUndefined();
    expect(facts.addresses).toBeUndefined();
    expect(facts.memory).toBeUndefined();
    expect(facts.dpkg).toBe(false);
  });

  it('reads systemd state and failed units', () => {
    const facts = parseHostFacts(
      lines(
        'systemd.state\tdegraded',
        'systemd.failed\ta.service',
        'systemd.failed\tb.mount',
        'end\tok',
      ),
    );
    expect(facts.systemd).toEqual({ state: 'degraded', failedUnits: ['a.service', 'b.mount'] });
  });

  it('refuses an answer cut short', () => {
    expect(() => parseHostFacts(MACHINE.replace('end\tok\n', ''))).toThrow(
      'the host check ended before its last line',
    );
  });

  it('passes the VIP and the role-specific lists as arguments, never inside the script', () => {
    const inventory = labInventory();
    const [sh, flag, script, name, vip, ping, packages, commands] = hostProbeCommand(
      inventory,
      inventory.hosts[0]!,
    );
    expect([sh, flag, name, vip, ping]).toEqual(['sh', '-c', 'ha-lab-doctor', '10.0.0.200', 'yes']);
    expect(script).not.toContain('10.0.0.200');
    expect(packages!.split(' ')).toContain('keepalived');
    expect(commands!.split(' ')).toEqual(
      expect.arrayContaining(['keepalived', '/usr/lib/cni/bridge']),
    );
    const worker = hostProbeCommand(inventory, inventory.hosts[3]!);
    expect(worker[5]).toBe('no');
    expect(worker[6]!.split(' ')).not.toContain('keepalived');
  });
});
