import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import ssh2 from 'ssh2';
import { waitFor } from '../../src/core/wait.js';
import { cidrsOverlap, formatIpv4, parseCidr } from '../../src/lab/subnets.js';
import { engineAddress } from '../../src/runtime/docker-client.js';
import { DockerProvider } from '../../src/runtime/docker-provider.js';
import { run } from '../../src/runtime/node-runner.js';
import { connectSsh, HostKeyVerifier, SshRunner } from '../../src/runtime/ssh/index.js';
import { ensureSystemdMachineImage } from './systemd-machine-image.js';

/**
 * "Plain Debian VMs" for the SSH inventory tests: containers of
 * images/machine-systemd.Dockerfile (systemd as PID 1, sshd, no ha-lab at all) on an
 * --internal network, reached over SSH as `lab` with a key made here. Power is the engine's
 * kill/start, standing in for a hypervisor. Everything carries the run's labels, so cleanup
 * is by label, and a later run of the same prefix removes what an interrupted one left.
 */
export interface SystemdMachine {
  /** Short name and hostname ("m0"). */
  name: string;
  container: string;
  ip: string;
  user: 'lab';
  keyFile: string;
  /** The machine's line for an OpenSSH known_hosts file. */
  hostKeyLine: string;
  /** argv for the operator's machine, with the engine address fixed in (DOCKER_HOST may differ). */
  powerOff: string[];
  powerOn: string[];
}

export interface SystemdMachines {
  network: string;
  subnet: string;
  machines: SystemdMachine[];
  knownHostsFile: string;
  labels: Record<string, string>;
  /** From the first container create until every machine answered over SSH. */
  bootMs: number;
  /** Removes containers with their volumes and the network, by label; safe to call again. */
  cleanup(): Promise<void>;
}

export interface SystemdMachinesOptions {
  /** Names everything this run creates; leftovers of dead runs of the same prefix are removed. */
  prefix: string;
  count: number;
  /** A free /24 to use; by default one is picked in 10.214.0.0/16. */
  subnet?: string;
  signal?: AbortSignal;
  /** For the boot of all machines (default 180 s). */
  timeoutMs?: number;
}

// Both fixed when this module loads: a test may point DOCKER_HOST nowhere afterwards.
const engine = new Docker();
const provider = new DockerProvider(engine);
const ENGINE_ADDRESS = engineAddress();
const PREFIX_LABEL = 'io.ha-lab.test-prefix';
const RUN_LABEL = 'io.ha-lab.test-run';
const PID_LABEL = 'io.ha-lab.test-pid';
const BOOTED = new Set(['running', 'degraded']);
/** Machines take .11 upwards inside Docker's .0/25 range; .200 and up stay free for a VIP. */
const FIRST_HOST = 11;
/** Installs the key on stdin as lab's only authorized key. */
const AUTHORIZE =
  'install -d -m 0700 -o lab -g lab /home/lab/.ssh; f=/home/lab/.ssh/authorized_keys; ' +
  'cat > "$f"; chown lab:lab "$f"; chmod 0600 "$f"';

/** Promise.all that waits for every task, so cleanup never races a machine still being made. */
async function allSettled<T>(tasks: Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(tasks);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes every container (with its volumes), volume and network carrying `label`. */
async function removeByLabel(label: string): Promise<void> {
  const filters = { label: [label] };
  for (const c of await engine.listContainers({ all: true, filters })) {
    await provider.removeMachine(c.Id);
  }
  // Named volumes (containerd's) outlive `rm -v`: they go by label too.
  for (const v of (await engine.listVolumes({ filters })).Volumes ?? []) {
    await provider.removeVolume(v.Name);
  }
  for (const n of await engine.listNetworks({ filters })) {
    await provider.removeNetwork(n.Id);
  }
}

/** Runs of this prefix whose process is gone (or is this one, restarting): their leftovers. */
async function removeDeadRuns(prefix: string): Promise<void> {
  const filters = { label: [`${PREFIX_LABEL}=${prefix}`] };
  const labelled: Record<string, string>[] = [
    ...(await engine.listContainers({ all: true, filters })).map((c) => c.Labels),
    ...(await engine.listNetworks({ filters })).map((n) => n.Labels ?? {}),
    ...((await engine.listVolumes({ filters })).Volumes ?? []).map((v) => v.Labels ?? {}),
  ];
  const dead = new Set<string>();
  for (const labels of labelled) {
    const pid = Number(labels[PID_LABEL]);
    const run = labels[RUN_LABEL];
    if (run && (pid === process.pid || !alive(pid))) dead.add(run);
  }
  for (const run of dead) await removeByLabel(`${RUN_LABEL}=${run}`);
}

/**
 * Claims the given /24, or the first 10.214.x.0/24 no network or local interface uses, with an
 * internal network; a network made meanwhile by someone else makes it try the next.
 */
async function createNetwork(
  name: string,
  requested: string | undefined,
  labels: Record<string, string>,
): Promise<{ subnet: string; prefix: string }> {
  const taken = Object.values(networkInterfaces()).flatMap((addresses) =>
    (addresses ?? []).filter((a) => a.family === 'IPv4' && a.cidr).map((a) => a.cidr!),
  );
  const candidates = requested
    ? [requested]
    : Array.from({ length: 256 }, (_, i) => `10.214.${i}.0/24`);
  for (let attempt = 0; attempt < 5; attempt++) {
    taken.push(...(await provider.listNetworks()).flatMap((n) => n.subnets));
    const free = candidates.find((c) => !taken.some((t) => cidrsOverlap(t, c)));
    const base = free?.endsWith('/24') ? parseCidr(free)?.base : undefined;
    if (base === undefined) break;
    const subnet = `${formatIpv4(base)}/24`;
    const prefix = formatIpv4(base).replace(/\.0$/, '');
    try {
      const [ipRange, gateway] = [`${prefix}.0/25`, `${prefix}.1`];
      await provider.createInternalNetwork({ name, subnet, labels, ipRange, gateway });
      return { subnet, prefix };
    } catch (error) {
      if (!/overlap/i.test((error as Error).message)) throw error;
      taken.push(subnet);
    }
  }
  throw new Error(`no free /24 for the machines (asked for ${requested ?? 'any in 10.214/16'})`);
}

/** Waits until systemd has booted (printing failed units when degraded); returns the state. */
async function waitBooted(container: string, deadline: number, signal?: AbortSignal) {
  const runner = provider.runner(container, container);
  let last = 'not asked yet';
  const state = await waitFor(
    async () => {
      const command = ['systemctl', 'is-system-running'];
      const result = await runner.exec(command, { timeoutMs: 10_000, signal });
      last = result.stdout.trim() || result.stderr.trim();
      return BOOTED.has(last) ? last : undefined;
    },
    {
      what: () => `${container} to boot (systemd: ${last})`,
      timeoutMs: deadline - Date.now(),
      signal,
    },
  );
  if (state === 'degraded') {
    const failed = await run(runner, ['systemctl', '--failed', '--no-legend', '--plain']);
    console.warn(`${container}: systemd is degraded; failed units:\n${failed.trim()}`);
  }
  return state;
}

/**
 * Waits until the machine has booted and `lab` logs in with the key (the host key checked
 * against the file, no new key accepted) and runs `sudo -n true`: after start or power-on.
 */
export async function waitForMachine(
  machine: SystemdMachine,
  knownHostsFile: string,
  options: { timeoutMs: number; signal?: AbortSignal | undefined },
): Promise<void> {
  const { signal } = options;
  const deadline = Date.now() + options.timeoutMs;
  await waitBooted(machine.container, deadline, signal);
  const hostKeys = new HostKeyVerifier({ knownHostsFile, acceptNew: false });
  const { name, ip: address, user, keyFile: identityFile } = machine;
  const target = { name, address, port: 22, user, identityFile };
  await waitFor(
    async () => {
      const connection = await connectSsh(target, { hostKeys, signal, timeoutMs: 5_000 });
      try {
        await run(new SshRunner(connection, name), ['true'], { timeoutMs: 10_000, signal });
        return true;
      } finally {
        connection.close();
      }
    },
    { what: `an SSH login to ${name}`, timeoutMs: deadline - Date.now(), signal },
  );
}

/** Starts `count` booted machines; on any failure removes what it made before rethrowing. */
export async function startSystemdMachines(
  options: SystemdMachinesOptions,
): Promise<SystemdMachines> {
  const { prefix, count, signal } = options;
  if (count < 1 || count > 100) throw new RangeError(`count must be 1 to 100, not ${count}`);
  const runName = `${prefix}-${process.pid.toString(36)}`;
  const labels = {
    'io.ha-lab.managed': 'true',
    'io.ha-lab.test': 'systemd-machines',
    [PREFIX_LABEL]: prefix,
    [RUN_LABEL]: runName,
    [PID_LABEL]: String(process.pid),
  };
  const dir = await mkdtemp(join(tmpdir(), `ha-lab-${prefix}-`));
  await chmod(dir, 0o700);
  const cleanup = async () => {
    await removeByLabel(`${RUN_LABEL}=${runName}`);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await removeDeadRuns(prefix);
    const image = await ensureSystemdMachineImage(signal);
    const { works } = await provider.privilegedWorks(image, labels);
    const { subnet, prefix: net } = await createNetwork(runName, options.subnet, labels);
    const key = ssh2.utils.generateKeyPairSync('ed25519', { comment: `lab@${runName}` });
    const keyFile = join(dir, 'id_ed25519');
    await writeFile(keyFile, key.private, { mode: 0o600 });
    const power = (verb: string, container: string) =>
      ['env', `DOCKER_HOST=${ENGINE_ADDRESS}`, 'docker', verb, container] as string[];
    const started = Date.now();
    const deadline = started + (options.timeoutMs ?? 180_000);
    const machines = await allSettled(
      Array.from({ length: count }, async (_, i): Promise<SystemdMachine> => {
        const [name, ip] = [`m${i}`, `${net}.${FIRST_HOST + i}`];
        const container = `${runName}-${name}`;
        await provider.createMachine({
          name: container,
          hostname: name,
          image,
          network: runName,
          ip,
          labels,
          privilege: works ? 'privileged' : 'capabilities',
        });
        const runner = provider.runner(name, container);
        await run(runner, ['sh', '-ec', AUTHORIZE], { input: `${key.public}\n`, signal });
        await waitBooted(container, deadline, signal);
        const hostKey = await run(runner, ['cat', '/etc/ssh/ssh_host_ed25519_key.pub'], { signal });
        const [type, blob] = hostKey.trim().split(/\s+/);
        return {
          name,
          container,
          ip,
          user: 'lab',
          keyFile,
          hostKeyLine: `${ip} ${type} ${blob}`,
          powerOff: power('kill', container),
          powerOn: power('start', container),
        };
      }),
    );
    const knownHostsFile = join(dir, 'known_hosts');
    const lines = machines.map((m) => `${m.hostKeyLine}\n`).join('');
    await writeFile(knownHostsFile, lines, { mode: 0o600 });
    const remaining = { timeoutMs: deadline - Date.now(), signal };
    await Promise.all(machines.map((m) => waitForMachine(m, knownHostsFile, remaining)));
    const bootMs = Date.now() - started;
    return { network: runName, subnet, machines, knownHostsFile, labels, bootMs, cleanup };
  } catch (error) {
    await cleanup().catch(() => undefined);
    throw error;
  }
}
