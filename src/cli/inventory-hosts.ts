import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { inventoryStateDir } from '../core/paths.js';
import type { ConnectHost } from '../lab/inventory/host-session.js';
import type { Inventory } from '../lab/inventory/index.js';
import {
  HostKeyVerifier,
  SshRunner,
  connectSsh,
  uploadFile,
  type HostKeyPolicy,
} from '../runtime/ssh/index.js';

/** The host-key flags every command on an inventory takes. */
export interface HostKeyFlags {
  knownHosts?: string;
  acceptNewHostKeys?: boolean;
}

/** Where first-seen host keys of this inventory are pinned (0600, in a 0700 directory). */
export function pinFileFor(inventoryFile: string): string {
  return join(inventoryStateDir(inventoryFile), 'host-keys.json');
}

/**
 * Which known_hosts to trust: `--known-hosts`, else the inventory's `knownHosts`, else
 * ~/.ssh/known_hosts. A file named on the command line must exist: a mistyped path would
 * otherwise read as empty and make every host unknown. The default may be missing (a fresh
 * operator machine), like ssh(1)'s.
 */
export async function hostKeyPolicy(
  inventoryFile: string,
  inventory: Inventory,
  flags: HostKeyFlags,
): Promise<HostKeyPolicy> {
  let knownHostsFile = inventory.knownHosts ?? join(homedir(), '.ssh', 'known_hosts');
  if (flags.knownHosts !== undefined) {
    knownHostsFile = resolve(flags.knownHosts);
    try {
      await access(knownHostsFile, constants.R_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new UsageError(
        'known-hosts-unreadable',
        `--known-hosts ${flags.knownHosts}: cannot read it (${code === 'ENOENT' ? 'no such file' : code}): give an existing known_hosts file, or leave the flag out`,
      );
    }
  }
  return {
    knownHostsFile,
    pinFile: pinFileFor(inventoryFile),
    acceptNew: flags.acceptNewHostKeys === true,
  };
}

/**
 * Sessions over SSH, the way the lab layer asks for them. One verifier for all hosts of the
 * command, so first-seen keys of hosts connecting in parallel are pinned one at a time.
 */
export function sshConnector(hostKeys: HostKeyVerifier): ConnectHost {
  return async (host, { signal, timeoutMs }) => {
    const connection = await connectSsh(host, {
      hostKeys,
      signal,
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    });
    const runner = new SshRunner(connection, host.name);
    return {
      runner,
      usesSudo: runner.usesSudo,
      upload: (localPath, remotePath, options) =>
        uploadFile(runner, localPath, remotePath, options),
      close: () => connection.close(),
    };
  };
}
