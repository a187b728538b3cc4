import { describe, expect, it } from 'vitest';
import { judgeInventory } from '../../../../src/lab/inventory/doctor-judge.js';
import type { InventoryDoctorReport } from '../../../../src/lab/inventory/doctor-report.js';
import { T, failing, labInventory, outcomes } from './doctor-fixture.js';

const inventory = labInventory();
const messages = (report: InventoryDoctorReport) => report.problems.map((p) => p.message);

describe('doctor --inventory: clocks', () => {
  it('names the one host more than 2 s from the others', () => {
    const report = judgeInventory(
      inventory,
      outcomes(inventory, { w1: (f) => (f.timeMs = T + 5_200) }),
    );
    expect(messages(report)).toEqual([
      "w1: clock 5.2 s ahead of m2's: hosts must agree within 2 s (etcd leases, certificates); run NTP (systemd-timesyncd or chrony) on every host",
    ]);
    expect(report.hosts[4]!.clock).toEqual({ offsetMs: 5_200, uncertaintyMs: 50 });
  });

  it('does not call a difference skew when the round trips could explain it', () => {
    // 2.3 s apart, but each reading could be off by up to 0.25 s: they may agree within 2 s.
    const report = judgeInventory(
      inventory,
      outcomes(
        inventory,
        { m0: (f) => (f.timeMs = T - 1_150), w1: (f) => (f.timeMs = T + 1_150) },
        500,
      ),
    );
    expect(report.problems).toEqual([]);
  });

  it("takes the script's own run time (the masters' pings) out of the uncertainty", () => {
    const report = judgeInventory(
      inventory,
      outcomes(inventory, { m0: (f) => ((f.timeMs = T - 900), (f.durationMs = 1_800)) }, 2_000),
    );
    // Sent at T-1000, answered at T+1000 after 1.8 s of script: read between T-1000 and T-800.
    expect(report.hosts[0]!.clock).toEqual({ offsetMs: 0, uncertaintyMs: 100 });
  });

  it('names the two extremes when they are apart though each is near the median', () => {
    const report = judgeInventory(
      inventory,
      outcomes(inventory, { m0: (f) => (f.timeMs = T - 1_800), w1: (f) => (f.timeMs = T + 1_800) }),
    );
    expect(messages(report)).toEqual([
      "w1: clock 3.6 s ahead of m0's: hosts must agree within 2 s (etcd leases, certificates); run NTP (systemd-timesyncd or chrony) on every host",
    ]);
  });

  it('names a host whose clock is behind the certificates ha-lab signs on this machine', () => {
    const all = outcomes(
      inventory,
      Object.fromEntries(
        inventory.hosts.map((h) => [
          h.name,
          (f: { timeMs?: number }) => (f.timeMs = T - 7 * 60_000),
        ]),
      ),
    );
    const report = judgeInventory(inventory, all);
    expect(messages(report)).toHaveLength(5);
    expect(messages(report)[0]).toBe(
      "m0: clock 7.0 min behind this machine's: certificates ha-lab signs here (valid from 5 min back) would not be valid there yet; run NTP (systemd-timesyncd or chrony) on every host",
    );
  });
});

describe('doctor --inventory: hosts that were not checked, and the exit status', () => {
  const unknownKey = {
    code: 'unknown-host-key',
    message: 'm0 (10.0.0.11:22): unknown host key ED25519 key SHA256:abc: ...',
    exitCode: 2,
  };
  const unreachable = {
    code: 'ssh-unreachable',
    message: 'm2 (10.0.0.13:22) is unreachable: connection refused',
    exitCode: 1,
  };
  const sudo = {
    code: 'sudo-needs-password',
    message: 'w0 (debian@10.0.0.21): sudo asks debian for a password: ...',
    exitCode: 1,
  };

  it('exits 2 for an unknown host key even when another host is unreachable', () => {
    const all = failing(failing(outcomes(inventory), 'm0', unknownKey), 'm2', unreachable);
    const report = judgeInventory(inventory, all);
    expect(report.exitCode).toBe(2);
    expect(report.hosts.map((h) => h.status)).toEqual([
      'bad-input',
      'checked',
      'unreachable',
      'checked',
      'checked',
    ]);
    expect(messages(report)).toEqual([unknownKey.message, unreachable.message]);
  });

  it('exits 1 for an unreachable host, and judges the others all the same', () => {
    const all = failing(outcomes(inventory, { w1: (f) => (f.uid = 1000) }), 'm2', unreachable);
    const report = judgeInventory(inventory, all);
    expect(report.exitCode).toBe(1);
    expect(messages(report)).toEqual([
      unreachable.message,
      'w1: commands through sudo -n run as uid 1000, not as root',
    ]);
  });

  it('counts sudo that wants a password as a failed check (exit 3), not an unreachable host', () => {
    const report = judgeInventory(inventory, failing(outcomes(inventory), 'w0', sudo));
    expect(report.exitCode).toBe(3);
    expect(report.hosts[3]).toMatchObject({ status: 'no-sudo', error: { code: sudo.code } });
    expect(report.problems).toEqual([{ host: 'w0', check: 'sudo', message: sudo.message }]);
  });

  it('judges clocks among the hosts it reached', () => {
    const all = failing(
      outcomes(inventory, { w1: (f) => (f.timeMs = T + 5_200) }),
      'm0',
      unreachable,
    );
    const report = judgeInventory(inventory, all);
    expect(report.problems.map((p) => p.check)).toEqual(['connect', 'clock']);
    expect(report.hosts[0]!.clock).toBeUndefined();
  });
});
