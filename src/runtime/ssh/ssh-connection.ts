import { createInterface } from 'node:readline';
import { Client, type ClientChannel, type ConnectConfig, type SFTPWrapper } from 'ssh2';
import { HaLabError, RuntimeError } from '../../core/errors.js';
import type { ExecOptions, ExecResult } from '../node-runner.js';
import type { LineStream } from '../provider.js';
import { connectionError, unreachable } from './connect-errors.js';
import type { HostKeyVerifier } from './host-key-policy.js';
import { signalNumber, stopChannel } from './ssh-channel.js';
import { authConfig, type SshTarget } from './ssh-auth.js';

export type { SshTarget } from './ssh-auth.js';

/** An unreachable host fails within this (the bound; ssh(1) would wait minutes). */
export const CONNECT_TIMEOUT_MS = 10_000;
/** Keepalive: a host that stops answering is declared lost after 15-20 s (measured: 20 s). */
const KEEPALIVE_INTERVAL_MS = 5_000;
const KEEPALIVE_COUNT_MAX = 3;
const DEFAULT_EXEC_TIMEOUT_MS = 120_000;

export interface SshConnectOptions {
  /** Shared by every host of a command, so first-seen pins are written one at a time. */
  hostKeys: HostKeyVerifier;
  signal?: AbortSignal | undefined;
  timeoutMs?: number;
}

/**
 * Opens the one connection a command keeps to a host. The private key is read here, in the
 * operator's process, handed to ssh2 and never logged or sent anywhere but the SSH handshake.
 */
export async function connectSsh(
  target: SshTarget,
  options: SshConnectOptions,
): Promise<SshConnection> {
  options.signal?.throwIfAborted();
  const timeoutMs = options.timeoutMs ?? CONNECT_TIMEOUT_MS;
  const auth = await authConfig(target);
  const algorithms = await options.hostKeys.algorithms(target);
  const client = new Client();
  return new Promise<SshConnection>((resolve, reject) => {
    let hostKeyError: HaLabError | undefined;
    let settled = false;
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (error === undefined) return resolve(new SshConnection(client, target));
      client.destroy();
      reject(error);
    };
    // ssh2's readyTimeout covers the TCP connect and the handshake; this one also covers a
    // host that answers TCP but stalls the key exchange, and the host-key check itself.
    const timer = setTimeout(
      () =>
        finish(unreachable(target, `no SSH handshake within ${Math.round(timeoutMs / 1000)} s`)),
      timeoutMs,
    );
    const onAbort = () => finish(options.signal?.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    client.on('ready', () => finish());
    // Errors after `ready` belong to the connection object; this listener keeps them from
    // crashing the process in the meantime.
    client.on('error', (error) =>
      finish(hostKeyError ?? connectionError(error, target, timeoutMs)),
    );
    client.on('close', () =>
      finish(hostKeyError ?? unreachable(target, 'the connection closed during the handshake')),
    );
    const config: ConnectConfig = {
      host: target.address,
      port: target.port,
      username: target.user,
      ...auth,
      readyTimeout: timeoutMs,
      keepaliveInterval: KEEPALIVE_INTERVAL_MS,
      keepaliveCountMax: KEEPALIVE_COUNT_MAX,
      tryKeyboard: false,
      algorithms: { serverHostKey: algorithms },
      hostVerifier: (key: Buffer, verify: (valid: boolean) => void) => {
        options.hostKeys.verify(target, key).then(
          (error) => {
            hostKeyError = error;
            verify(error === undefined);
          },
          (error: unknown) => {
            hostKeyError =
              error instanceof HaLabError
                ? error
                : new RuntimeError(
                    'host-key-check-failed',
                    `${target.name}: cannot check the host key (${(error as Error).message})`,
                  );
            verify(false);
          },
        );
      },
    };
    client.connect(config);
  });
}

/** One SSH connection to a host, kept open for the whole command; commands run on channels. */
export class SshConnection {
  private lost: RuntimeError | undefined;
  private readonly onLost = new Set<(error: RuntimeError) => void>();

  constructor(
    private readonly client: Client,
    readonly target: SshTarget,
  ) {
    const lose = (reason: string) => {
      this.lost ??= new RuntimeError(
        'ssh-connection-lost',
        `${target.name} (${target.address}:${target.port}): the SSH connection was lost (${reason})`,
      );
      for (const listener of this.onLost) listener(this.lost);
    };
    client.on('error', (error) => lose(error.message));
    client.on('close', () => lose('closed'));
  }

  get isOpen(): boolean {
    return this.lost === undefined;
  }

  /**
   * Runs a command line (already quoted for the remote shell) on a new channel. `input` goes
   * to its stdin, never onto the command line. A timeout or abort signals the command (TERM)
   * and closes the channel.
   */
  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    if (this.lost) return Promise.reject(this.lost);
    options.signal?.throwIfAborted();
    const timeoutMs = options.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS;
    return new Promise<ExecResult>((resolve, reject) => {
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let channel: ClientChannel | undefined;
      let exitCode: number | undefined;
      let done = false;
      const finish = (error?: unknown) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        this.onLost.delete(onLost);
        if (error === undefined && exitCode !== undefined) {
          return resolve({
            stdout: Buffer.concat(stdout).toString('utf8'),
            stderr: Buffer.concat(stderr).toString('utf8'),
            exitCode,
          });
        }
        if (channel) stopChannel(channel);
        reject(
          error ??
            this.lost ??
            new RuntimeError(
              'ssh-channel-closed',
              `${this.target.name}: the command's channel closed without an exit status`,
            ),
        );
      };
      const timer = setTimeout(() => {
        const shown = command.length > 80 ? `${command.slice(0, 77)}...` : command;
        finish(
          new RuntimeError(
            'exec-timeout',
            `${this.target.name}: \`${shown}\` did not finish within ${Math.round(timeoutMs / 1000)} s`,
          ),
        );
      }, timeoutMs);
      const onAbort = () => finish(options.signal?.reason);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const onLost = (error: RuntimeError) => finish(error);
      this.onLost.add(onLost);
      try {
        this.client.exec(command, (error, opened) => {
          if (error) return finish(this.channelFailed(error));
          if (done) return stopChannel(opened);
          channel = opened;
          opened.on('data', (chunk: Buffer) => stdout.push(chunk));
          opened.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
          opened.on('exit', (code: number | null, signal?: string) => {
            exitCode = typeof code === 'number' ? code : 128 + signalNumber(signal);
          });
          opened.on('close', () => finish());
          opened.end(options.input);
        });
      } catch (error) {
        // ssh2 throws at once when the socket has just closed.
        finish(this.lost ?? this.channelFailed(error as Error));
      }
    });
  }

  /**
   * Starts a long-running command line (already quoted) whose stdout is handed to `onLine`
   * line by line: one channel for as long as it runs, instead of one command per sample.
   * `ended` resolves when the command exits, the connection is lost or `close()` is called;
   * close() also signals the command, which would otherwise run on without its reader.
   */
  streamLines(command: string, onLine: (line: string) => void): Promise<LineStream> {
    if (this.lost) return Promise.reject(this.lost);
    return new Promise<LineStream>((resolve, reject) => {
      try {
        this.client.exec(command, (error, channel) => {
          if (error) return reject(this.channelFailed(error));
          let finish!: () => void;
          const ended = new Promise<void>((done) => {
            finish = done;
          });
          const lines = createInterface({ input: channel });
          const end = () => {
            this.onLost.delete(end);
            lines.close();
            finish();
          };
          lines.on('line', onLine);
          channel.stderr.resume();
          channel.on('close', end);
          this.onLost.add(end);
          // The command reads EOF, never a stdin the caller does not feed.
          channel.end();
          resolve({
            ended,
            close() {
              stopChannel(channel);
              end();
            },
          });
        });
      } catch (error) {
        reject(this.lost ?? this.channelFailed(error as Error));
      }
    });
  }

  private channelFailed(error: Error): RuntimeError {
    return new RuntimeError(
      'ssh-channel-failed',
      `${this.target.name}: cannot start a command over SSH (${error.message})`,
    );
  }

  /** A new SFTP session on this connection (the caller ends it). */
  sftp(): Promise<SFTPWrapper> {
    if (this.lost) return Promise.reject(this.lost);
    return new Promise<SFTPWrapper>((resolve, reject) => {
      // A host that dies before answering the channel request fails this with the connection.
      const onLost = (error: RuntimeError) => reject(error);
      this.onLost.add(onLost);
      const failed = (error: Error) =>
        new RuntimeError(
          'sftp-unavailable',
          `${this.target.name}: cannot open an SFTP session (${error.message}): enable the sftp subsystem in the host's sshd_config`,
        );
      try {
        this.client.sftp((error, sftp) => {
          this.onLost.delete(onLost);
          if (error) reject(failed(error));
          else resolve(sftp);
        });
      } catch (error) {
        this.onLost.delete(onLost);
        reject(this.lost ?? failed(error as Error));
      }
    });
  }

  close(): void {
    this.client.end();
  }
}
