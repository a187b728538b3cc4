import { RuntimeError } from '../../core/errors.js';
import { identityLabel, type SshTarget } from './ssh-auth.js';

/** The socket errors that mean "nothing answers there", in words. */
const UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network unreachable',
  EHOSTDOWN: 'host is down',
  ETIMEDOUT: 'connection timed out',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'the name does not resolve',
  EAI_AGAIN: 'the name does not resolve (DNS failed)',
};

export function unreachable(target: SshTarget, reason: string): RuntimeError {
  return new RuntimeError(
    'ssh-unreachable',
    `${target.name} (${target.address}:${target.port}) is unreachable: ${reason}`,
  );
}

/** ssh2's connect errors (it tags each with a `level`) as one line naming host, user and key. */
export function connectionError(error: Error, target: SshTarget, timeoutMs: number): RuntimeError {
  const { level, code } = error as Error & { level?: string; code?: string };
  if (level === 'client-authentication') {
    return new RuntimeError(
      'ssh-auth-failed',
      `${target.name}: ${target.user}@${target.address}:${target.port} refused the ${identityLabel(target)}: add its public key to ~${target.user}/.ssh/authorized_keys on the host, or fix user or identityFile in the inventory`,
    );
  }
  if (level === 'client-timeout') {
    return unreachable(target, `no SSH handshake within ${Math.round(timeoutMs / 1000)} s`);
  }
  const reason = code === undefined ? undefined : UNREACHABLE[code];
  if (reason !== undefined) return unreachable(target, reason);
  return new RuntimeError(
    'ssh-failed',
    `${target.name} (${target.address}:${target.port}): SSH failed: ${error.message.split('\n')[0]}`,
  );
}
