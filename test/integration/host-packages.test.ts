import { HostKeyVerifier } from '../../src/runtime/ssh/index.js';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { utils } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabEvent } from '../../src/core/events.js';
import { sshConnector } from '../../src/cli/inventory-hosts.js';
import { DEBIAN_KEYRING } from '../../src/lab/debs/deb-cache.js';
import { missingPackages } from '../../src/lab/inventory/doctor-judge.js';
import { hostProbeCommand, parseHostFacts } from '../../src/lab/inventory/host-probe.js';
import {
  ensureHostPackages,
  HOST_DEB_DIR,
  type HostSession,
  type Inventory,
  type InventoryHost,
} from '../../src/lab/inventory/index.js';
import { packagesFor } from '../../src/lab/inventory/host-requirements.js';
import { findHostProgram } from '../../src/runtime/host-facts.js';
import { run } from '../../src/runtime/node-runner.js';
import {
  createBridgeNetwork,
  ensureMachineImage,
  inMachine,
  leftoversByLabel,
  machineRun,
  removeByLabel,
  startMachine,
} from '../support/machines.js';

/**
 * The packages a master needs, onto a plain Debian 12 machine over SSH only (as the sudo
 * user `lab`): fetched from the Debian mirror into the operator's cache (the real one, so a
 * warm cache makes this fast), uploaded, installed with apt offline. Then for real on the
 * machine: the programs run, a second run sends and installs nothing, and the doctor's own
 * probe finds nothing missing.
 */
const { run: RUN, filter: RUN_LABEL, labels: LABELS } = machineRun('pkgs');

let dir: string;
let machine: { name: string; ip: string };
let host: InventoryHost;
let inventory: Inventory;
let session: HostSession | undefined;
const signal = new AbortController().signal;

/** The doctor's verdict on the host's packages, through its own probe and judge. */
async function doctorMissing(): Promise<string[]> {
  const result = await run(session!.runner, hostProbeCommand(inventory, host), {
    timeoutMs: 60_000,
  });
  return missingPackages(host, parseHostFacts(result));
}

describe('ensureHostPackages on a real sshd machine', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ha-lab-pkgs-'));
    const image = await ensureMachineImage();
    const network = await createBridgeNetwork(`ha-lab-test-${RUN}`, LABELS);
    machine = await startMachine(image, `ha-lab-test-${RUN}-m0`, network.name, LABELS);
    const key = utils.generateKeyPairSync('ed25519');
    await writeFile(join(dir, 'id_ed25519'), key.private, { mode: 0o600 });
    await writeFile(join(dir, 'known_hosts'), '');
    await inMachine(
      machine.name,
      'cat > /home/lab/.ssh/authorized_keys; chown lab: /home/lab/.ssh/authorized_keys; chmod 600 /home/lab/.ssh/authorized_keys',
      key.public,
    );
    host = {
      name: 'm0',
      address: machine.ip,
      port: 22,
      user: 'lab',
      identityFile: join(dir, 'id_ed25519'),
      agent: false,
      role: 'master',
      nodeIp: machine.ip,
    };
    inventory = {
      file: 'lab.yaml',
      vip: { address: `${network.prefix}.200`, interface: 'eth0', prefix: 24 },
      hosts: [host],
    };
    const connect = sshConnector(
      new HostKeyVerifier({
        knownHostsFile: join(dir, 'known_hosts'),
        pinFile: join(dir, 'host-keys.json'),
        acceptNew: true,
      }),
    );
    session = await connect(host, { signal });
  });

  afterAll(async () => {
    session?.close();
    await removeByLabel(RUN_LABEL);
    if (dir) await rm(dir, { recursive: true, force: true });
    expect(await leftoversByLabel(RUN_LABEL)).toEqual({ containers: 0, networks: 0 });
  });

  it('starts from a host the doctor finds lacking every package ha-lab installs', async () => {
    const absent = packagesFor('master')
      .map((p) => p.name)
      .filter((name) => !['iproute2', 'iputils-ping'].includes(name));
    expect(await doctorMissing()).toEqual(absent);
  });

  it('installs what a master lacks from the operator cache, and the programs run on the host', async () => {
    const events: LabEvent[] = [];
    const started = Date.now();
    const result = await ensureHostPackages(session!, 'master', {
      signal,
      events: (e) => events.push(e),
    });
    const at = (prefix: string) => {
      const event = events.find((e) => e.kind === 'phase-progress' && e.message.startsWith(prefix));
      return event ? ((event.at - started) / 1000).toFixed(1) : '-';
    };
    const fetched = events.filter(
      (e) => e.kind === 'phase-progress' && e.message.startsWith('fetching'),
    ).length;
    console.log(
      `first install: ${(result.durationMs / 1000).toFixed(1)} s (uploads from ${at('m0: uploading')} s, apt from ${at('m0: installing')} s), ${result.installed.length} packages, ${result.uploadedFiles} files / ${(result.uploadedBytes / 1024 ** 2).toFixed(1)} MiB uploaded, ${fetched} fetches from ${result.source?.mirror}`,
    );
    // The InRelease of the real mirror verifies wherever this machine can check it.
    const checkable = (await findHostProgram('gpgv')) !== undefined && existsSync(DEBIAN_KEYRING);
    expect(result.source).toMatchObject({
      suite: 'bookworm main',
      signature: checkable ? 'verified' : 'unchecked',
    });
    const names = result.installed.map((p) => p.name);
    for (const p of packagesFor('master')) {
      if (p.name !== 'iproute2' && p.name !== 'iputils-ping') expect(names).toContain(p.name);
    }
    // Every dependency comes before what depends on it: runc before containerd.
    expect(names.indexOf('runc')).toBeLessThan(names.indexOf('containerd'));
    expect(result.uploadedFiles).toBe(result.installed.length);

    const version = (command: string[]) => run(session!.runner, command, { timeoutMs: 30_000 });
    expect(await version(['containerd', '--version'])).toMatch(/^containerd .*1\.6\./);
    expect(await version(['runc', '--version'])).toMatch(/^runc version 1\./);
    const keepalived = await session!.runner.exec(['keepalived', '--version']);
    expect(keepalived.exitCode).toBe(0);
    expect(keepalived.stderr + keepalived.stdout).toMatch(/Keepalived v2\./);
    expect(await version(['conntrack', '--version'])).toMatch(/^conntrack v1\./);
    expect(await version(['socat', '-V'])).toMatch(/socat version 1\./);
    expect(await version(['iptables', '--version'])).toMatch(/^iptables v1\.8/);
    expect(await version(['test', '-x', '/usr/lib/cni/bridge'])).toBe('');

    // Nothing was started on the host, and nothing of the install is left behind.
    const leftovers = await inMachine(
      machine.name,
      `test ! -e /usr/sbin/policy-rc.d; ls -A ${HOST_DEB_DIR}; pgrep -x 'keepalived|containerd' || true`,
    );
    expect(leftovers).toBe('');
  });

  it('sends and installs nothing the second time', async () => {
    const started = performance.now();
    const again = await ensureHostPackages(session!, 'master', { signal });
    console.log(`second run: ${((performance.now() - started) / 1000).toFixed(2)} s`);
    expect(again).toMatchObject({ installed: [], uploadedFiles: 0, uploadedBytes: 0 });
  });

  it("leaves nothing for the doctor's package check to name", async () => {
    expect(await doctorMissing()).toEqual([]);
  });
});
