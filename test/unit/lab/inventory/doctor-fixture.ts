import type { HostOutcome } from '../../../../src/lab/inventory/doctor-report.js';
import type { HostFacts } from '../../../../src/lab/inventory/host-probe.js';
import { packagesFor } from '../../../../src/lab/inventory/host-requirements.js';
import { parseInventory, type Inventory } from '../../../../src/lab/inventory/index.js';
import { inventory as inventoryText } from './fixture.js';

/**
 * Hosts for the doctor's judge: the fixture inventory (m0-m2 at 10.0.0.11-13, w0-w1 at
 * 10.0.0.21-22, VIP 10.0.0.200 on eth0/24), each answering as a healthy Debian 12 host would.
 * A test changes only the facts its rule reads.
 */
export const GiB = 1024 ** 3;
/** The operator's clock when every script answered. */
export const T = 1_800_000_000_000;

export function labInventory(): Inventory {
  return parseInventory(inventoryText(), 'lab.yaml');
}

export function healthyFacts(inventory: Inventory, name: string): HostFacts {
  const host = inventory.hosts.find((h) => h.name === name)!;
  return {
    timeMs: T,
    uid: 0,
    os: { id: 'debian', versionId: '12', name: 'Debian GNU/Linux 12 (bookworm)' },
    pid1: 'systemd',
    systemd: { state: 'running', failedUnits: [] },
    cgroupMode: 'v2',
    disks: [
      { path: '/', mountPoint: '/', availableBytes: 40 * GiB },
      { path: '/var', mountPoint: '/', availableBytes: 40 * GiB },
    ],
    memory: { totalBytes: 8 * GiB, availableBytes: 6 * GiB, swapBytes: 0 },
    dpkg: true,
    installedPackages: packagesFor(host.role).map((p) => p.name),
    commands: {},
    interfaces: ['lo', 'eth0'],
    addresses: [
      { interface: 'lo', address: '127.0.0.1', prefix: 8 },
      { interface: 'eth0', address: host.nodeIp, prefix: 24 },
    ],
    ...(host.role === 'master' ? { vipPing: 'silent' as const } : {}),
  };
}

/** Every host reached, with `change` applied to the facts of the hosts it names. */
export function outcomes(
  inventory: Inventory,
  change: Record<string, (facts: HostFacts) => void> = {},
  roundTripMs = 100,
): HostOutcome[] {
  return inventory.hosts.map((host) => {
    const facts = healthyFacts(inventory, host.name);
    change[host.name]?.(facts);
    return {
      host,
      reached: true,
      facts,
      usesSudo: true,
      sentAtMs: T - roundTripMs / 2,
      receivedAtMs: T + roundTripMs / 2,
    };
  });
}

/** Replaces one host's outcome by a failure with this error. */
export function failing(
  all: HostOutcome[],
  name: string,
  error: { code: string; message: string; exitCode: number },
): HostOutcome[] {
  return all.map((o) => (o.host.name === name ? { host: o.host, reached: false, error } : o));
}
