import { setTimeout as delay } from 'node:timers/promises';
import { CheckFailedError, UsageError } from '../../core/errors.js';
import type { EventSink } from '../../core/events.js';
import { containerName } from '../../core/topology.js';
import type { Provider } from '../../runtime/provider.js';
import { type Action, onNode, runActions } from '../action.js';
import { atRest, judgeWhole } from '../evidence/judge-whole.js';
import { gatherLabEvidence } from '../evidence/lab-evidence.js';
import { pendingFaults } from '../fault-journal-file.js';
import { lockLab } from '../lab-lock.js';
import { type OpenLab, openLab } from '../open-lab.js';
import {
  DEFAULT_SNAPSHOT,
  type NodeCapture,
  type SnapshotManifest,
  readManifest,
  removeSnapshotDir,
  saveStateFiles,
  snapshotImageTag,
  snapshotLabels,
  validateSnapshotName,
  writeManifest,
} from './snapshot-files.js';

export interface SnapshotOptions {
  events: EventSink;
  signal?: AbortSignal | undefined;
  /**
   * How long to wait for the lab to become whole before refusing (0: judge once). `up
   * --snapshot` and `scenario run --fresh` wait: a lab just made or just run is still settling
   * (a kubelet's first lease, a member catching up); `snapshot save` asked by a person does not.
   */
  waitWholeMs?: number;
}

/** Snapshots are engine images and volumes; a lab on SSH machines has neither. */
export function refuseUnsnapshottable(provider: Provider, lab: string): void {
  if (provider.kind === 'ssh')
    throw new UsageError(
      'snapshot-unsupported',
      `lab "${lab}" runs on SSH machines, which cannot be snapshotted: snapshots need a container engine`,
    );
}

/**
 * The lab must be whole, by the shared definition, on evidence read now: a snapshot of a
 * broken lab would make every reset start broken. Its etcd hashes become the reference a reset
 * lab is checked against.
 */
async function judgeBeforeSave(
  lab: OpenLab,
  waitWholeMs: number,
  signal?: AbortSignal,
): Promise<SnapshotManifest['etcd']> {
  if ((await pendingFaults(lab.stateDir)) > 0)
    throw new CheckFailedError(
      `lab "${lab.lab}" has faults that are not undone, no snapshot taken: run \`ha-lab heal --name ${lab.lab}\` first`,
    );
  let missing: string[] = [];
  const deadline = Date.now() + waitWholeMs;
  for (;;) {
    const evidence = await gatherLabEvidence(lab, signal);
    const judgement = judgeWhole(evidence, atRest(lab.topology.nodes));
    missing = judgement.missing;
    if (judgement.whole && evidence.hashKv) {
      const hashes: Record<string, number> = {};
      for (const [member, hash] of Object.entries(evidence.hashKv.hashes))
        if (hash !== null) hashes[member] = hash;
      return { revision: evidence.hashKv.revision, hashes };
    }
    if (Date.now() >= deadline) break;
    signal?.throwIfAborted();
    await delay(1000, undefined, { signal });
  }
  throw new CheckFailedError(
    `lab "${lab.lab}" is not whole, no snapshot taken: ${missing.join('; ')}`,
  );
}

export interface SaveContext extends SnapshotOptions {
  lab: OpenLab;
  name: string;
  captures: NodeCapture[];
  frozenMs: number;
}

/**
 * All six nodes are paused first, then captured, then thawed: etcd members captured at
 * different raft indexes would not restore, and pausing freezes every process at once (no
 * shutdown runs, so what is captured is what ran). Thawing happens whatever failed.
 */
export const freezeAndCapture: Action<SaveContext> = {
  name: 'freeze-and-capture',
  async run(ctx) {
    const { lab } = ctx;
    const machines = lab.topology.nodes.map((n) => containerName(lab.lab, n.name));
    const frozenAt = Date.now();
    const paused: string[] = [];
    try {
      await Promise.all(
        machines.map(async (m) => {
          await lab.provider.power(m, 'pause');
          paused.push(m);
        }),
      );
      const labels = snapshotLabels(lab.lab, ctx.name);
      ctx.captures = await Promise.all(
        lab.topology.nodes.map((node) =>
          onNode(node.name, async () => ({
            node: node.name,
            ...(await lab.provider.snapshots.capture(
              containerName(lab.lab, node.name),
              snapshotImageTag(lab.lab, ctx.name, node.name),
              labels,
              lab.state.nodeImage,
            )),
          })),
        ),
      );
    } finally {
      await Promise.all(paused.map((m) => lab.provider.power(m, 'unpause').catch(() => undefined)));
      ctx.frozenMs = Date.now() - frozenAt;
    }
  },
};

/** `ha-lab snapshot save [NAME]`: refuses an existing name (remove it first) and a lab not whole. */
export async function saveSnapshot(
  provider: Provider,
  labName: string,
  name: string = DEFAULT_SNAPSHOT,
  options: SnapshotOptions,
): Promise<SnapshotManifest> {
  validateSnapshotName(name);
  const started = Date.now();
  const lab = await openLab(labName, provider);
  refuseUnsnapshottable(provider, lab.lab);
  await provider.ping();
  const unlock = await lockLab(lab.lab, 'snapshot save');
  try {
    if (await readManifest(lab.lab, name))
      throw new UsageError(
        'snapshot-exists',
        `lab "${lab.lab}" already has a snapshot "${name}": remove it with \`ha-lab snapshot rm ${name} --name ${lab.lab}\` or pick another name`,
      );
    const etcd = await judgeBeforeSave(lab, options.waitWholeMs ?? 0, options.signal);
    const ctx: SaveContext = { ...options, lab, name, captures: [], frozenMs: 0 };
    try {
      await runActions([freezeAndCapture], ctx);
      await saveStateFiles(lab.lab, name);
    } catch (error) {
      await provider.snapshots.remove(snapshotLabels(lab.lab, name)).catch(() => undefined);
      await removeSnapshotDir(lab.lab, name).catch(() => undefined);
      throw error;
    }
    const manifest: SnapshotManifest = {
      schemaVersion: 1,
      lab: lab.lab,
      name,
      takenAt: new Date().toISOString(),
      subnet: lab.state.subnet,
      nodeImage: lab.state.nodeImage,
      etcd,
      machines: ctx.captures,
      bytes: ctx.captures.reduce((sum, c) => sum + c.bytes, 0),
      frozenMs: ctx.frozenMs,
      tookMs: Date.now() - started,
    };
    await writeManifest(manifest);
    return manifest;
  } finally {
    await unlock().catch(() => undefined);
  }
}
