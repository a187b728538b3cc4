import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as z from 'zod';
import { RuntimeError } from '../../core/errors.js';
import { blobKeyType, fingerprintSha256, hostLookupName } from './known-hosts.js';

/**
 * Host keys pinned on first sight (`--accept-new-host-keys`), kept beside the lab's state:
 * trust on first use, then a different key is refused as a changed one. The file is written
 * 0600 in a 0700 directory, atomically, and one write at a time from this process.
 */
const pinFileSchema = z.object({
  version: z.literal(1),
  hosts: z.record(
    z.string(),
    z.object({
      keyType: z.string(),
      key: z.string(),
      fingerprint: z.string(),
      pinnedAt: z.string(),
    }),
  ),
});
type PinFile = z.infer<typeof pinFileSchema>;

export type PinStatus = 'known' | 'changed' | 'unknown' | 'pinned';

export interface PinCheck {
  status: PinStatus;
  /** The fingerprint of the key pinned before, when it differs. */
  pinnedFingerprint?: string;
}

export class HostKeyPins {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly file: string) {}

  /**
   * The presented key against the pin for `host:port`; with `acceptNew`, a host without a pin
   * gets this key pinned (status `pinned`). Calls are serialized so parallel first connections
   * to several hosts do not overwrite each other's pins.
   */
  check(host: string, port: number, key: Buffer, acceptNew: boolean): Promise<PinCheck> {
    const task = this.queue.then(() => this.checkNow(host, port, key, acceptNew));
    this.queue = task.catch(() => undefined);
    return task;
  }

  /** The key type pinned for a host, to ask the server for that type first. */
  async pinnedType(host: string, port: number): Promise<string | undefined> {
    return (await this.read()).hosts[hostLookupName(host, port)]?.keyType;
  }

  private async checkNow(
    host: string,
    port: number,
    key: Buffer,
    acceptNew: boolean,
  ): Promise<PinCheck> {
    const pins = await this.read();
    const name = hostLookupName(host, port);
    const pin = pins.hosts[name];
    if (pin) {
      if (Buffer.from(pin.key, 'base64').equals(key)) return { status: 'known' };
      return { status: 'changed', pinnedFingerprint: pin.fingerprint };
    }
    if (!acceptNew) return { status: 'unknown' };
    pins.hosts[name] = {
      keyType: blobKeyType(key),
      key: key.toString('base64'),
      fingerprint: fingerprintSha256(key),
      pinnedAt: new Date().toISOString(),
    };
    await this.write(pins);
    return { status: 'pinned' };
  }

  private async read(): Promise<PinFile> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, hosts: {} };
      throw error;
    }
    try {
      const parsed = pinFileSchema.safeParse(JSON.parse(text));
      if (parsed.success) return parsed.data;
    } catch {
      // one message below for unparsable and mis-shaped files alike
    }
    // Never start over silently: that would accept any key again.
    throw new RuntimeError(
      'host-key-pins-corrupted',
      `the pinned host keys in ${this.file} are corrupted: check the hosts' keys, remove the file and pin them again`,
    );
  }

  private async write(pins: PinFile): Promise<void> {
    const dir = dirname(this.file);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    // A directory others can open could have the file swapped under us: refuse it rather
    // than change the mode of a directory that is not ours to change.
    const mode = (await stat(dir)).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      throw new RuntimeError(
        'host-key-pins-dir-open',
        `${dir} is open to group or others (mode ${mode.toString(8).padStart(4, '0')}): run chmod 700 ${dir} before pinning host keys there`,
      );
    }
    const tmp = `${this.file}.tmp-${process.pid}`;
    await writeFile(tmp, `${JSON.stringify(pins, null, 2)}\n`, { mode: 0o600 });
    await chmod(tmp, 0o600);
    await rename(tmp, this.file);
  }
}
