import { describe, expect, it } from 'vitest';
import { HOST_SYSCTLS } from '../../../src/provision/host-kernel.js';
import {
  addToLedger,
  emptyLedger,
  parseLedger,
  parseSysctls,
  readSysctlsCommand,
  renderLedger,
} from '../../../src/provision/host-ledger.js';

describe('the host ledger', () => {
  it('reads back what it renders, sysctls included', () => {
    const ledger = addToLedger(emptyLedger('lab1'), {
      packages: ['containerd'],
      files: ['/usr/local/bin/kubeadm'],
      dirs: ['/etc/ha-lab'],
      backups: { '/etc/containerd/config.toml': '/var/lib/ha-lab-host/backup/config.toml' },
      units: ['kubelet.service'],
      sysctls: { 'net.ipv4.ip_forward': '0' },
    });
    expect(parseLedger(renderLedger(ledger))).toEqual(ledger);
  });

  it('keeps the first value recorded for a sysctl: later ones see what ha-lab left', () => {
    const first = addToLedger(emptyLedger('lab1'), { sysctls: { 'net.ipv4.ip_forward': '0' } });
    const again = addToLedger(first, {
      sysctls: { 'net.ipv4.ip_forward': '1', 'kernel.panic': '0' },
    });
    expect(again.sysctls).toEqual({ 'net.ipv4.ip_forward': '0', 'kernel.panic': '0' });
  });

  it('keeps the first state recorded for a unit: a resumed up sees what ha-lab enabled', () => {
    const found = addToLedger(emptyLedger('lab1'), {
      unitStates: { 'containerd.service': 'disabled inactive' },
    });
    const again = addToLedger(found, { unitStates: { 'containerd.service': 'enabled active' } });
    expect(again.unitStates).toEqual({ 'containerd.service': 'disabled inactive' });
    expect(parseLedger(renderLedger(again))?.unitStates).toEqual(again.unitStates);
  });

  it('keeps lists unique in first-recorded order', () => {
    const ledger = addToLedger(addToLedger(emptyLedger('l'), { packages: ['runc', 'curl'] }), {
      packages: ['curl', 'socat'],
    });
    expect(ledger.packages).toEqual(['runc', 'curl', 'socat']);
  });

  it('reads a ledger written before sysctls were recorded as having none', () => {
    const old = JSON.stringify({
      schemaVersion: 1,
      lab: 'l',
      packages: ['runc'],
      files: [],
      dirs: [],
      backups: {},
      units: [],
    });
    expect(parseLedger(old)?.sysctls).toEqual({});
    expect(parseLedger(old)?.packages).toEqual(['runc']);
  });

  it('drops entries of the wrong type and refuses what is no ledger', () => {
    const odd = JSON.stringify({
      schemaVersion: 1,
      lab: 'l',
      packages: ['runc', 7],
      sysctls: { a: '1', b: 2 },
      backups: ['x'],
    });
    expect(parseLedger(odd)).toMatchObject({
      packages: ['runc'],
      sysctls: { a: '1' },
      backups: {},
    });
    expect(parseLedger('')).toBeUndefined();
    expect(parseLedger('{"schemaVersion":2,"lab":"l"}')).toBeUndefined();
    expect(parseLedger('not json')).toBeUndefined();
  });
});

describe('recording the original sysctls', () => {
  it("asks for every setting ha-lab's own sysctl file changes, skipping unknown keys", () => {
    const command = readSysctlsCommand();
    expect(command.slice(0, 2)).toEqual(['sysctl', '-e']);
    for (const key of Object.keys(HOST_SYSCTLS)) expect(command).toContain(key);
  });

  it('parses `sysctl -e` output into key -> value, tabs inside values kept', () => {
    const text =
      'net.ipv4.ip_forward = 0\nkernel.panic = 10\nnet.ipv4.ip_local_port_range = 32768\t60999\n\n';
    expect(parseSysctls(text)).toEqual({
      'net.ipv4.ip_forward': '0',
      'kernel.panic': '10',
      'net.ipv4.ip_local_port_range': '32768\t60999',
    });
  });
});
