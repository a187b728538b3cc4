import { constants, existsSync } from 'node:fs';
import { access, statfs } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { CgroupMode, EngineInfo } from './provider.js';

/** Facts of the operator's own machine, read from its kernel and filesystems. */

/** v2 from the engine; v1 with a cgroup2 mount at /sys/fs/cgroup/unified (local host) = hybrid. */
export function cgroupMode(info: EngineInfo): CgroupMode {
  if (info.cgroupVersion === '2') return 'v2';
  return existsSync('/sys/fs/cgroup/unified/cgroup.controllers') ? 'hybrid' : 'v1';
}

/** Free bytes for an unprivileged writer under `path`; NaN when it cannot be read. */
export async function freeDiskBytes(path: string): Promise<number> {
  try {
    const stats = await statfs(path);
    return stats.bavail * stats.bsize;
  } catch {
    return Number.NaN;
  }
}

/** Where `program` is on this machine's PATH, or undefined when it is not installed. */
export async function findHostProgram(program: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const path = join(dir, program);
    try {
      await access(path, constants.X_OK);
      return path;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}
