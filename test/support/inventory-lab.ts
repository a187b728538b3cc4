import { execa } from 'execa';
import type { SystemdMachines } from './systemd-machines.js';

/**
 * An inventory for six systemd machines (the first three masters), with the machines' own
 * power commands and known_hosts, and the VIP at .200 of their subnet (free by the harness).
 * Machines named in `signalsOnly` get no power commands: their kill and stop are signals.
 */
export function inventoryYaml(m: SystemdMachines, signalsOnly: string[] = []): string {
  const vip = m.subnet.replace(/\.0\/24$/, '.200');
  const hosts = m.machines.map((machine, i) =>
    [
      `  - name: ${machine.name}`,
      `    address: ${machine.ip}`,
      `    user: ${machine.user}`,
      `    identityFile: ${machine.keyFile}`,
      `    role: ${i < 3 ? 'master' : 'worker'}`,
      ...(signalsOnly.includes(machine.name)
        ? []
        : [
            `    powerOff: ${JSON.stringify(machine.powerOff)}`,
            `    powerOn: ${JSON.stringify(machine.powerOn)}`,
          ]),
    ].join('\n'),
  );
  return [
    `vip: { address: ${vip}, interface: eth0, prefix: 24 }`,
    `knownHosts: ${m.knownHostsFile}`,
    'hosts:',
    ...hosts,
    '',
  ].join('\n');
}

/** Runs a shell script in a machine from the test's side (the engine), never from ha-lab. */
export async function inMachine(container: string, script: string): Promise<string> {
  const { stdout } = await execa('docker', ['exec', container, 'bash', '-c', script]);
  return stdout;
}
