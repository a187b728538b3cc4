import { RuntimeError } from '../../core/errors.js';
import type { ExecOptions, ExecResult, NodeRunner } from '../node-runner.js';
import { unreachable } from './connect-errors.js';
import type { HostKeyVerifier } from './host-key-policy.js';
import type { SshTarget } from './ssh-auth.js';
import { CONNECT_TIMEOUT_MS, type SshConnectOptions } from './ssh-connect.js';
import type { SshConnection } from './ssh-connection.js';
import { SshRunner } from './ssh-runner.js';

/** connectSsh's shape, so unit tests can hand in scripted connections. */
export type ConnectFn = (target: SshTarget, options: SshConnectOptions) => Promise<SshConnection>;

/**
 * The one connection a command keeps to each host: opened on first use, opened again when it
 * was lost (a power cycle, a host that stopped answering keepalives). Callers asking while a
 * connection is being opened share that attempt, so a burst of probes makes one handshake.
 */
export class HostLinks {
  private readonly links = new Map<string, Promise<SshConnection>>();
  private disposed = false;

  constructor(
    private readonly connect: ConnectFn,
    private readonly hostKeys: HostKeyVerifier,
    private readonly signal: AbortSignal | undefined,
  ) {}

  /**
   * The host's open connection, opened now when there is none; fails within `timeoutMs` (a
   * caller joining an attempt already under way waits no longer than its own bound either).
   */
  async connection(target: SshTarget, timeoutMs = CONNECT_TIMEOUT_MS): Promise<SshConnection> {
    if (this.disposed) {
      throw new RuntimeError(
        'ssh-provider-disposed',
        `${target.name}: the SSH connections of this command are already closed`,
      );
    }
    const key = hostKey(target);
    for (let known = this.links.get(key); known; known = this.links.get(key)) {
      // An attempt's failure is every joined caller's: trying again at once would only race it.
      const connection = await within(known, target, timeoutMs);
      if (connection.isOpen) return connection;
      // Lost: the first caller to notice replaces it; later ones join the replacement.
      if (this.links.get(key) === known) {
        this.links.delete(key);
        break;
      }
    }
    const attempt = this.open(target, timeoutMs);
    this.links.set(key, attempt);
    attempt.catch(() => {
      if (this.links.get(key) === attempt) this.links.delete(key);
    });
    return attempt;
  }

  /** Closes the host's connection (its machine was powered off); the next use reconnects. */
  drop(target: SshTarget): void {
    const key = hostKey(target);
    const known = this.links.get(key);
    this.links.delete(key);
    known?.then(
      (connection) => connection.close(),
      () => undefined,
    );
  }

  /** Closes every connection; any later use fails instead of opening a new one. */
  closeAll(): void {
    this.disposed = true;
    for (const known of this.links.values()) {
      known.then(
        (connection) => connection.close(),
        () => undefined,
      );
    }
    this.links.clear();
  }

  private async open(target: SshTarget, timeoutMs: number): Promise<SshConnection> {
    const connection = await this.connect(target, {
      hostKeys: this.hostKeys,
      signal: this.signal,
      timeoutMs,
    });
    // dispose() ran while the handshake was under way: nothing may outlive the command.
    if (this.disposed) {
      connection.close();
      throw new RuntimeError('ssh-provider-disposed', `${target.name}: the command is done`);
    }
    return connection;
  }
}

/**
 * A machine's runner that outlives its connection: each command runs on the host's current
 * connection, so a runner taken before a power cycle works after it. A command whose
 * connection drops while it runs fails (it may or may not have run); the next one reconnects.
 */
export class HostRunner implements NodeRunner {
  constructor(
    private readonly links: HostLinks,
    readonly target: SshTarget,
    readonly node: string,
  ) {}

  /** A runner over the current connection, for what needs one (an SFTP upload). */
  async current(timeoutMs?: number): Promise<SshRunner> {
    return new SshRunner(await this.links.connection(this.target, timeoutMs), this.node);
  }

  async exec(command: string[], options: ExecOptions = {}): Promise<ExecResult> {
    options.signal?.throwIfAborted();
    const connectMs = Math.min(options.timeoutMs ?? CONNECT_TIMEOUT_MS, CONNECT_TIMEOUT_MS);
    return (await this.current(connectMs)).exec(command, options);
  }
}

function hostKey(target: SshTarget): string {
  return `${target.user}@${target.address}:${target.port}`;
}

function within<T>(work: Promise<T>, target: SshTarget, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(unreachable(target, `no SSH handshake within ${Math.round(timeoutMs / 1000)} s`)),
      timeoutMs,
    );
    work.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}
