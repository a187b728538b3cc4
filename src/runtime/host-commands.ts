import { createWriteStream } from 'node:fs';
import { execa } from 'execa';
import { RuntimeError } from '../core/errors.js';

export interface HostCommandOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Appends stdout and stderr here (build logs); the error names this file. */
  logFile?: string;
  signal?: AbortSignal | undefined;
  timeoutMs?: number;
  input?: string | Buffer;
}

function execaOptions(options: HostCommandOptions) {
  return {
    ...(options.cwd !== undefined && { cwd: options.cwd }),
    ...(options.env !== undefined && { env: options.env }),
    ...(options.signal !== undefined && { cancelSignal: options.signal }),
    ...(options.timeoutMs !== undefined && { timeout: options.timeoutMs }),
    ...(options.input !== undefined && { input: options.input }),
  };
}

/** Runs a program on the host; a failure becomes one line naming the command and its log. */
export async function runHost(
  file: string,
  args: string[],
  options: HostCommandOptions = {},
): Promise<string> {
  const log = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined;
  try {
    const child = execa(file, args, { ...execaOptions(options), all: true, reject: false });
    if (log) {
      log.write(`$ ${file} ${args.join(' ')}\n`);
      child.all?.pipe(log, { end: false });
    }
    const result = await child;
    if (result.isCanceled)
      throw options.signal?.reason ?? new RuntimeError('canceled', `${file} was canceled`);
    if (result.exitCode !== 0 || result.failed) {
      const where = options.logFile
        ? `; see ${options.logFile}`
        : `: ${String(result.all ?? '')
            .split('\n')
            .slice(-3)
            .join(' | ')}`;
      const why = result.timedOut
        ? 'timed out'
        : `exited ${result.exitCode ?? result.signal ?? 'abnormally'}`;
      throw new RuntimeError(
        'host-command-failed',
        `\`${file} ${args.slice(0, 3).join(' ')}\` ${why}${where}`,
      );
    }
    return result.stdout;
  } finally {
    log?.end();
  }
}

/**
 * Runs a program on the host with the user's terminal (stdin, stdout, stderr passed through),
 * as if they had typed it; returns its exit code.
 */
export async function runHostAttached(
  file: string,
  args: string[],
  options: HostCommandOptions = {},
): Promise<number> {
  const result = await execa(file, args, {
    ...execaOptions(options),
    stdio: 'inherit',
    reject: false,
  });
  if (result.isCanceled)
    throw options.signal?.reason ?? new RuntimeError('canceled', `${file} was canceled`);
  return result.exitCode ?? 1;
}

/** Starts a program that outlives this process (own session, no stdio): cleanup after exit. */
export function startDetached(file: string, args: string[]): void {
  execa(file, args, { detached: true, stdio: 'ignore', cleanup: false, reject: false }).unref();
}
