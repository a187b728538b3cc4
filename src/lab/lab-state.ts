import { chmod, mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { RuntimeError, UsageError } from '../core/errors.js';
import { labStateDir } from '../core/paths.js';
import { type Topology, buildTopology } from '../core/topology.js';
import type { Inventory } from './inventory/model.js';
import { inventoryTopology } from './inventory/topology.js';

/**
 * The lab's state file: what `up` created and how, so every later command (status, scenario,
 * heal, down) addresses the same lab. It holds join secrets, so it is 0600 in a 0700 dir.
 */
const labStateSchema = z.object({
  schemaVersion: z.literal(1),
  lab: z.string(),
  createdAt: z.string(),
  phase: z.enum(['creating', 'nodes-running', 'provisioning', 'ready', 'failed']),
  subnet: z.string(),
  kubernetesVersion: z.string(),
  nodeImage: z.string(),
  privilege: z.enum(['privileged', 'capabilities']),
  cgroupV1: z.boolean(),
  timing: z.enum(['default', 'fast']),
  preempt: z.boolean(),
  accessMode: z.enum(['direct', 'forwarder']),
  forwarderPort: z.number().int().optional(),
  clusterToken: z.string(),
  bootstrapToken: z.string().optional(),
  certificateKey: z.string().optional(),
  caCertHash: z.string().optional(),
  /**
   * An inventory lab: its machines are the user's hosts, reached over SSH. The checked
   * inventory is kept as `up` read it, so later commands address the same hosts even when
   * the file changed (down --inventory reads the file again).
   */
  inventory: z
    .object({
      /** Absolute path of the file `up` read (host-key pins are kept per file). */
      file: z.string(),
      inventory: z.custom<Inventory>((v) => typeof v === 'object' && v !== null),
      /** The known_hosts file `up` was told to trust (--known-hosts), for later commands. */
      knownHosts: z.string().optional(),
      /** A host has no kernel config kubeadm's SystemVerification could read. */
      kernelConfigMissing: z.boolean(),
    })
    .optional(),
});
export type LabState = z.infer<typeof labStateSchema>;

/** The lab's nodes and addresses: from its subnet, or from its inventory's hosts. */
export function labTopology(state: LabState): Topology {
  return state.inventory
    ? inventoryTopology(state.inventory.inventory, state.lab)
    : buildTopology(state.lab, state.subnet);
}

export const STATE_FILE = 'state.json';
/** Under the state dir: snapshot manifests and state copies (see lab/snapshot). */
export const SNAPSHOTS_DIR = 'snapshots';

export function statePath(lab: string): string {
  return join(labStateDir(lab), STATE_FILE);
}

/** Creates the lab's state directory 0700 (keys, kubeconfig and secrets live under it). */
export async function ensureStateDir(lab: string): Promise<string> {
  const dir = labStateDir(lab);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  return dir;
}

export async function readLabState(lab: string): Promise<LabState | undefined> {
  let text: string;
  try {
    text = await readFile(statePath(lab), 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return undefined;
    throw new RuntimeError(
      'state-unreadable',
      `cannot read ${statePath(lab)}: ${(error as Error).message}`,
    );
  }
  try {
    const parsed = labStateSchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through to the one clear message below
  }
  throw new UsageError(
    'state-corrupted',
    `the state file ${statePath(lab)} is corrupted: run \`ha-lab down --name ${lab}\` to remove the lab and its state`,
  );
}

/** Writes atomically (tmp + rename) so a crash never leaves half a state file. */
export async function writeLabState(state: LabState): Promise<void> {
  const dir = await ensureStateDir(state.lab);
  const tmp = join(dir, `${STATE_FILE}.tmp-${process.pid}`);
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, statePath(state.lab));
}

export async function updateLabState(lab: string, patch: Partial<LabState>): Promise<LabState> {
  const current = await readLabState(lab);
  if (!current) throw new RuntimeError('state-missing', `lab "${lab}" has no state file`);
  const next = { ...current, ...patch };
  await writeLabState(next);
  return next;
}

/**
 * `mkdir -p` one level at a time. Node 20's recursive mkdir never returns where mkdir answers
 * ENOENT under a parent that exists (/proc/x), so a user's `--merge /proc/x/config` would hang.
 */
async function makeDirs(dir: string, mode: number): Promise<void> {
  try {
    await mkdir(dir, { mode });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'EEXIST') return;
    if (code !== 'ENOENT' || dirname(dir) === dir) throw error;
    await makeDirs(dirname(dir), mode);
    await mkdir(dir, { mode }).catch((retry: { code?: string }) => {
      if (retry.code !== 'EEXIST') throw retry;
    });
  }
}

/**
 * Removes the lab's state; failure bundles survive unless `purge` (no report is lost), and
 * snapshot manifests when their images and volumes were kept (`down --keep-snapshots`).
 */
export async function removeLabState(
  lab: string,
  options: { keepBundles?: boolean; keepSnapshots?: boolean } = {},
): Promise<void> {
  const dir = labStateDir(lab);
  const keep = [
    ...(options.keepBundles ? ['bundles'] : []),
    ...(options.keepSnapshots ? [SNAPSHOTS_DIR] : []),
  ];
  if (keep.length === 0) {
    await rm(dir, { recursive: true, force: true });
    return;
  }
  let entries: string[] = [];
  try {
    entries = await readdir(dir);
  } catch {
    return;
  }
  await Promise.all(
    entries
      .filter((e) => !keep.includes(e))
      .map((e) => rm(join(dir, e), { recursive: true, force: true })),
  );
  if (!entries.some((e) => keep.includes(e))) await rm(dir, { recursive: true, force: true });
}

/** Writes a private file (key, kubeconfig) 0600 inside a 0700 directory. */
export async function writePrivateFile(path: string, content: string | Buffer): Promise<void> {
  const dir = dirname(path);
  await makeDirs(dir, 0o700);
  await chmod(dir, 0o700);
  await writeFile(path, content, { mode: 0o600 });
  await chmod(path, 0o600);
}
