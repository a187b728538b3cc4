import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { doctorMode } from '../../../src/cli/commands/doctor.js';
import { hostKeyPolicy, pinFileFor } from '../../../src/cli/inventory-hosts.js';
import { loadInventory } from '../../../src/lab/inventory/index.js';
import { type InProcessRun, runWithoutEngine } from '../../support/in-process-cli.js';
import { inventory as inventoryText } from '../lab/inventory/fixture.js';

let dir: string;
let labYaml: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ha-lab-doctor-cli-'));
  vi.stubEnv('HA_LAB_STATE_DIR', join(dir, 'state'));
  // The fixture's hosts name ./id_ed25519; loading checks it is there and private.
  await writeFile(join(dir, 'id_ed25519'), 'not read before a connection', { mode: 0o600 });
  labYaml = join(dir, 'lab.yaml');
  await writeFile(labYaml, inventoryText());
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});

/** Runs the command tree in-process; the engine must never be asked for. */
function doctor(args: string[]): Promise<InProcessRun> {
  return runWithoutEngine(['doctor', ...args], 'doctor --inventory must not reach the engine');
}

describe('doctor: which doctor the flags ask for', () => {
  it('is the engine doctor without --inventory, the hosts doctor with it', () => {
    expect(doctorMode({})).toEqual({ kind: 'engine' });
    expect(doctorMode({ kubernetesVersion: '1.35' })).toEqual({
      kind: 'engine',
      kubernetesVersion: '1.35',
    });
    expect(doctorMode({ inventory: 'lab.yaml', acceptNewHostKeys: true })).toEqual({
      kind: 'inventory',
      file: 'lab.yaml',
      acceptNewHostKeys: true,
    });
    expect(doctorMode({ inventory: 'lab.yaml', knownHosts: 'kh' })).toEqual({
      kind: 'inventory',
      file: 'lab.yaml',
      knownHosts: 'kh',
      acceptNewHostKeys: false,
    });
  });

  it('refuses host-key flags without --inventory, and --kubernetes-version with it (exit 2)', async () => {
    expect(await doctor(['--known-hosts', 'kh'])).toMatchObject({
      exit: 2,
      message: '--known-hosts is about SSH hosts: use it with --inventory FILE',
    });
    expect(await doctor(['--accept-new-host-keys'])).toMatchObject({
      exit: 2,
      code: 'needs-inventory',
    });
    expect(await doctor(['--inventory', labYaml, '--kubernetes-version', '1.36'])).toMatchObject({
      exit: 2,
      code: 'engine-only',
    });
  });

  it('refuses an inventory it cannot read, and a --known-hosts file that is not there (exit 2)', async () => {
    expect(await doctor(['--inventory', join(dir, 'nope.yaml')])).toMatchObject({
      exit: 2,
      code: 'invalid-inventory',
    });
    expect(
      await doctor(['--inventory', labYaml, '--known-hosts', join(dir, 'missing_known_hosts')]),
    ).toMatchObject({ exit: 2, code: 'known-hosts-unreadable' });
  });
});

describe('doctor --inventory: whose host keys are trusted', () => {
  it("uses --known-hosts, else the inventory's knownHosts, else ~/.ssh/known_hosts", async () => {
    const inventory = await loadInventory(labYaml);
    const kh = join(dir, 'kh');
    await writeFile(kh, '');
    expect((await hostKeyPolicy(labYaml, inventory, {})).knownHostsFile).toBe(
      join(homedir(), '.ssh', 'known_hosts'),
    );
    expect(
      (await hostKeyPolicy(labYaml, { ...inventory, knownHosts: '/etc/ssh/ssh_known_hosts' }, {}))
        .knownHostsFile,
    ).toBe('/etc/ssh/ssh_known_hosts');
    const policy = await hostKeyPolicy(labYaml, inventory, {
      knownHosts: kh,
      acceptNewHostKeys: true,
    });
    expect(policy).toEqual({ knownHostsFile: kh, pinFile: pinFileFor(labYaml), acceptNew: true });
  });

  it('pins keys per inventory file, under the state root', () => {
    const pins = pinFileFor(labYaml);
    expect(pins).toMatch(
      new RegExp(
        `^${join(dir, 'state', '_inventories').replaceAll('/', '\\/')}\\/[0-9a-f]{16}\\/host-keys\\.json$`,
      ),
    );
    expect(pinFileFor(join(dir, 'other.yaml'))).not.toBe(pins);
    // The same file named relatively is the same inventory.
    expect(pinFileFor(join(dir, '.', 'lab.yaml'))).toBe(pins);
  });
});
