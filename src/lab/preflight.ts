import { readFile } from 'node:fs/promises';
import { RuntimeError } from '../core/errors.js';
import { freeDiskBytes } from '../runtime/engine-info.js';

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

export async function checkResources(dockerRootDir: string, needs: ResourceNeeds): Promise<void> {
  const overrides = process.env.HA_LAB_SKIP_RESOURCE_CHECK === '1';
  if (overrides) return;
  const disk = await freeDiskBytes(dockerRootDir);
  if (Number.isFinite(disk) && disk < needs.diskBytes) {
    throw new RuntimeError(
      'low-disk',
      `only ${(disk / GiB).toFixed(1)} GiB free under ${dockerRootDir}; ha-lab needs ${(needs.diskBytes / GiB).toFixed(0)} GiB: free some space (docker system prune) and retry`,
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
