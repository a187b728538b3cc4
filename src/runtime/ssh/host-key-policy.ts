import { RuntimeError, UsageError, type HaLabError } from '../../core/errors.js';
import { HostKeyPins } from './host-key-pins.js';
import {
  blobKeyType,
  checkHostKey,
  fingerprintSha256,
  hostLookupName,
  keyTypeLabel,
  knownKeyTypes,
  readKnownHosts,
} from './known-hosts.js';

/** How host keys are trusted: known_hosts first, then the lab's pins (trust on first use). */
export interface HostKeyPolicy {
  /** OpenSSH known_hosts file (a missing one is empty). */
  knownHostsFile: string;
  /** Where first-seen keys are pinned; without it only known_hosts is trusted. */
  pinFile?: string;
  /** `--accept-new-host-keys`: pin a key no file knows yet instead of refusing it. */
  acceptNew: boolean;
}

export interface HostIdentity {
  /** How messages name the host ("m0"). */
  name: string;
  address: string;
  port: number;
}

/** What ssh2 offers by default, ed25519 first; a type known for the host goes in front. */
const HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
] as const;
export type HostKeyAlgorithm = (typeof HOST_KEY_ALGORITHMS)[number];

/** An RSA key (type ssh-rsa) is offered under three signature algorithms. */
function algorithmsFor(keyType: string): HostKeyAlgorithm[] {
  if (keyType === 'ssh-rsa') return ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  return HOST_KEY_ALGORITHMS.filter((a) => a === keyType);
}

export class HostKeyVerifier {
  private readonly pins: HostKeyPins | undefined;

  constructor(readonly policy: HostKeyPolicy) {
    this.pins = policy.pinFile === undefined ? undefined : new HostKeyPins(policy.pinFile);
  }

  /**
   * Host key algorithms in the order to offer them: the types a file already knows for this
   * host first, as ssh(1) does, so a host whose ECDSA key is known is not met with an
   * unknown ED25519 one.
   */
  async algorithms(host: HostIdentity): Promise<HostKeyAlgorithm[]> {
    const known = knownKeyTypes(
      await readKnownHosts(this.policy.knownHostsFile),
      host.address,
      host.port,
    );
    const pinned = await this.pins?.pinnedType(host.address, host.port);
    const first = [...known, ...(pinned === undefined ? [] : [pinned])].flatMap(algorithmsFor);
    return [...new Set([...first, ...HOST_KEY_ALGORITHMS])];
  }

  /** Undefined when the key is trusted; otherwise the error to stop with. */
  async verify(host: HostIdentity, key: Buffer): Promise<HaLabError | undefined> {
    const entries = await readKnownHosts(this.policy.knownHostsFile);
    const check = checkHostKey(entries, host.address, host.port, key);
    const where = `${host.name} (${host.address}:${host.port})`;
    const presented = `${keyTypeLabel(blobKeyType(key))} key ${fingerprintSha256(key)}`;
    const file = this.policy.knownHostsFile;
    if (check.status === 'known') return undefined;
    if (check.status === 'revoked') {
      return new RuntimeError(
        'host-key-revoked',
        `${where}: the host presented ${presented}, which ${file}:${check.entry?.line} marks @revoked: refusing to connect`,
      );
    }
    if (check.status === 'changed') {
      const remedy = `ssh-keygen -R '${hostLookupName(host.address, host.port)}' -f ${file}`;
      return changed(where, presented, `the key in ${file}:${check.entry?.line}`, remedy);
    }
    const pin = await this.pins?.check(host.address, host.port, key, this.policy.acceptNew);
    if (pin?.status === 'known' || pin?.status === 'pinned') return undefined;
    if (pin?.status === 'changed') {
      const remedy = `remove "${hostLookupName(host.address, host.port)}" from ${this.pins?.file}`;
      const trusted = `the key pinned in ${this.pins?.file} (${pin.pinnedFingerprint})`;
      return changed(where, presented, trusted, remedy);
    }
    const scan = `ssh-keyscan -p ${host.port} ${host.address} >> ${file}`;
    const accept = this.pins ? ` or pass --accept-new-host-keys` : '';
    return new UsageError(
      'unknown-host-key',
      `${where}: unknown host key ${presented}: if it is the host's (on the host: ssh-keygen -lf /etc/ssh/ssh_host_${hostKeyFileType(key)}_key.pub), run \`${scan}\`${accept}`,
    );
  }
}

function changed(where: string, presented: string, trusted: string, remedy: string): RuntimeError {
  return new RuntimeError(
    'host-key-changed',
    `${where}: host key changed: the host presented ${presented}, not ${trusted}; if the host was reinstalled, check the new key, then ${remedy}`,
  );
}

/** The file name part sshd uses for a key type (ssh_host_ed25519_key, ssh_host_ecdsa_key). */
function hostKeyFileType(key: Buffer): string {
  const type = blobKeyType(key);
  if (type === 'ssh-ed25519') return 'ed25519';
  if (type.startsWith('ecdsa-')) return 'ecdsa';
  return 'rsa';
}
