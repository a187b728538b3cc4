import { cp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { UsageError } from '../../core/errors.js';
import { labStateDir } from '../../core/paths.js';
import { LABEL_LAB, LABEL_MANAGED, LABEL_SNAPSHOT } from '../../core/topology.js';
import type { Labels } from '../../runtime/provider.js';
import { kubeconfigPath } from '../actions/kubeadm-actions.js';
import { forwarderKubeconfigPath } from '../forwarder-access.js';
import { SNAPSHOTS_DIR, STATE_FILE, ensureStateDir, writePrivateFile } from '../lab-state.js';
import { etcdPkiDir } from '../pki-files.js';

/**
 * Where a snapshot lives: its images and volumes in the engine (labelled with the lab and the
 * snapshot's name), and on the operator's machine a manifest plus a copy of the lab's state
 * (subnet, tokens, PKI, kubeconfigs) under the lab's state dir, 0600 files in 0700 dirs.
 */

/** The snapshot `up --snapshot` takes and `reset` returns to when no name is given. */
export const DEFAULT_SNAPSHOT = 'pristine';

const NAME = /^[a-z0-9][a-z0-9-]{0,30}$/;

export function validateSnapshotName(name: string): string {
  if (!NAME.test(name))
    throw new UsageError(
      'bad-snapshot-name',
      `invalid snapshot name "${name}": use 1-31 lowercase letters, digits and dashes, starting with a letter or digit`,
    );
  return name;
}

/** Labels of every engine object of one snapshot; '' as the name selects all of a lab's. */
export function snapshotLabels(lab: string, name: string): Labels {
  return { [LABEL_MANAGED]: 'true', [LABEL_LAB]: lab, [LABEL_SNAPSHOT]: name };
}

export function snapshotImageTag(lab: string, name: string, node: string): string {
  return `ha-lab/snapshot-${lab}-${name}:${node}`;
}

const captureSchema = z.object({
  node: z.string(),
  machine: z.string(),
  image: z.string(),
  volumes: z.array(z.object({ volume: z.string(), copy: z.string() })),
  bytes: z.number(),
});

const manifestSchema = z.object({
  schemaVersion: z.literal(1),
  lab: z.string(),
  name: z.string(),
  takenAt: z.string(),
  subnet: z.string(),
  nodeImage: z.string(),
  /** etcd as judged whole just before the freeze: every member's hash at one revision. */
  etcd: z.object({ revision: z.number(), hashes: z.record(z.string(), z.number()) }),
  machines: z.array(captureSchema),
  bytes: z.number(),
  /** How long the lab stood frozen, and the whole save. */
  frozenMs: z.number(),
  tookMs: z.number(),
});
export type SnapshotManifest = z.infer<typeof manifestSchema>;
export type NodeCapture = z.infer<typeof captureSchema>;

export function snapshotsRoot(lab: string): string {
  return join(labStateDir(lab), SNAPSHOTS_DIR);
}

export function snapshotDir(lab: string, name: string): string {
  return join(snapshotsRoot(lab), name);
}

const MANIFEST = 'manifest.json';

export async function writeManifest(manifest: SnapshotManifest): Promise<void> {
  await writePrivateFile(
    join(snapshotDir(manifest.lab, manifest.name), MANIFEST),
    `${JSON.stringify(manifest, null, 2)}\n`,
  );
}

export async function readManifest(
  lab: string,
  name: string,
): Promise<SnapshotManifest | undefined> {
  let text: string;
  try {
    text = await readFile(join(snapshotDir(lab, name), MANIFEST), 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = manifestSchema.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new UsageError(
      'snapshot-corrupted',
      `snapshot "${name}" of lab "${lab}" has a corrupted manifest: remove it with \`ha-lab snapshot rm ${name} --name ${lab}\``,
    );
  return parsed.data;
}

export async function listManifests(lab: string): Promise<SnapshotManifest[]> {
  let names: string[] = [];
  try {
    names = await readdir(snapshotsRoot(lab));
  } catch {
    return [];
  }
  const manifests = await Promise.all(
    names.map((n) => readManifest(lab, n).catch(() => undefined)),
  );
  return manifests
    .filter((m): m is SnapshotManifest => m !== undefined)
    .sort((a, b) => a.takenAt.localeCompare(b.takenAt));
}

export async function removeSnapshotDir(lab: string, name: string): Promise<void> {
  await rm(snapshotDir(lab, name), { recursive: true, force: true });
}

/**
 * The files that make the lab what it is on this machine. Not the fault journal (a snapshot is
 * of a lab at rest, and a reset lab starts with an empty one), nor logs, bundles or reports.
 */
function stateEntries(stateDir: string): string[] {
  return [
    STATE_FILE,
    basename(kubeconfigPath(stateDir)),
    basename(forwarderKubeconfigPath(stateDir)),
    // pki/etcd: the whole pki directory.
    basename(join(etcdPkiDir(stateDir), '..')),
  ];
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Copies the lab's state files into the snapshot (modes kept: 0600 files, 0700 dirs). */
export async function saveStateFiles(lab: string, name: string): Promise<void> {
  const from = await ensureStateDir(lab);
  const to = join(snapshotDir(lab, name), 'state');
  await writePrivateFile(join(to, '.keep'), '');
  for (const entry of stateEntries(from)) {
    if (await exists(join(from, entry)))
      await cp(join(from, entry), join(to, entry), { recursive: true, preserveTimestamps: true });
  }
}

/** Puts the snapshot's state files back; the caller removes the fault journal. */
export async function restoreStateFiles(lab: string, name: string): Promise<void> {
  const to = await ensureStateDir(lab);
  const from = join(snapshotDir(lab, name), 'state');
  for (const entry of stateEntries(to)) {
    await rm(join(to, entry), { recursive: true, force: true });
    if (await exists(join(from, entry)))
      await cp(join(from, entry), join(to, entry), { recursive: true, preserveTimestamps: true });
  }
}
