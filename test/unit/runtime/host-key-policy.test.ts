import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RuntimeError, UsageError } from '../../../src/core/errors.js';
import { HostKeyPins } from '../../../src/runtime/ssh/host-key-pins.js';
import { HostKeyVerifier } from '../../../src/runtime/ssh/host-key-policy.js';

const ED1 = Buffer.from(
  'AAAAC3NzaC1lZDI1NTE5AAAAIJ667sfjp80EoTWSqU5up2dIb6NmFunOZIxW8PopUPQB',
  'base64',
);
const ED1_FINGERPRINT = 'SHA256:N/U2VV6ByYqmJiNJlgbltt7B/lGecVimJoQTqsFKl9k';
const ED2 = Buffer.from(
  'AAAAC3NzaC1lZDI1NTE5AAAAIJ0uAnoc4Mv0p3Fxwk/yrKe5/PCiLdvkakp7AbZE2dO/',
  'base64',
);
const EC = Buffer.from(
  'AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBMv1hIxljcIBAIzj+zBA/uTMyL1FycIOe4HdVMLFshF3t3QpGNQf4v18iZkgMrvDxWrjvl0AW2dxhfVKX9B4VEE=',
  'base64',
);
const m0 = { name: 'm0', address: '10.0.0.11', port: 22 };

describe('host key trust', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ha-lab-hostkeys-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('stops on an unknown key with exit 2, its fingerprint and both ways to accept it', async () => {
    const verifier = new HostKeyVerifier({
      knownHostsFile: join(dir, 'none'),
      pinFile: join(dir, 'unknown', 'pins.json'),
      acceptNew: false,
    });
    const error = await verifier.verify(m0, ED1);
    expect(error).toBeInstanceOf(UsageError);
    expect(error?.exitCode).toBe(2);
    expect(error?.message).toBe(
      `m0 (10.0.0.11:22): unknown host key ED25519 key ${ED1_FINGERPRINT}: if it is the host's (on the host: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), run \`ssh-keyscan -p 22 10.0.0.11 >> ${join(dir, 'none')}\` or pass --accept-new-host-keys`,
    );
  });

  it('trusts a key known_hosts lists and refuses a changed one with exit 1', async () => {
    const file = join(dir, 'known_hosts');
    await writeFile(file, `10.0.0.11 ssh-ed25519 ${ED1.toString('base64')}\n`);
    const verifier = new HostKeyVerifier({ knownHostsFile: file, acceptNew: true });
    expect(await verifier.verify(m0, ED1)).toBeUndefined();
    const changed = await verifier.verify(m0, ED2);
    expect(changed).toBeInstanceOf(RuntimeError);
    expect(changed?.exitCode).toBe(1);
    expect(changed?.message).toMatch(
      new RegExp(
        `^m0 \\(10\\.0\\.0\\.11:22\\): host key changed: .* not the key in ${file}:1; .*ssh-keygen -R '10\\.0\\.0\\.11'`,
      ),
    );
  });

  it('pins a first-seen key 0600 in a 0700 directory, then refuses a different one', async () => {
    const pinFile = join(dir, 'lab', 'host-keys.json');
    const verifier = new HostKeyVerifier({
      knownHostsFile: join(dir, 'none'),
      pinFile,
      acceptNew: true,
    });
    expect(await verifier.verify(m0, ED1)).toBeUndefined();
    expect((await stat(pinFile)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'lab'))).mode & 0o777).toBe(0o700);
    const pins = JSON.parse(await readFile(pinFile, 'utf8')) as {
      hosts: Record<string, { fingerprint: string }>;
    };
    expect(pins.hosts['10.0.0.11']?.fingerprint).toBe(ED1_FINGERPRINT);
    // Trusted later without --accept-new-host-keys too.
    const later = new HostKeyVerifier({
      knownHostsFile: join(dir, 'none'),
      pinFile,
      acceptNew: false,
    });
    expect(await later.verify(m0, ED1)).toBeUndefined();
    const changed = await later.verify(m0, ED2);
    expect(changed?.code).toBe('host-key-changed');
    expect(changed?.message).toContain(`not the key pinned in ${pinFile} (${ED1_FINGERPRINT})`);
  });

  it('pins several hosts met at once without losing one', async () => {
    const pins = new HostKeyPins(join(dir, 'parallel', 'pins.json'));
    const results = await Promise.all(
      [1, 2, 3, 4, 5, 6].map((i) => pins.check(`10.0.0.${i}`, 22, i % 2 ? ED1 : EC, true)),
    );
    expect(results.map((r) => r.status)).toEqual(Array(6).fill('pinned'));
    const file = JSON.parse(await readFile(pins.file, 'utf8')) as { hosts: object };
    expect(Object.keys(file.hosts)).toHaveLength(6);
  });

  it('offers the key type known for a host first', async () => {
    const file = join(dir, 'ecdsa_known_hosts');
    await writeFile(file, `10.0.0.11 ecdsa-sha2-nistp256 ${EC.toString('base64')}\n`);
    const verifier = new HostKeyVerifier({ knownHostsFile: file, acceptNew: false });
    expect((await verifier.algorithms(m0))[0]).toBe('ecdsa-sha2-nistp256');
    expect((await verifier.algorithms({ ...m0, address: '10.0.0.99' }))[0]).toBe('ssh-ed25519');
  });

  it('refuses a corrupted pin file instead of trusting every key again', async () => {
    const pinFile = join(dir, 'corrupt', 'pins.json');
    await mkdir(join(dir, 'corrupt'), { mode: 0o700 });
    await writeFile(pinFile, '{"version": 1, "hosts": 7}');
    const pins = new HostKeyPins(pinFile);
    await expect(pins.check('10.0.0.11', 22, ED1, true)).rejects.toThrow(/corrupted/);
  });

  it('will not pin into a directory others can open', async () => {
    const open = join(dir, 'open');
    await mkdir(open);
    await chmod(open, 0o755);
    const pins = new HostKeyPins(join(open, 'pins.json'));
    await expect(pins.check('10.0.0.11', 22, ED1, true)).rejects.toThrow(`run chmod 700 ${open}`);
  });
});
