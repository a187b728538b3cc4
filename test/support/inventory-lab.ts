import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { expect } from 'vitest';
import { haLab } from './cli.js';
import { type SystemdMachines, startSystemdMachines } from './systemd-machines.js';

/** ha-lab's environment on an inventory lab: no engine in reach, so only SSH reaches hosts. */
export const NO_ENGINE = { DOCKER_HOST: 'unix:///nonexistent/ha-lab-no-engine.sock' };

/**
 * What every inventory suite starts from: the host bundle in the cache (an operator without
 * an engine needs it there), six fresh machines, and their inventory file in a temp dir.
 */
export async function startInventoryMachines(
  prefix: string,
  signalsOnly: (m: SystemdMachines) => string[] = () => [],
): Promise<{ machines: SystemdMachines; dir: string; inventoryFile: string }> {
  const build = await haLab(['build', '--for-hosts'], { timeoutMs: 1_800_000 });
  expect(build.exitCode, build.stderr).toBe(0);
  const machines = await startSystemdMachines({ prefix, count: 6 });
  const dir = await mkdtemp(join(tmpdir(), `ha-lab-${prefix}-`));
  const inventoryFile = join(dir, 'lab.yaml');
  await writeFile(inventoryFile, inventoryYaml(machines, signalsOnly(machines)));
  return { machines, dir, inventoryFile };
}

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
