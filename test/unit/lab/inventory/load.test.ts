import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../../src/core/errors.js';
import { loadInventory } from '../../../../src/lab/inventory/index.js';

/** Two keys beside the file: m0-m2 use `key`, the workers `worker-key` (line 8 + 5i is host i's identityFile). */
function text(extra = ''): string {
  const host = (name: string, ip: string, role: string, key: string) => [
    `  - name: ${name}`,
    `    address: ${ip}`,
    '    user: root',
    `    identityFile: ${key}`,
    `    role: ${role}`,
  ];
  return [
    'vip: { address: 10.1.0.200, interface: eth0, prefix: 24 }',
    'hosts:',
    ...host('m0', '10.1.0.11', 'master', 'key'),
    ...host('m1', '10.1.0.12', 'master', 'key'),
    ...host('m2', '10.1.0.13', 'master', 'key'),
    ...host('w0', '10.1.0.21', 'worker', 'worker-key'),
    extra,
  ].join('\n');
}

describe('loadInventory', () => {
  let dir: string;
  let file: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ha-lab-inventory-'));
    file = join(dir, 'lab.yaml');
    await writeFile(join(dir, 'key'), 'not parsed here', { mode: 0o600 });
    await writeFile(join(dir, 'worker-key'), 'not parsed here', { mode: 0o600 });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function rejection(): Promise<string> {
    const error: unknown = await loadInventory(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    return (error as Error).message;
  }

  it('loads a file whose keys are private, with key paths relative to the file', async () => {
    await writeFile(file, text());
    const inventory = await loadInventory(file);
    expect(inventory.hosts.map((h) => h.identityFile)).toEqual([
      join(dir, 'key'),
      join(dir, 'key'),
      join(dir, 'key'),
      join(dir, 'worker-key'),
    ]);
  });

  it('refuses a key that group or others can read, once per key, and says to chmod it', async () => {
    await writeFile(file, text());
    await chmod(join(dir, 'key'), 0o640);
    try {
      const label = relative(process.cwd(), file).startsWith('..')
        ? file
        : relative(process.cwd(), file);
      expect(await rejection()).toBe(
        `${label}:6: hosts[0].identityFile: ${join(dir, 'key')} is open to group or others (mode 0640): run chmod 600 ${join(dir, 'key')}`,
      );
    } finally {
      await chmod(join(dir, 'key'), 0o600);
    }
  });

  it('names a missing key file and a missing known_hosts file with their fields', async () => {
    await writeFile(file, text('knownHosts: ./known').replace('worker-key', 'gone'));
    expect((await rejection()).split('\n').map((l) => l.replace(/^.*?:(\d+): /, '$1: '))).toEqual([
      `21: hosts[3].identityFile: cannot read ${join(dir, 'gone')} (no such file)`,
      `23: knownHosts: cannot read ${join(dir, 'known')} (no such file)`,
    ]);
  });

  it('says when the inventory itself is missing', async () => {
    const missing = join(dir, 'nope.yaml');
    const error: unknown = await loadInventory(missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(
      /nope\.yaml: cannot read the inventory \(no such file\)$/,
    );
  });
});
