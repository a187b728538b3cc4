import { readFile } from 'node:fs/promises';
import ssh2, { type ConnectConfig } from 'ssh2';

// ssh2 is CommonJS and Node's ESM loader finds no named `utils` in it: take it from the default.
const { utils } = ssh2;
import { RuntimeError, UsageError } from '../../core/errors.js';

/** Where and as whom to log in; exactly one of identityFile and agent. */
export interface SshTarget {
  /** How messages name the host ("m0"). */
  name: string;
  address: string;
  port: number;
  user: string;
  /** A private key file, read by the operator's process only. */
  identityFile?: string;
  /** Use the ssh-agent at SSH_AUTH_SOCK (for keys with a passphrase). */
  agent?: boolean;
}

/** How messages name the credential, never its content. */
export function identityLabel(target: SshTarget): string {
  return target.identityFile !== undefined
    ? `key ${target.identityFile}`
    : 'keys in ssh-agent (SSH_AUTH_SOCK)';
}

/** The credential part of ssh2's config; a key that cannot work is refused before connecting. */
export async function authConfig(
  target: SshTarget,
): Promise<Pick<ConnectConfig, 'privateKey' | 'agent'>> {
  if (target.agent) {
    const socket = process.env.SSH_AUTH_SOCK;
    if (!socket) {
      throw new RuntimeError(
        'no-ssh-agent',
        `${target.name}: the inventory says agent: true, but SSH_AUTH_SOCK is not set: start ssh-agent and ssh-add the key`,
      );
    }
    return { agent: socket };
  }
  const file = target.identityFile;
  if (file === undefined) {
    throw new UsageError('no-identity', `${target.name}: give identityFile or agent: true`);
  }
  let key: Buffer;
  try {
    key = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code;
    throw new UsageError('identity-unreadable', `${target.name}: cannot read ${file} (${reason})`);
  }
  const parsed = utils.parseKey(key);
  // The parser's message names only what is wrong with the file, never its content.
  if (parsed instanceof Error) {
    if (/encrypted|passphrase/i.test(parsed.message)) {
      throw new UsageError(
        'identity-encrypted',
        `${target.name}: ${file} is protected by a passphrase: load it into ssh-agent (ssh-add ${file}) and use agent: true`,
      );
    }
    throw new UsageError(
      'identity-invalid',
      `${target.name}: ${file} is not a private key ha-lab can use (${parsed.message})`,
    );
  }
  const first = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!first?.isPrivateKey()) {
    throw new UsageError(
      'identity-invalid',
      `${target.name}: ${file} is a public key: give the private key file`,
    );
  }
  return { privateKey: key };
}
