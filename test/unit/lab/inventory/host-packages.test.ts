import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { judgeInventory } from '../../../../src/lab/inventory/doctor-judge.js';
import {
  ensureHostPackages,
  fetchDebs,
  packagesToInstall,
} from '../../../../src/lab/inventory/host-packages.js';
import { parseHostPackages } from '../../../../src/lab/inventory/host-package-state.js';
import { packagesFor } from '../../../../src/lab/inventory/host-requirements.js';
import type { HostSession } from '../../../../src/lab/inventory/host-session.js';
import type { ExecResult } from '../../../../src/runtime/node-runner.js';
import type { FakePackage } from '../../provision/deb-fixture.js';
import {
  archiveFiles,
  deadMirrorUrl,
  type FakeMirror,
  startFakeMirror,
} from '../debs/fake-mirror.js';
import { T, healthyFacts, labInventory } from './doctor-fixture.js';

/** bookworm, shrunk to what a master needs: containerd pulls runc, keepalived libnl. */
const ARCHIVE: FakePackage[] = [
  ...packagesFor('master').map((p) => ({
    name: p.name,
    version: p.name === 'conntrack' ? '1:1.4.7-1+b2' : '1.0-1',
    ...(p.name === 'containerd' ? { depends: 'runc (>= 1.0), libc6' } : {}),
    ...(p.name === 'keepalived' ? { depends: 'libnl-3-200 | libnl-tiny' } : {}),
  })),
  { name: 'libnl-3-200', version: '3.7.0' },
  { name: 'libc6', version: '2.36-9' },
];
const DEBIAN = { id: 'debian', versionId: '12', name: 'Debian GNU/Linux 12 (bookworm)' };

interface FakeHostOptions {
  os?: typeof DEBIAN;
  arch?: string;
  installed?: [string, string][];
  commands?: string[];
  aptFails?: boolean;
}

/** A host that answers the package script from its dpkg database, which apt fills. */
function fakeHost(name: string, options: FakeHostOptions = {}) {
  const os = options.os ?? DEBIAN;
  const installed = new Map(options.installed ?? [['libc6', '2.36-9+deb12u14']]);
  const files = new Map<string, string>();
  const commands: string[][] = [];
  const exec = async (command: string[]): Promise<ExecResult> => {
    commands.push(command);
    const ok = (stdout = '') => ({ stdout, stderr: '', exitCode: 0 });
    if (command[3] === 'ha-lab-packages') {
      const dpkg = os.id === 'debian';
      return ok(
        [
          `os.id\t${os.id}`,
          `os.version\t${os.versionId}`,
          `os.name\t${os.name}`,
          ...(dpkg ? [`arch\t${options.arch ?? 'amd64'}`] : []),
          ...(dpkg ? [...installed].map(([p, v]) => `pkg\t${p}\tamd64\t${v}\tii \t`) : []),
          ...(options.commands ?? []).map((c) => `cmd\t${c} 1`),
          'end\tok',
          '',
        ].join('\n'),
      );
    }
    if (command[3] === 'ha-lab-install') {
      if (options.aptFails) {
        return {
          stdout: 'Reading package lists...',
          stderr: 'E: Sub-process /usr/bin/dpkg returned an error code (1)',
          exitCode: 100,
        };
      }
      for (const path of command.slice(4)) {
        const [, , pkg, version] = files.get(path)!.trim().split(' ');
        installed.set(pkg!, version!);
      }
      return ok();
    }
    return ok();
  };
  const uploads: { local: string; remote: string; sha256: string | undefined }[] = [];
  const session: HostSession = {
    runner: { node: name, exec },
    usesSudo: true,
    upload: async (local, remote, opts) => {
      uploads.push({ local, remote, sha256: opts?.sha256 });
      const had = files.has(remote);
      files.set(remote, await readFile(local, 'utf8'));
      return { skipped: had, bytesSent: had ? 0 : 10 };
    },
    close: () => undefined,
  };
  return { session, commands, uploads, installed };
}

let dir: string;
let mirror: FakeMirror;
const signal = new AbortController().signal;
const options = (more: { mirror?: string } = {}) => ({
  signal,
  mirror: mirror.url,
  cacheDir: join(dir, 'debs'),
  keyring: join(dir, 'no-keyring.gpg'),
  ...more,
});
const stateOf = async (host: ReturnType<typeof fakeHost>) =>
  parseHostPackages((await host.session.runner.exec(['sh', '-c', '', 'ha-lab-packages'])).stdout);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ha-lab-host-pkgs-'));
  mirror = await startFakeMirror(archiveFiles(ARCHIVE));
});

afterEach(async () => {
  await mirror.close();
  await rm(dir, { recursive: true, force: true });
});

describe('packagesToInstall', () => {
  it('lists what a Debian 12 amd64 host lacks', async () => {
    const host = fakeHost('w0', {
      installed: [
        ['containerd', '1.6.20~ds1-1'],
        ['iproute2', '6.1'],
      ],
    });
    expect(packagesToInstall('w0', 'worker', await stateOf(host))).toEqual([
      'runc',
      'containernetworking-plugins',
      'iptables',
      'arptables',
      'conntrack',
      'ethtool',
      'socat',
    ]);
  });

  it("refuses another system in the doctor's own words, and passes one that has everything", async () => {
    const ubuntu = { id: 'ubuntu', versionId: '24.04', name: 'Ubuntu 24.04.2 LTS' };
    const lacking = fakeHost('m0', { os: ubuntu, commands: ['containerd', 'runc'] });
    const inventory = labInventory();
    const facts = { ...healthyFacts(inventory, 'm0'), os: ubuntu, dpkg: false };
    facts.commands = { containerd: true, runc: true };
    const doctorLine = judgeInventory(inventory, [
      {
        host: inventory.hosts[0]!,
        reached: true,
        facts,
        usesSudo: true,
        sentAtMs: T,
        receivedAtMs: T,
      },
    ]).problems.find((p) => p.check === 'os')!.message;
    const state = await stateOf(lacking);
    expect(() => packagesToInstall('m0', 'master', state)).toThrow(doctorLine);
    expect(doctorLine).toMatch(
      /^m0: Ubuntu 24\.04\.2 LTS is not Debian 12: .* must be present; missing: containernetworking-plugins, /,
    );
    const complete = fakeHost('m0', {
      os: ubuntu,
      commands: packagesFor('master').map((p) => p.commands[0]!),
    });
    expect(packagesToInstall('m0', 'master', await stateOf(complete))).toEqual([]);
  });

  it('refuses an arm64 host with what to install by hand', async () => {
    const state = await stateOf(fakeHost('w0', { arch: 'arm64' }));
    expect(() => packagesToInstall('w0', 'worker', state)).toThrow(
      /^w0: arm64 host: ha-lab fetches Debian packages for amd64 only so far, so install containerd, .*socat there yourself \(apt-get install --no-install-recommends containerd runc /,
    );
  });
});

describe('ensureHostPackages', () => {
  it('costs one read-only command, and no index, on a host that has everything', async () => {
    const host = fakeHost('m0', { installed: packagesFor('master').map((p) => [p.name, '1']) });
    const result = await ensureHostPackages(
      host.session,
      'master',
      options({ mirror: await deadMirrorUrl() }),
    );
    expect(result).toMatchObject({ installed: [], uploadedFiles: 0, uploadedBytes: 0 });
    expect(host.commands).toHaveLength(1);
    expect(existsSync(join(dir, 'debs'))).toBe(false);
  });

  it('uploads the closure into /var/cache/ha-lab/debs, installs it in dependency order, then removes the files', async () => {
    const host = fakeHost('m0', {
      installed: [
        ['libc6', '2.36-9+deb12u14'],
        ['iproute2', '6.1'],
        ['iputils-ping', '3'],
      ],
    });
    const result = await ensureHostPackages(host.session, 'master', options());
    const order = result.installed.map((p) => p.name);
    expect(order).toEqual([
      'runc',
      'containerd',
      'containernetworking-plugins',
      'iptables',
      'arptables',
      'conntrack',
      'ethtool',
      'socat',
      'libnl-3-200',
      'keepalived',
      'curl',
    ]);
    expect(result).toMatchObject({
      uploadedFiles: 11,
      source: { suite: 'bookworm main', signature: 'unchecked' },
    });
    expect(host.uploads[0]).toEqual({
      local: join(dir, 'debs', 'pool', 'runc_1.0-1_amd64.deb'),
      remote: '/var/cache/ha-lab/debs/runc_1.0-1_amd64.deb',
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const install = host.commands.find((c) => c[3] === 'ha-lab-install')!;
    expect(install.slice(4)).toEqual(host.uploads.map((u) => u.remote));
    expect(install[2]).toContain('--no-install-recommends');
    expect(install[2]).toContain('exit 101');
    const removal = host.commands.findIndex((c) => c[0] === 'rm');
    expect(removal).toBeGreaterThan(host.commands.indexOf(install));
    expect(host.commands[removal]).toEqual([
      'rm',
      '-f',
      '--',
      ...host.uploads.map((u) => u.remote),
    ]);
    expect(host.installed.get('conntrack')).toBe('1:1.4.7-1+b2');

    const again = await ensureHostPackages(host.session, 'master', options());
    expect(again).toMatchObject({ installed: [], uploadedFiles: 0 });
  });

  it("names apt's error and keeps the uploaded files for the next run", async () => {
    const host = fakeHost('m0', { aptFails: true });
    await expect(ensureHostPackages(host.session, 'master', options())).rejects.toThrow(
      'm0: apt-get install exited 100: E: Sub-process /usr/bin/dpkg returned an error code (1)',
    );
    expect(host.commands.some((c) => c[0] === 'rm')).toBe(false);
  });
});

describe('fetchDebs', () => {
  it('fetches each .deb once for all hosts, and plans nothing for a host that has everything', async () => {
    const hosts = [
      { name: 'm0', role: 'master' as const, state: await stateOf(fakeHost('m0')) },
      { name: 'w0', role: 'worker' as const, state: await stateOf(fakeHost('w0')) },
      {
        name: 'w1',
        role: 'worker' as const,
        state: await stateOf(
          fakeHost('w1', { installed: packagesFor('worker').map((p) => [p.name, '1']) }),
        ),
      },
    ];
    const fetched = await fetchDebs(hosts, options());
    // The 12 a master needs and keepalived's libnl; the host has libc6.
    expect(fetched.plans.get('m0')).toHaveLength(13);
    expect(fetched.plans.get('w0')?.map((d) => d.name)).toContain('containerd');
    expect(fetched.plans.get('w1')).toEqual([]);
    const debRequests = mirror.requests.filter((r) => r.endsWith('.deb'));
    expect(debRequests).toHaveLength(13);
    expect(new Set(debRequests).size).toBe(13);
  });

  it('refuses a host it cannot serve before downloading anything', async () => {
    const ubuntu = { id: 'ubuntu', versionId: '24.04', name: 'Ubuntu 24.04.2 LTS' };
    const hosts = [
      { name: 'm0', role: 'master' as const, state: await stateOf(fakeHost('m0')) },
      { name: 'w0', role: 'worker' as const, state: await stateOf(fakeHost('w0', { os: ubuntu })) },
    ];
    await expect(fetchDebs(hosts, options())).rejects.toMatchObject({
      code: 'host-os-unsupported',
    });
    expect(mirror.requests).toEqual([]);
  });
});
