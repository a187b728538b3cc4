import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LabEvent } from '../../../../src/core/events.js';
import { openDebCache } from '../../../../src/lab/debs/deb-cache.js';
import { debPath, fillDebPool } from '../../../../src/lab/debs/deb-pool.js';
import { findHostProgram } from '../../../../src/runtime/host-facts.js';
import type { FakePackage } from '../../provision/deb-fixture.js';
import { archiveFiles, deadMirrorUrl, type FakeMirror, startFakeMirror } from './fake-mirror.js';

const PACKAGES: FakePackage[] = [
  { name: 'socat', version: '1.7.4.4-2', depends: 'libc6' },
  { name: 'libc6', version: '2.36-9' },
];

let dir: string;
let mirror: FakeMirror;
let events: LabEvent[];
const signal = new AbortController().signal;

/** The cache as `up` opens it, against the fake mirror, with no keyring to check against. */
const open = (overrides: { mirror?: string; keyring?: string } = {}) =>
  openDebCache({
    signal,
    events: (e) => events.push(e),
    mirror: mirror.url,
    cacheDir: join(dir, 'debs'),
    keyring: join(dir, 'no-keyring.gpg'),
    ...overrides,
  });
const warnings = () =>
  events.flatMap((e) => (e.kind === 'log' && e.level === 'warn' ? [e.message] : []));

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ha-lab-debs-'));
  mirror = await startFakeMirror(archiveFiles(PACKAGES));
  events = [];
});

afterEach(async () => {
  await mirror.close();
  await rm(dir, { recursive: true, force: true });
});

describe('openDebCache', () => {
  it('fetches InRelease, then Packages.gz by its hash, and reads the index; says the signature was not checked', async () => {
    const cache = await open();
    expect(mirror.requests).toEqual([
      '/debian/dists/bookworm/InRelease',
      expect.stringMatching(/^\/debian\/dists\/bookworm\/main\/binary-amd64\/by-hash\/SHA256\//),
    ]);
    expect(cache.suite).toBe('bookworm main');
    expect(cache.signature).toBe('unchecked');
    expect([...cache.index.packages.keys()]).toEqual(['socat', 'libc6']);
    expect(warnings()).toEqual([
      expect.stringMatching(/^InRelease's signature is not checked \(no .*no-keyring\.gpg/),
    ]);
  });

  it('reads the index from the cache while InRelease is unchanged', async () => {
    await open();
    mirror.requests.length = 0;
    await open();
    expect(mirror.requests).toEqual(['/debian/dists/bookworm/InRelease']);
  });

  it('refuses a Packages.gz whose sha256 is not the one InRelease lists, and keeps none of it', async () => {
    const path = [...mirror.files.keys()].find((p) => p.includes('by-hash'))!;
    mirror.files.set(path, Buffer.alloc(mirror.files.get(path)!.length, 1));
    await expect(open()).rejects.toMatchObject({ code: 'checksum-mismatch', exitCode: 1 });
    expect((await readdir(join(dir, 'debs'))).filter((f) => f.startsWith('Packages'))).toEqual([]);
  });

  it('refuses an InRelease whose signature does not verify, when gpgv can check it', async () => {
    const emptyKeyring = join(dir, 'empty.gpg');
    await writeFile(emptyKeyring, '');
    const opened = open({ keyring: emptyKeyring });
    if (await findHostProgram('gpgv')) {
      await expect(opened).rejects.toMatchObject({ code: 'debian-signature-bad' });
      expect(existsSync(join(dir, 'debs', 'InRelease'))).toBe(false);
    } else {
      expect((await opened).signature).toBe('unchecked');
    }
  });

  it('refuses an InRelease of another suite', async () => {
    mirror.files = archiveFiles(PACKAGES, { codename: 'trixie' });
    const other = await startFakeMirror(mirror.files);
    try {
      await expect(open({ mirror: other.url })).rejects.toThrow(
        /InRelease is for trixie, not bookworm: check HA_LAB_DEBIAN_MIRROR/,
      );
    } finally {
      await other.close();
    }
  });

  it('uses the index of the last run, with a warning, when the mirror cannot be reached', async () => {
    await open();
    events = [];
    const cache = await open({ mirror: await deadMirrorUrl() });
    expect(cache.index.packages.has('socat')).toBe(true);
    expect(warnings()[0]).toMatch(
      /^could not download http:\/\/127\.0\.0\.1:\d+\/debian\/dists\/bookworm\/InRelease: .*: using the Debian index of the last run$/,
    );
  });

  it('keeps the last InRelease whose index it holds when a newer index cannot be fetched', async () => {
    await open();
    const next = archiveFiles([{ name: 'socat', version: '1.7.4.4-3' }]);
    for (const path of next.keys()) if (path.includes('by-hash')) next.delete(path);
    const broken = await startFakeMirror(next);
    try {
      await expect(open({ mirror: broken.url })).rejects.toThrow(/answered HTTP 404/);
    } finally {
      await broken.close();
    }
    const cache = await open({ mirror: await deadMirrorUrl() });
    expect(cache.index.packages.get('socat')?.version).toBe('1.7.4.4-2');
  });

  it('fails in one line when the mirror cannot be reached and nothing is cached', async () => {
    const opened = open({ mirror: await deadMirrorUrl() });
    await expect(opened).rejects.toMatchObject({ code: 'download-failed' });
    await expect(opened).rejects.toThrow(
      /^could not download http:\/\/127\.0\.0\.1:\d+\/debian\/dists\/bookworm\/InRelease: .*; set HA_LAB_DEBIAN_MIRROR to a Debian mirror this machine reaches$/,
    );
  });
});

describe('fillDebPool', () => {
  it('fetches each .deb once, checked by sha256, and keeps it for later runs', async () => {
    const cache = await open();
    const debs = [...cache.index.packages.values()];
    expect(await fillDebPool(cache, [...debs, ...debs], { signal })).toEqual({
      downloaded: 2,
      downloadedBytes: debs.reduce((sum, d) => sum + d.size, 0),
      cached: 0,
    });
    expect(existsSync(debPath(cache, debs[0]!))).toBe(true);
    const again = await open();
    expect(await fillDebPool(again, debs, { signal })).toMatchObject({ downloaded: 0, cached: 2 });
  });

  it('fetches again a cached .deb whose bytes changed, and refuses one the mirror serves wrong', async () => {
    const cache = await open();
    const [socat, libc6] = [...cache.index.packages.values()];
    await fillDebPool(cache, [socat!], { signal });
    await writeFile(debPath(cache, socat!), 'not what the index says!!!');
    expect(await fillDebPool(await open(), [socat!], { signal })).toMatchObject({
      downloaded: 1,
    });
    mirror.files.set(`/debian/${libc6!.filename}`, Buffer.from('tampered'));
    await expect(fillDebPool(cache, [libc6!], { signal })).rejects.toMatchObject({
      code: 'checksum-mismatch',
    });
    expect(await readdir(join(dir, 'debs', 'pool'))).toEqual(['socat_1.7.4.4-2_amd64.deb']);
  });

  it('drops the .debs and the index a new index no longer names', async () => {
    const cache = await open();
    await fillDebPool(cache, [...cache.index.packages.values()], { signal });
    const next = await startFakeMirror(
      archiveFiles([{ name: 'socat', version: '1.7.4.4-3' }, PACKAGES[1]!]),
    );
    try {
      await open({ mirror: next.url });
    } finally {
      await next.close();
    }
    expect(await readdir(join(dir, 'debs', 'pool'))).toEqual(['libc6_2.36-9_amd64.deb']);
    expect((await readdir(join(dir, 'debs'))).filter((f) => f.startsWith('Packages'))).toHaveLength(
      1,
    );
  });
});
