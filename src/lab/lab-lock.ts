import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { UsageError } from '../core/errors.js';
import { stateRoot } from '../core/paths.js';

/**
 * One mutating command per lab at a time. proper-lockfile refreshes the lock while held and
 * treats it as stale after 30 s without refresh, so a kill -9 never leaves a lab locked for good.
 */
export async function lockLab(lab: string, command: string): Promise<() => Promise<void>> {
  const root = stateRoot();
  await mkdir(root, { recursive: true, mode: 0o700 });
  // Only the lock directory (`<target>.lock`) is made: with realpath off the target itself need
  // not exist, so a released lock leaves nothing behind (not even for a lab that never existed).
  const target = join(root, `${lab}.lockdir`);
  try {
    return await lockfile.lock(target, {
      stale: 30_000,
      update: 5_000,
      retries: 0,
      realpath: false,
    });
  } catch (error) {
    if ((error as { code?: string }).code === 'ELOCKED') {
      throw new UsageError(
        'lab-locked',
        `another ha-lab command is already changing lab "${lab}"; wait for it to finish (or stop it) and retry \`ha-lab ${command}\``,
      );
    }
    throw error;
  }
}
