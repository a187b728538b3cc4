import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';

/**
 * OpenSSH's known_hosts, read the way ssh(1) reads it: plain and hashed (`|1|salt|hash`) host
 * fields, comma lists with `*`/`?` wildcards and `!` negation, `[host]:port` for ports other
 * than 22. `@cert-authority` lines are skipped (ha-lab does not check host certificates, so
 * such a host is unknown unless its key is also listed); `@revoked` keys are refused.
 */
export interface KnownHostEntry {
  /** 1-based line in the file, for messages that send the user there. */
  line: number;
  marker?: 'revoked';
  hosts: string;
  keyType: string;
  key: Buffer;
}

export type HostKeyStatus = 'known' | 'unknown' | 'changed' | 'revoked';

export interface HostKeyCheck {
  status: HostKeyStatus;
  /** The entry that decided it (the matching key, or the other key of the same type). */
  entry?: KnownHostEntry;
  /** Key types known for this host (to prefer them when negotiating). */
  knownTypes: string[];
}

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split('\n').forEach((raw, index) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === undefined || fields[0] === '' || fields[0].startsWith('#')) return;
    let marker: KnownHostEntry['marker'];
    if (fields[0].startsWith('@')) {
      // Only @revoked changes what is accepted; anything else (@cert-authority) is ignored.
      if (fields[0] !== '@revoked') return;
      marker = 'revoked';
      fields.shift();
    }
    const [hosts, keyType, keyText] = fields;
    if (!hosts || !keyType || !keyText) return;
    const key = Buffer.from(keyText, 'base64');
    // A line whose key does not name its own type is corrupt; ssh(1) skips such lines too.
    if (key.length === 0 || blobKeyType(key) !== keyType) return;
    entries.push({ line: index + 1, ...(marker ? { marker } : {}), hosts, keyType, key });
  });
  return entries;
}

/** The entries of a file; a missing file is an empty one (a first connection has none). */
export async function readKnownHosts(path: string): Promise<KnownHostEntry[]> {
  try {
    return parseKnownHosts(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** The name ssh(1) looks a host up by: `host` on port 22, `[host]:port` elsewhere. */
export function hostLookupName(host: string, port: number): string {
  const name = host.toLowerCase();
  return port === 22 ? name : `[${name}]:${port}`;
}

/** Decides a presented key (the raw SSH wire blob ssh2 hands to hostVerifier) for `host:port`. */
export function checkHostKey(
  entries: readonly KnownHostEntry[],
  host: string,
  port: number,
  presented: Buffer,
): HostKeyCheck {
  const name = hostLookupName(host, port);
  const type = blobKeyType(presented);
  const matching = entries.filter((e) => hostMatches(e.hosts, name));
  const revoked = entries.find((e) => e.marker === 'revoked' && e.key.equals(presented));
  const plain = matching.filter((e) => e.marker === undefined);
  const knownTypes = [...new Set(plain.map((e) => e.keyType))];
  if (revoked) return { status: 'revoked', entry: revoked, knownTypes };
  const same = plain.find((e) => e.key.equals(presented));
  if (same) return { status: 'known', entry: same, knownTypes };
  // Another key of the same type for this host: the host, or something posing as it, changed.
  const other = plain.find((e) => e.keyType === type);
  if (other) return { status: 'changed', entry: other, knownTypes };
  return { status: 'unknown', knownTypes };
}

/** Key types known for a host, in file order (to offer them first, as ssh(1) does). */
export function knownKeyTypes(
  entries: readonly KnownHostEntry[],
  host: string,
  port: number,
): string[] {
  const name = hostLookupName(host, port);
  const types = entries.filter((e) => e.marker === undefined && hostMatches(e.hosts, name));
  return [...new Set(types.map((e) => e.keyType))];
}

/** `SHA256:` and unpadded base64 of the blob's SHA-256, exactly as `ssh-keygen -l` prints it. */
export function fingerprintSha256(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** The type a key blob names in its first field ("ssh-ed25519"), or "" if it is not a key. */
export function blobKeyType(key: Buffer): string {
  if (key.length < 4) return '';
  const length = key.readUInt32BE(0);
  if (length === 0 || length > 64 || 4 + length > key.length) return '';
  return key.subarray(4, 4 + length).toString('latin1');
}

/** "ED25519", "ECDSA", "RSA": what ssh-keygen prints after the fingerprint. */
export function keyTypeLabel(keyType: string): string {
  if (keyType === 'ssh-ed25519') return 'ED25519';
  if (keyType.startsWith('ecdsa-')) return 'ECDSA';
  if (keyType === 'ssh-rsa') return 'RSA';
  return keyType;
}

/** One host field against a lookup name: any negated pattern that matches wins. */
export function hostMatches(field: string, name: string): boolean {
  if (field.startsWith('|1|')) return hashedMatches(field, name);
  let matched = false;
  for (const raw of field.split(',')) {
    const negated = raw.startsWith('!');
    const pattern = (negated ? raw.slice(1) : raw).toLowerCase();
    if (!wildcardMatches(pattern, name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

function hashedMatches(field: string, name: string): boolean {
  const [, , saltText, hashText] = field.split('|');
  if (!saltText || !hashText) return false;
  const expected = Buffer.from(hashText, 'base64');
  const actual = createHmac('sha1', Buffer.from(saltText, 'base64')).update(name).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

function wildcardMatches(pattern: string, name: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern === name;
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  const regex = new RegExp(`^${escaped.replaceAll('*', '.*').replaceAll('?', '.')}$`);
  return regex.test(name);
}
