import { readFile, writeFile } from 'node:fs/promises';
import { RuntimeError, UsageError } from '../core/errors.js';
import { freeDiskBytes } from '../runtime/host-facts.js';
import type { EngineInfo } from '../runtime/provider.js';

const GiB = 1024 ** 3;

/** MemAvailable from /proc/meminfo (free memory alone undercounts reclaimable cache). */
export async function availableMemoryBytes(): Promise<number> {
  try {
    const info = await readFile('/proc/meminfo', 'utf8');
    const kb = Number(/^MemAvailable:\s+(\d+)/m.exec(info)?.[1]);
    if (Number.isFinite(kb)) return kb * 1024;
  } catch {
    // not Linux: the engine's own check will have to do
  }
  return Number.NaN;
}

export interface ResourceNeeds {
  diskBytes: number;
  memoryBytes: number;
}

/** A full lab needs about 4 GiB of memory; a cold build needs room for Go caches and images. */
export function resourceNeeds(willBuild: boolean): ResourceNeeds {
  return { diskBytes: (willBuild ? 12 : 4) * GiB, memoryBytes: 4 * GiB };
}

/** HA_LAB_MIN_FREE_DISK_GIB replaces the disk need: less on a tight CI machine, or more to test the check. */
function diskNeedBytes(needs: ResourceNeeds): number {
  const override = process.env.HA_LAB_MIN_FREE_DISK_GIB;
  if (override === undefined || override === '') return needs.diskBytes;
  const gib = Number(override);
  if (!Number.isFinite(gib) || gib < 0) {
    throw new UsageError(
      'invalid-env',
      `invalid HA_LAB_MIN_FREE_DISK_GIB "${override}": give a number of GiB, or unset it`,
    );
  }
  return gib * GiB;
}

export async function checkResources(dockerRootDir: string, needs: ResourceNeeds): Promise<void> {
  const overrides = process.env.HA_LAB_SKIP_RESOURCE_CHECK === '1';
  if (overrides) return;
  const diskNeed = diskNeedBytes(needs);
  const disk = await freeDiskBytes(dockerRootDir);
  if (Number.isFinite(disk) && disk < diskNeed) {
    throw new RuntimeError(
      'low-disk',
      `only ${(disk / GiB).toFixed(1)} GiB free under ${dockerRootDir}; ha-lab needs ${(diskNeed / GiB).toFixed(0)} GiB: free some space (docker system prune) and retry`,
    );
  }
  const memory = await availableMemoryBytes();
  if (Number.isFinite(memory) && memory < needs.memoryBytes) {
    throw new RuntimeError(
      'low-memory',
      `only ${(memory / GiB).toFixed(1)} GiB of memory available; a lab needs ${(needs.memoryBytes / GiB).toFixed(0)} GiB: stop other labs or programs and retry`,
    );
  }
}

/**
 * Each node's systemd, containerd and kubelet hold inotify instances; one lab needs about 130
 * and the kernel's default per-user limit is 128, so a node that restarts fails with "Too many
 * open files" (kind documents the same). Raise the limits where we may (root), else say how.
 */
export const INOTIFY_LIMITS = { max_user_instances: 1024, max_user_watches: 524288 } as const;

export async function ensureInotifyLimits(log: (message: string) => void): Promise<void> {
  for (const [name, wanted] of Object.entries(INOTIFY_LIMITS)) {
    const path = `/proc/sys/fs/inotify/${name}`;
    const current = Number((await readFile(path, 'utf8').catch(() => '')).trim());
    if (!Number.isFinite(current) || current === 0 || current >= wanted) continue;
    try {
      await writeFile(path, String(wanted));
      log(
        `raised fs.inotify.${name} from ${current} to ${wanted} (six systemd nodes need more than the default)`,
      );
    } catch {
      throw new RuntimeError(
        'inotify-limit',
        `fs.inotify.${name} is ${current}, too low for six nodes: run \`sudo sysctl fs.inotify.${name}=${wanted}\` and retry`,
      );
    }
  }
}

/**
 * Nodes run systemd, nested containerd and keepalived, and up raises host sysctls: they need
 * capabilities a rootless engine's user namespace does not hold. Say so before making anything.
 */
export function refuseRootlessEngine(info: Pick<EngineInfo, 'rootless'>): void {
  if (!info.rootless) return;
  throw new RuntimeError(
    'rootless-engine',
    'the Docker engine runs rootless, and ha-lab nodes need a rootful one (systemd, nested containerd, keepalived): point DOCKER_HOST at a rootful engine, or run `sudo bash scripts/ensure-engine.sh`',
  );
}
