import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import type { Client, ClientChannel, SFTPWrapper } from 'ssh2';
import { HaLabError, RuntimeError } from '../../core/errors.js';
import type { ExecOptions, ExecResult } from '../node-runner.js';
import type { LineStream } from '../provider.js';
import { ChannelGate, isChannelRefusal } from './channel-gate.js';
import { signalNumber, stopChannel } from './ssh-channel.js';
import type { SshTarget } from './ssh-auth.js';

export type { SshTarget } from './ssh-auth.js';

const DEFAULT_EXEC_TIMEOUT_MS = 120_000;
/** A refused channel is asked for again this many times in all, 100 ms more apart each time. */
const CHANNEL_REFUSAL_TRIES = 5;
const CHANNEL_RETRY_MS = 100;

/** One SSH connection to a host, kept open for the whole command; commands run on channels. */
export class SshConnection {
  private lost: RuntimeError | undefined;
  private readonly onLost = new Set<(error: RuntimeError) => void>();
  private readonly gate = new ChannelGate();

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
      const listen = (opened: ClientChannel) => {
        if (done) return stopChannel(opened);
        channel = opened;
        opened.on('data', (chunk: Buffer) => stdout.push(chunk));
        opened.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
        opened.on('exit', (code: number | null, signal?: string) => {
          exitCode = typeof code === 'number' ? code : 128 + signalNumber(signal);
        });
        opened.on('close', () => finish());
        opened.end(options.input);
      };
      this.openChannel((opened) => this.client.exec(command, opened), listen).catch(finish);
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
    return this.openChannel(
      (opened: (error: Error | undefined, channel: ClientChannel) => void) =>
        this.client.exec(command, opened),
      (channel): LineStream => {
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
        return {
          ended,
          close() {
            stopChannel(channel);
            end();
          },
        };
      },
    );
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
    return this.openChannel<SFTPWrapper, SFTPWrapper>(
      (opened) => this.client.sftp(opened),
      (sftp) => sftp,
      (error) =>
        new RuntimeError(
          'sftp-unavailable',
          `${this.target.name}: cannot open an SFTP session (${error.message}): enable the sftp subsystem in the host's sshd_config`,
        ),
    );
  }

  /**
   * Opens a channel within the connection's bound (see ChannelGate), its slot freed when the
   * channel closes. A refusal is tried again a few times: the gate has then learnt the host's
   * limit, and a refusal with nothing else open is a slot the host is still freeing.
   * A host that dies before answering fails this with the connection.
   */
  private async openChannel<T extends NodeJS.EventEmitter, R>(
    open: (opened: (error: Error | undefined, channel: T) => void) => void,
    setup: (channel: T) => R,
    failed: (error: Error) => RuntimeError = (error) => this.channelFailed(error),
  ): Promise<R> {
    for (let attempt = 1; ; attempt += 1) {
      await this.gate.acquire();
      try {
        if (this.lost) throw this.lost;
        return await new Promise<R>((resolve, reject) => {
          const onLost = (error: RuntimeError) => reject(error);
          this.onLost.add(onLost);
          try {
            open((error, opened) => {
              this.onLost.delete(onLost);
              if (error) return reject(error);
              opened.once('close', () => this.gate.release());
              // At once: ssh2 may emit the command's exit right after this callback returns.
              resolve(setup(opened));
            });
          } catch (error) {
            // ssh2 throws at once when the socket has just closed.
            this.onLost.delete(onLost);
            reject(this.lost ?? (error as Error));
          }
        });
      } catch (error) {
        if (!isChannelRefusal(error)) {
          this.gate.release();
          throw error instanceof HaLabError ? error : failed(error as Error);
        }
        this.gate.refused();
        if (attempt >= CHANNEL_REFUSAL_TRIES) throw failed(error as Error);
        await delay(CHANNEL_RETRY_MS * attempt);
      }
    }
  }

  close(): void {
    this.client.end();
  }
}
