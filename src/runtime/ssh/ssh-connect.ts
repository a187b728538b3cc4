import { Client, type ConnectConfig } from 'ssh2';
import { HaLabError, RuntimeError } from '../../core/errors.js';
import { connectionError, unreachable } from './connect-errors.js';
import type { HostKeyVerifier } from './host-key-policy.js';
import { authConfig, type SshTarget } from './ssh-auth.js';
import { SshConnection } from './ssh-connection.js';

/** An unreachable host fails within this (the bound; ssh(1) would wait minutes). */
export const CONNECT_TIMEOUT_MS = 10_000;
/** Keepalive: a host that stops answering is declared lost after 15-20 s (measured: 20 s). */
const KEEPALIVE_INTERVAL_MS = 5_000;
const KEEPALIVE_COUNT_MAX = 3;

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
