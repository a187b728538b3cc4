import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { RuntimeError, firstLine } from '../../core/errors.js';
import { sha256File } from '../artifacts/cache-manifest.js';

/**
 * HTTP from the operator's machine to the Debian mirror, for the few files the package cache
 * needs. Every request has its own deadline besides the caller's signal, so a stalled mirror
 * fails the step instead of hanging it.
 */

export interface DownloadOptions {
  signal: AbortSignal;
  timeoutMs: number;
}

async function get(url: string, options: DownloadOptions): Promise<Response> {
  const deadline = AbortSignal.timeout(options.timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.any([options.signal, deadline]) });
  } catch (error) {
    throw downloadError(url, error, options);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new RuntimeError('download-failed', `${url} answered HTTP ${response.status}`);
  }
  return response;
}

/** A whole (small) file in memory: the InRelease. */
export async function fetchBytes(url: string, options: DownloadOptions): Promise<Buffer> {
  const response = await get(url, options);
  try {
    return Buffer.from(await response.arrayBuffer());
  } catch (error) {
    throw downloadError(url, error, options);
  }
}

export interface Expected {
  sha256: string;
  size: number;
}

/**
 * Streams `url` into `path`, checked against the size and sha256 the signed index gives, and
 * renamed into place only then: `path` holds the right bytes or nothing, also when two
 * ha-lab processes fill the same cache at once (each writes its own part file).
 */
export async function downloadChecked(
  url: string,
  path: string,
  expected: Expected,
  options: DownloadOptions,
): Promise<void> {
  const part = `${path}.part-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const response = await get(url, options);
    if (!response.body) throw new RuntimeError('download-failed', `${url} sent no body`);
    const hash = createHash('sha256');
    let size = 0;
    const count = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        size += chunk.length;
        // More than the index promised is already wrong: stop before filling the disk.
        if (size > expected.size) done(mismatch(url, `more than ${expected.size} bytes`));
        else done(null, chunk);
      },
    });
    try {
      await pipeline(
        Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
        count,
        createWriteStream(part),
      );
    } catch (error) {
      if (error instanceof RuntimeError) throw error;
      throw downloadError(url, error, options);
    }
    const sha256 = hash.digest('hex');
    if (size !== expected.size) throw mismatch(url, `${size} bytes, not ${expected.size}`);
    if (sha256 !== expected.sha256) {
      throw mismatch(url, `sha256 ${sha256.slice(0, 16)}…, not ${expected.sha256.slice(0, 16)}…`);
    }
    await rename(part, path);
  } finally {
    await rm(part, { force: true });
  }
}

/** Whether `path` already holds exactly the expected bytes (a cache hit). */
export async function holdsExpected(path: string, expected: Expected): Promise<boolean> {
  try {
    if ((await stat(path)).size !== expected.size) return false;
    return (await sha256File(path)) === expected.sha256;
  } catch {
    return false;
  }
}

function mismatch(url: string, what: string): RuntimeError {
  return new RuntimeError(
    'checksum-mismatch',
    `${url} arrived with ${what} (the signed index says otherwise): refusing it; a proxy or mirror in between changed it`,
  );
}

function downloadError(url: string, error: unknown, options: DownloadOptions): Error {
  options.signal.throwIfAborted();
  const name = (error as Error).name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new RuntimeError(
      'download-timeout',
      `${url} did not arrive within ${Math.round(options.timeoutMs / 1000)} s`,
    );
  }
  const cause = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
  return new RuntimeError('download-failed', `could not download ${url}: ${firstLine(cause)}`, {
    cause: error,
  });
}
