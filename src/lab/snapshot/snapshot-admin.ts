import { UsageError } from '../../core/errors.js';
import { LABEL_SNAPSHOT, validateLabName } from '../../core/topology.js';
import type { Provider } from '../../runtime/provider.js';
import { lockLab } from '../lab-lock.js';
import {
  listManifests,
  readManifest,
  removeSnapshotDir,
  snapshotLabels,
  validateSnapshotName,
} from './snapshot-files.js';

export interface SnapshotRow {
  name: string;
  takenAt: string;
  /** Disk the snapshot takes of its own (its layers and the bytes its volume copies do not share). */
  bytes: number;
  /** Parts the manifest names that the engine no longer has (a damaged snapshot). */
  missing: string[];
  frozenMs: number;
  tookMs: number;
}

/** `ha-lab snapshot list`: each snapshot with the disk it takes, as the engine reports it. */
export async function listSnapshots(provider: Provider, labName: string): Promise<SnapshotRow[]> {
  const lab = validateLabName(labName);
  const manifests = await listManifests(lab);
  if (manifests.length === 0) return [];
  const parts = await provider.snapshots.list(snapshotLabels(lab, ''));
  return manifests.map((m) => {
    const own = parts.filter((p) => p.labels[LABEL_SNAPSHOT] === m.name);
    const names = new Set(own.map((p) => p.name));
    const expected = m.machines.flatMap((c) => [c.image, ...c.volumes.map((v) => v.copy)]);
    return {
      name: m.name,
      takenAt: m.takenAt,
      bytes: m.bytes,
      missing: expected.filter((e) => !names.has(e)),
      frozenMs: m.frozenMs,
      tookMs: m.tookMs,
    };
  });
}

/** `ha-lab snapshot rm NAME`: its images, volumes and manifest; an unknown name is exit 2. */
export async function removeSnapshot(
  provider: Provider,
  labName: string,
  name: string,
): Promise<number> {
  const lab = validateLabName(labName);
  validateSnapshotName(name);
  const unlock = await lockLab(lab, 'snapshot rm');
  try {
    const manifest = await readManifest(lab, name).catch(() => undefined);
    const removed = await provider.snapshots.remove(snapshotLabels(lab, name));
    if (!manifest && removed === 0)
      throw new UsageError(
        'no-such-snapshot',
        `lab "${lab}" has no snapshot "${name}": see \`ha-lab snapshot list --name ${lab}\``,
      );
    await removeSnapshotDir(lab, name);
    return removed;
  } finally {
    await unlock().catch(() => undefined);
  }
}
