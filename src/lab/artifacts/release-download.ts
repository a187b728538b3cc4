import { createHash } from 'node:crypto';
import { chmod, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RuntimeError } from '../../core/errors.js';
import { runHost } from '../../runtime/host-commands.js';
import { ETCD_VERSION, KUBERNETES_COMMANDS, type KubernetesVersion } from '../versions.js';
import { type BuildContext, progress, warn } from './artifact-context.js';
import { buildEntry, checkEntry, entryDir, hashInputs } from './cache-manifest.js';
import type { BinarySet } from './go-binaries.js';

/**
 * The path for machines with internet: official release binaries, each checked against the
 * published sha256 before it is cached. Base URLs are configurable so a mirror works too.
 */
export const DEFAULT_KUBERNETES_RELEASE_URL = 'https://dl.k8s.io/release';
export const DEFAULT_ETCD_RELEASE_URL = 'https://github.com/etcd-io/etcd/releases/download';

export interface ReleaseSource {
  kubernetesBaseUrl: string;
  etcdBaseUrl: string;
  arch?: string;
}

const DOWNLOAD_TIMEOUT_MS = 600_000;

async function fetchBytes(url: string, signal?: AbortSignal): Promise<Buffer> {
  // Always a deadline, also when the caller passes its own (Ctrl-C) signal: a stalled mirror must not hang `build`.
  const deadline = AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS);
  let response: Response;
  try {
    response = await fetch(url, {
      signal: signal ? AbortSignal.any([signal, deadline]) : deadline,
    });
  } catch (error) {
    throw new RuntimeError(
      'download-failed',
      `could not download ${url}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (!response.ok) {
    throw new RuntimeError(
      'download-failed',
      `download of ${url} failed with HTTP ${response.status}: check the release base URL`,
    );
  }
  try {
    return Buffer.from(await response.arrayBuffer());
  } catch (error) {
    throw new RuntimeError(
      'download-failed',
      `download of ${url} broke off: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function verify(url: string, bytes: Buffer, expected: string): void {
  const actual = sha256(bytes);
  if (actual !== expected.toLowerCase()) {
    throw new RuntimeError(
      'checksum-mismatch',
      `sha256 of ${url} is ${actual.slice(0, 16)}…, the release says ${expected.slice(0, 16)}…: refusing to use it`,
    );
  }
}

/** Parses a `sha256sum` style file ("<hex>  <name>" per line) or a bare hex digest. */
export function parseChecksums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([0-9a-fA-F]{64})(?:\s+\*?(\S+))?\s*$/.exec(line.trim());
    if (match?.[1]) sums.set(match[2] ?? '', match[1].toLowerCase());
  }
  return sums;
}

async function ensureDownloaded(
  ctx: BuildContext,
  component: string,
  version: string,
  source: string,
  fill: (scratch: string) => Promise<void>,
): Promise<BinarySet> {
  const inputsHash = hashInputs(['release', component, version, source]);
  const dir = entryDir(ctx.cacheRoot, 'bin', component, version, inputsHash);
  const check = await checkEntry(dir);
  if (check.ok && !ctx.force)
    return { component, version, dir, files: Object.keys(check.manifest.files) };
  if (!check.ok && check.reason !== 'not built yet')
    warn(
      ctx,
      `cache entry ${component} ${version} is corrupted (${check.reason}): downloading again`,
    );
  const manifest = await buildEntry(
    dir,
    { component, version, inputsHash, source: 'release-download' },
    fill,
  );
  return { component, version, dir, files: Object.keys(manifest.files) };
}

export async function downloadKubernetesBinaries(
  version: KubernetesVersion,
  release: ReleaseSource,
  ctx: BuildContext,
): Promise<BinarySet> {
  const arch = release.arch ?? 'amd64';
  const base = `${release.kubernetesBaseUrl.replace(/\/$/, '')}/${version.version}/bin/linux/${arch}`;
  return ensureDownloaded(ctx, 'kubernetes', version.version, base, async (scratch) => {
    for (const command of KUBERNETES_COMMANDS) {
      progress(ctx, 'artifacts', `downloading ${command} ${version.version}`);
      const url = `${base}/${command}`;
      const expected = [
        ...parseChecksums(
          (await fetchBytes(`${url}.sha256`, ctx.signal)).toString('utf8'),
        ).values(),
      ][0];
      if (!expected)
        throw new RuntimeError('checksum-missing', `${url}.sha256 holds no sha256 digest`);
      const bytes = await fetchBytes(url, ctx.signal);
      verify(url, bytes, expected);
      await writeFile(join(scratch, command), bytes);
      await chmod(join(scratch, command), 0o755);
    }
  });
}

export async function downloadEtcdBinaries(
  release: ReleaseSource,
  ctx: BuildContext,
): Promise<BinarySet> {
  const arch = release.arch ?? 'amd64';
  const name = `etcd-${ETCD_VERSION}-linux-${arch}`;
  const base = `${release.etcdBaseUrl.replace(/\/$/, '')}/${ETCD_VERSION}`;
  return ensureDownloaded(ctx, 'etcd', ETCD_VERSION, base, async (scratch) => {
    progress(ctx, 'artifacts', `downloading ${name}.tar.gz`);
    const sums = parseChecksums(
      (await fetchBytes(`${base}/SHA256SUMS`, ctx.signal)).toString('utf8'),
    );
    const expected = sums.get(`${name}.tar.gz`);
    if (!expected)
      throw new RuntimeError('checksum-missing', `${base}/SHA256SUMS does not list ${name}.tar.gz`);
    const url = `${base}/${name}.tar.gz`;
    const bytes = await fetchBytes(url, ctx.signal);
    verify(url, bytes, expected);
    const unpack = join(scratch, '.unpack');
    await mkdir(unpack);
    await runHost('tar', ['-xzf', '-', '-C', unpack], { input: bytes });
    const inner = join(unpack, name);
    const files = await readdir(inner);
    for (const binary of ['etcd', 'etcdctl', 'etcdutl']) {
      if (!files.includes(binary))
        throw new RuntimeError('release-layout', `${url} has no ${name}/${binary}`);
      await rename(join(inner, binary), join(scratch, binary));
    }
    await rm(unpack, { recursive: true, force: true });
  });
}
