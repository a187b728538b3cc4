import { constants } from 'node:fs';
import { access, mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { RuntimeError, asHaLabError, firstLine } from '../../core/errors.js';
import type { EventSink } from '../../core/events.js';
import { cacheRoot } from '../../core/paths.js';
import { type DebIndex, parsePackagesIndex } from '../../provision/deb-index.js';
import { clearsignedText, parseRelease, type ReleaseFile } from '../../provision/deb-release.js';
import { runHost } from '../../runtime/host-commands.js';
import { findHostProgram } from '../../runtime/host-facts.js';
import { SUPPORTED_OS } from '../inventory/host-requirements.js';
import { downloadChecked, fetchBytes, holdsExpected } from './download.js';
import { mib, packagesProgress, packagesWarning } from './events.js';
import { debianMirror } from './mirror.js';

/**
 * The operator's copy of the Debian index the hosts' packages come from, fetched straight
 * from the mirror over HTTP (the operator's machine need not run Debian, Docker or apt).
 * The chain of trust is apt's: InRelease is checked with gpgv against Debian's archive
 * keyring when this machine has both; it lists the sha256 of Packages.gz, which lists the
 * sha256 of every .deb. Only bookworm's main component: everything ha-lab installs is there
 * (bookworm-updates and the security archive are left to the hosts' own apt).
 */
export const DEBIAN_KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
/** The only architecture fetched so far; other hosts are refused with what to install. */
export const DEB_ARCHITECTURE = 'amd64';
const COMPONENT = 'main';
const RELEASE_TIMEOUT_MS = 30_000;
const INDEX_TIMEOUT_MS = 300_000;

export interface DebCacheOptions {
  signal: AbortSignal;
  events?: EventSink;
  /** The archive's root URL; default HA_LAB_DEBIAN_MIRROR, else this machine's, else deb.debian.org. */
  mirror?: string;
  /** Default: <cache root>/debs/bookworm-amd64. */
  cacheDir?: string;
  /** The keyring InRelease must verify against (tests point it elsewhere). */
  keyring?: string;
}

export interface DebCache {
  readonly mirror: string;
  readonly dir: string;
  /** "bookworm main", for messages. */
  readonly suite: string;
  readonly release: ReleaseFile;
  readonly index: DebIndex;
  /** Whether gpgv checked InRelease's signature, or only the sha256 chain protects it. */
  readonly signature: 'verified' | 'unchecked';
  /** Pool files whose sha256 this process has checked (each is hashed once per command). */
  readonly checked: Set<string>;
}

export function debCacheDir(): string {
  return join(cacheRoot(), 'debs', `${SUPPORTED_OS.codename}-${DEB_ARCHITECTURE}`);
}

/** The index, from the mirror when it changed since the last run, else from the cache. */
export async function openDebCache(options: DebCacheOptions): Promise<DebCache> {
  const mirror = (options.mirror ?? (await debianMirror())).replace(/\/+$/, '');
  const dir = options.cacheDir ?? debCacheDir();
  await mkdir(join(dir, 'pool'), { recursive: true });
  const fetched = await currentRelease(mirror, dir, options);
  try {
    const cache = await readIndex(mirror, dir, fetched, options);
    // Only now: the cached InRelease always names an index the cache holds, so a later run
    // without the mirror still finds both.
    if (fetched.pending) await rename(fetched.pending, join(dir, 'InRelease'));
    return cache;
  } finally {
    if (fetched.pending) await rm(fetched.pending, { force: true });
  }
}

async function readIndex(
  mirror: string,
  dir: string,
  { text, signature }: VerifiedRelease,
  options: DebCacheOptions,
): Promise<DebCache> {
  const codename = SUPPORTED_OS.codename;
  const release = parseRelease(text);
  if (release.codename !== codename) {
    throw new RuntimeError(
      'debian-index-wrong-suite',
      `${mirror}/dists/${codename}/InRelease is for ${release.codename}, not ${codename}: check HA_LAB_DEBIAN_MIRROR`,
    );
  }
  const path = `${COMPONENT}/binary-${DEB_ARCHITECTURE}/Packages.gz`;
  const listed = release.files.get(path);
  if (!listed) {
    throw new RuntimeError(
      'debian-index-missing',
      `${mirror}/dists/${codename}/InRelease lists no ${path}: the mirror does not carry ${DEB_ARCHITECTURE}`,
    );
  }
  const local = join(dir, `Packages-${listed.sha256.slice(0, 16)}.gz`);
  const refreshed = !(await holdsExpected(local, listed));
  if (refreshed) {
    const where = release.acquireByHash
      ? `${COMPONENT}/binary-${DEB_ARCHITECTURE}/by-hash/SHA256/${listed.sha256}`
      : path;
    packagesProgress(
      options.events,
      `fetching the ${codename} ${COMPONENT} index (${mib(listed.size)})`,
    );
    await downloadChecked(`${mirror}/dists/${codename}/${where}`, local, listed, {
      signal: options.signal,
      timeoutMs: INDEX_TIMEOUT_MS,
    });
  }
  const packages = (await promisify(gunzip)(await readFile(local))).toString('utf8');
  const index = parsePackagesIndex(packages, DEB_ARCHITECTURE);
  if (refreshed) await prune(dir, basename(local), index);
  return {
    mirror,
    dir,
    suite: `${codename} ${COMPONENT}`,
    release,
    index,
    signature,
    checked: new Set(),
  };
}

interface VerifiedRelease {
  text: string;
  signature: DebCache['signature'];
  /** A freshly fetched InRelease, to become the cached one once its index is in the cache. */
  pending?: string;
}

/**
 * The Release text, verified as far as this machine can. A mirror that cannot be reached
 * falls back to the InRelease of the last run (verified again), with a warning: the hosts'
 * packages can then still come from the cache.
 */
async function currentRelease(
  mirror: string,
  dir: string,
  options: DebCacheOptions,
): Promise<VerifiedRelease> {
  const url = `${mirror}/dists/${SUPPORTED_OS.codename}/InRelease`;
  const cached = join(dir, 'InRelease');
  let fresh: Buffer;
  try {
    fresh = await fetchBytes(url, { signal: options.signal, timeoutMs: RELEASE_TIMEOUT_MS });
  } catch (error) {
    options.signal.throwIfAborted();
    const { code, message } = asHaLabError(error);
    if (!(await exists(cached))) {
      throw new RuntimeError(
        code,
        `${message}: the hosts' packages come from there; set HA_LAB_DEBIAN_MIRROR to a Debian mirror this machine reaches`,
        { cause: error },
      );
    }
    packagesWarning(options.events, `${message}: using the Debian index of the last run`);
    return verifyRelease(url, cached, options);
  }
  const pending = `${cached}.new-${process.pid}`;
  try {
    await writeFile(pending, fresh);
    return { ...(await verifyRelease(url, pending, options)), pending };
  } catch (error) {
    await rm(pending, { force: true });
    throw error;
  }
}

async function verifyRelease(
  url: string,
  file: string,
  options: DebCacheOptions,
): Promise<VerifiedRelease> {
  const keyring = options.keyring ?? DEBIAN_KEYRING;
  const gpgv = await findHostProgram('gpgv');
  if (gpgv && (await exists(keyring))) {
    try {
      // gpgv's output is the signed text alone: nothing outside the signature is read.
      const text = await runHost(gpgv, ['--quiet', '--keyring', keyring, '--output', '-', file], {
        signal: options.signal,
        timeoutMs: RELEASE_TIMEOUT_MS,
      });
      return { text, signature: 'verified' };
    } catch (error) {
      options.signal.throwIfAborted();
      // runHost says "`gpgv ...` exited 2: line | line": gpgv's first line is the reason.
      const said = /exited \d+: (.*?)(?: \| |$)/.exec(firstLine((error as Error).message))?.[1];
      throw new RuntimeError(
        'debian-signature-bad',
        `${url} does not verify against ${keyring} (${said ?? 'gpgv failed'}): refusing the index; an outdated keyring needs a newer debian-archive-keyring package`,
        { cause: error },
      );
    }
  }
  packagesWarning(
    options.events,
    `InRelease's signature is not checked (${gpgv ? `no ${keyring}` : 'no gpgv'} on this machine): only the sha256 chain from it protects the packages; install gpgv and debian-archive-keyring, or use an https mirror (HA_LAB_DEBIAN_MIRROR)`,
  );
  try {
    return { text: clearsignedText(await readFile(file, 'utf8')), signature: 'unchecked' };
  } catch (error) {
    throw new RuntimeError('debian-index-unreadable', `${url}: ${(error as Error).message}`);
  }
}

/** When the index changes, the files only the old one named go: the cache does not grow forever. */
async function prune(dir: string, keepIndex: string, index: DebIndex): Promise<void> {
  for (const name of await readdir(dir)) {
    if (/^Packages-[0-9a-f]{16}\.gz$/.test(name) && name !== keepIndex) {
      await rm(join(dir, name), { force: true });
    }
  }
  const current = new Set([...index.packages.values()].map((p) => basename(p.filename)));
  for (const name of await readdir(join(dir, 'pool'))) {
    // Another ha-lab may be downloading into the pool right now: its part files stay.
    if (!current.has(name) && !name.includes('.part-')) {
      await rm(join(dir, 'pool', name), { force: true });
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}
