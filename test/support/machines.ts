import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import Docker from 'dockerode';
import { execa } from 'execa';
import { waitFor } from '../../src/core/wait.js';
import { cidrsOverlap } from '../../src/lab/subnets.js';
import { ROOT } from './cli.js';

/**
 * "Machines" for the SSH tests: containers of images/machine.Dockerfile that run only sshd,
 * reached from the host by their IP like a VM on a bridge. Everything carries the caller's
 * labels, so cleanup is by label even after a crash.
 */
const engine = new Docker();
const DOCKERFILE = join(ROOT, 'images', 'machine.Dockerfile');
const CONTENT_LABEL = 'io.ha-lab.content';

/** Builds the machine image unless one of the same Dockerfile content exists; returns its tag. */
export async function ensureMachineImage(): Promise<string> {
  const hash = createHash('sha256')
    .update(await readFile(DOCKERFILE))
    .digest('hex');
  const tag = `ha-lab/machine:${hash.slice(0, 12)}`;
  const existing = await engine
    .getImage(tag)
    .inspect()
    .catch(() => undefined);
  if (existing?.Config?.Labels?.[CONTENT_LABEL] === hash) return tag;
  await execa(
    'docker',
    [
      ...['build', '--network', 'host', '-q', '-f', DOCKERFILE, '-t', tag],
      ...['--label', 'io.ha-lab.managed=true', '--label', `${CONTENT_LABEL}=${hash}`],
      join(ROOT, 'images'),
    ],
    { env: { DOCKER_BUILDKIT: '0' }, timeout: 600_000 },
  );
  return tag;
}

/** A bridge network on a /24 no other network uses (away from the ranges labs pick from). */
export async function createBridgeNetwork(
  name: string,
  labels: Record<string, string>,
): Promise<{ name: string; subnet: string; prefix: string }> {
  const taken = (await engine.listNetworks()).flatMap((n) =>
    (n.IPAM?.Config ?? []).map((c) => c.Subnet ?? ''),
  );
  for (let third = 0; third < 256; third++) {
    const subnet = `10.213.${third}.0/24`;
    if (taken.some((t) => t && cidrsOverlap(t, subnet))) continue;
    await engine.createNetwork({
      Name: name,
      Driver: 'bridge',
      Labels: labels,
      IPAM: { Config: [{ Subnet: subnet, Gateway: `10.213.${third}.1` }] },
    });
    return { name, subnet, prefix: `10.213.${third}` };
  }
  throw new Error('no free /24 in 10.213.0.0/16 for the test network');
}

/**
 * Starts a machine on the network and waits until its sshd accepts connections. `capAdd`
 * gives it capabilities a test needs for its back door (NET_ADMIN to add an address).
 */
export async function startMachine(
  image: string,
  name: string,
  network: string,
  labels: Record<string, string>,
  options: { capAdd?: string[] } = {},
): Promise<{ name: string; ip: string }> {
  const container = await engine.createContainer({
    name,
    Image: image,
    Labels: labels,
    // tini as PID 1 reaps what a killed command leaves and passes signals on to sshd.
    HostConfig: {
      NetworkMode: network,
      Init: true,
      ...(options.capAdd ? { CapAdd: options.capAdd } : {}),
    },
  });
  await container.start();
  const info = await container.inspect();
  const ip = info.NetworkSettings.Networks[network]?.IPAddress;
  if (!ip) throw new Error(`${name} has no address on ${network}`);
  await waitForPort(ip, 22);
  return { name, ip };
}

export async function waitForPort(host: string, port: number, timeoutMs = 20_000): Promise<void> {
  await waitFor(
    () =>
      new Promise<true | undefined>((resolve) => {
        const socket = connect({ host, port });
        socket.setTimeout(1_000);
        // sshd greets first: a banner means it is really serving, not just listening.
        socket.once('data', () => (socket.destroy(), resolve(true)));
        socket.once('error', () => (socket.destroy(), resolve(undefined)));
        socket.once('timeout', () => (socket.destroy(), resolve(undefined)));
      }),
    { what: `sshd on ${host}:${port}`, timeoutMs, intervalMs: 200 },
  );
}

/** Runs a shell script in the machine as root (the test's back door, not the code under test). */
export async function inMachine(name: string, script: string, input?: string): Promise<string> {
  const result = await execa('docker', ['exec', '-i', name, 'sh', '-ec', script], {
    ...(input === undefined ? {} : { input }),
    timeout: 60_000,
  });
  return result.stdout;
}

/** Removes every container (with its volumes) and network carrying `label`. */
export async function removeByLabel(label: string): Promise<void> {
  const filters = { label: [label] };
  for (const c of await engine.listContainers({ all: true, filters })) {
    await engine
      .getContainer(c.Id)
      .remove({ force: true, v: true })
      .catch(() => undefined);
  }
  for (const n of await engine.listNetworks({ filters })) {
    await engine
      .getNetwork(n.Id)
      .remove()
      .catch(() => undefined);
  }
}

export async function leftoversByLabel(
  label: string,
): Promise<{ containers: number; networks: number }> {
  const filters = { label: [label] };
  return {
    containers: (await engine.listContainers({ all: true, filters })).length,
    networks: (await engine.listNetworks({ filters })).length,
  };
}

/**
 * One test run's machines and network: a name unique to this process, the labels to put on
 * them, and the label filter that finds (and removes) exactly them afterwards.
 */
export function machineRun(prefix: string): {
  run: string;
  filter: string;
  labels: Record<string, string>;
} {
  const run = `${prefix}-${process.pid.toString(36)}`;
  return {
    run,
    filter: `io.ha-lab.test-run=${run}`,
    labels: { 'io.ha-lab.managed': 'true', 'io.ha-lab.test': 'ssh', 'io.ha-lab.test-run': run },
  };
}
