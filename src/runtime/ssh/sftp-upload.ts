import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { RuntimeError } from '../../core/errors.js';
import { nodeFileSha256 } from '../node-runner.js';
import { SftpSession } from './sftp-session.js';
import { shellQuote } from './shell-quote.js';
import type { SshRunner } from './ssh-runner.js';

/** 64 KiB requests, 16 in flight: about what OpenSSH's sftp keeps going, enough for a LAN. */
const CHUNK_BYTES = 64 * 1024;
const WINDOW = 16;
const IDLE_TIMEOUT_MS = 60_000;
/** Where a non-root login stages files before `sudo install` moves them into place. */
const STAGING_DIR = '.cache/ha-lab/uploads';

export interface UploadOptions {
  /** Mode of the installed file (default 0644). */
  mode?: number;
  /** The local file's sha256, when the caller knows it already (a cache manifest). */
  sha256?: string;
  signal?: AbortSignal | undefined;
  /** Called as bytes are acknowledged by the host: the bytes this call has sent so far. */
  onProgress?: (bytesSent: number) => void;
  /** Give up when no write is acknowledged for this long (default 60 s). */
  idleTimeoutMs?: number;
}

export interface UploadResult {
  path: string;
  sha256: string;
  size: number;
  /** The host already had this exact file: nothing was sent. */
  skipped: boolean;
  bytesSent: number;
  /** Bytes an earlier, interrupted upload had left on the host (not sent again). */
  resumedFrom: number;
}

/**
 * Puts a local file at `remotePath` on the host with the given mode, so that a second `up`
 * resends nothing that arrived: skipped when the host has the same sha256; otherwise written
 * to a `.part` file (continued from its size when an earlier upload was cut off), checked by
 * sha256 on the host, and renamed into place, so the path never holds half a file.
 */
export async function uploadFile(
  runner: SshRunner,
  localPath: string,
  remotePath: string,
  options: UploadOptions = {},
): Promise<UploadResult> {
  const { signal } = options;
  const size = (await stat(localPath)).size;
  const sha256 = options.sha256 ?? (await fileSha256(localPath, signal));
  const base = { path: remotePath, sha256, size };
  if ((await remoteSha256(runner, remotePath, signal)) === sha256) {
    return { ...base, skipped: true, bytesSent: 0, resumedFrom: 0 };
  }
  const session = new SftpSession(await runner.connection.sftp());
  try {
    const part = await partPath(runner, session, remotePath, sha256, signal);
    const upload = { node: runner.node, localPath, part, size };
    let sent = await sendPart(session, { ...upload, fresh: false }, options);
    let bytesSent = sent.bytesSent;
    let arrived = await remoteSha256(runner, part, signal);
    if (arrived !== sha256 && sent.resumedFrom > 0) {
      // The part was left by other content under the same name: send it whole, once.
      sent = await sendPart(session, { ...upload, fresh: true }, options);
      bytesSent += sent.bytesSent;
      arrived = await remoteSha256(runner, part, signal);
    }
    if (arrived !== sha256) {
      throw new RuntimeError(
        'upload-corrupted',
        `${runner.node}: ${remotePath} arrived with another sha256 than ${localPath}: the file changed while uploading, or the host's disk is failing`,
      );
    }
    await install(runner, part, remotePath, options.mode ?? 0o644, signal);
    return { ...base, skipped: false, bytesSent, resumedFrom: sent.resumedFrom };
  } finally {
    session.end();
  }
}

export async function fileSha256(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash, { signal });
  return hash.digest('hex');
}

/** The sha256 of a file on the host (as root), or undefined when it has none there. */
function remoteSha256(
  runner: SshRunner,
  path: string,
  signal?: AbortSignal,
): Promise<string | undefined> {
  return nodeFileSha256(runner, path, { signal, timeoutMs: 300_000 });
}

/**
 * Root writes `PATH.part` beside the destination, so the final rename is atomic. Another
 * login cannot write there: it stages in its own home, under a name carrying the content's
 * hash, so a part is only ever continued with the same content.
 */
async function partPath(
  runner: SshRunner,
  session: SftpSession,
  remotePath: string,
  sha256: string,
  signal?: AbortSignal,
): Promise<string> {
  if (!runner.usesSudo) {
    await check(
      runner,
      `create ${posix.dirname(remotePath)}`,
      ['mkdir', '-p', '--', posix.dirname(remotePath)],
      signal,
    );
    return `${remotePath}.part`;
  }
  const staging = posix.join(await session.realpath('.'), STAGING_DIR);
  // As the login user, not through sudo: the staged file must be the user's to write.
  const made = await runner.connection.exec(`mkdir -p -m 700 -- ${shellQuote(staging)}`, {
    signal,
  });
  if (made.exitCode !== 0) {
    throw new RuntimeError(
      'upload-staging-failed',
      `${runner.node}: cannot create ${staging}: ${made.stderr.trim()}`,
    );
  }
  return posix.join(staging, `${sha256.slice(0, 16)}-${posix.basename(remotePath)}.part`);
}

interface PartUpload {
  node: string;
  localPath: string;
  part: string;
  size: number;
  /** Start over even if a part is there (it held other content). */
  fresh: boolean;
}

/** Writes the local file into `part` from where an earlier attempt stopped (or from 0). */
async function sendPart(
  session: SftpSession,
  { node, localPath, part, size, fresh }: PartUpload,
  options: UploadOptions,
): Promise<{ bytesSent: number; resumedFrom: number }> {
  const existing = fresh ? undefined : await session.size(part);
  const start = existing !== undefined && existing <= size ? existing : 0;
  if (start === size && existing !== undefined) return { bytesSent: 0, resumedFrom: start };
  const handle = await session.open(part, start === 0);
  const file = await open(localPath, 'r');
  const idle = stallGuard(node, options.idleTimeoutMs ?? IDLE_TIMEOUT_MS, () => session.end());
  let acked = 0;
  let failure: { error: unknown } | undefined;
  const inFlight = new Set<Promise<void>>();
  try {
    for (let offset = start; offset < size && !failure && !idle.stalled;) {
      if (options.signal?.aborted) {
        failure = { error: options.signal.reason };
        break;
      }
      const length = Math.min(CHUNK_BYTES, size - offset);
      const buffer = Buffer.allocUnsafe(length);
      if ((await file.read(buffer, 0, length, offset)).bytesRead !== length) {
        throw new RuntimeError(
          'upload-source-changed',
          `${localPath} became shorter while uploading`,
        );
      }
      const write: Promise<void> = session.write(handle, buffer, offset).then(
        () => {
          acked += length;
          idle.progress();
          options.onProgress?.(acked);
        },
        (error: unknown) => {
          failure ??= { error };
        },
      );
      inFlight.add(write);
      void write.finally(() => inFlight.delete(write));
      offset += length;
      if (inFlight.size >= WINDOW) await idle.wait(Promise.race(inFlight));
    }
    // The host applies writes in order: once these settle, the part is a clean prefix.
    await idle.wait(Promise.all(inFlight));
  } finally {
    idle.stop();
    await file.close();
    await session.close(handle).catch(() => undefined);
  }
  if (idle.stalled) throw idle.stalled;
  if (failure !== undefined) throw failure.error;
  return { bytesSent: acked, resumedFrom: start };
}

/** Fails a wait when no write was acknowledged for `ms`, and ends the session to free it. */
function stallGuard(node: string, ms: number, abandon: () => void) {
  let last = Date.now();
  let stalled: RuntimeError | undefined;
  let timer: NodeJS.Timeout | undefined;
  return {
    get stalled() {
      return stalled;
    },
    progress: () => {
      last = Date.now();
    },
    wait: <T>(work: Promise<T>): Promise<T | undefined> =>
      new Promise<T | undefined>((resolve, reject) => {
        const tick = () => {
          const left = last + ms - Date.now();
          if (left > 0) return void (timer = setTimeout(tick, left));
          stalled = new RuntimeError(
            'upload-stalled',
            `${node}: the upload made no progress for ${Math.round(ms / 1000)} s`,
          );
          abandon();
          resolve(undefined);
        };
        timer = setTimeout(tick, ms);
        work.then(resolve, reject).finally(() => clearTimeout(timer));
      }),
    stop: () => clearTimeout(timer),
  };
}

/** Into place as root, atomically: a reader sees the old file or the new one, never half. */
async function install(
  runner: SshRunner,
  part: string,
  remotePath: string,
  mode: number,
  signal?: AbortSignal,
): Promise<void> {
  const octal = mode.toString(8).padStart(4, '0');
  const script = runner.usesSudo
    ? 'mkdir -p -- "$(dirname -- "$3")" && install -m "$1" -- "$2" "$3.part" && mv -f -- "$3.part" "$3" && rm -f -- "$2"'
    : 'chmod "$1" -- "$2" && mv -f -- "$2" "$3"';
  await check(
    runner,
    `install ${remotePath}`,
    ['sh', '-c', script, 'sh', octal, part, remotePath],
    signal,
  );
}

async function check(
  runner: SshRunner,
  what: string,
  command: string[],
  signal?: AbortSignal,
): Promise<void> {
  const result = await runner.exec(command, { signal });
  if (result.exitCode !== 0) {
    throw new RuntimeError(
      'upload-failed',
      `${runner.node}: cannot ${what}: ${result.stderr.trim().split('\n')[0]}`,
    );
  }
}
