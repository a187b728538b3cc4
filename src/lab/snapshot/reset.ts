import { UsageError } from '../../core/errors.js';
import type { LabEvent } from '../../core/events.js';
import { containerName, findNode, validateLabName } from '../../core/topology.js';
import type { Provider } from '../../runtime/provider.js';
import { type Action, onNode, runActions } from '../action.js';
import { nodeLabels, nodeMachineSpec, waitForSystemd } from '../actions/node-actions.js';
import { wholeAgain } from '../actions/resume-actions.js';
import { clearFaultJournal } from '../fault-journal-file.js';
import { type LabContext, newLabContext } from '../lab-context.js';
import { lockLab } from '../lab-lock.js';
import { ensureStateDir, labTopology, readLabState } from '../lab-state.js';
import { loadProbeCredentials } from '../pki-files.js';
import { type PristineProof, provePristine, writeCanary } from './pristine.js';
import { refuseUnsnapshottable, type SnapshotOptions } from './save.js';
import {
  DEFAULT_SNAPSHOT,
  type SnapshotManifest,
  listManifests,
  readManifest,
  restoreStateFiles,
  validateSnapshotName,
} from './snapshot-files.js';

export interface ResetResult {
  snapshot: string;
  tookMs: number;
  /** Phase name -> milliseconds, in order. */
  phases: [string, number][];
  proof: PristineProof;
}

/** The named snapshot, else `pristine`, else the newest one; none at all is a usage error. */
export async function chooseSnapshot(lab: string, name?: string): Promise<SnapshotManifest> {
  if (name !== undefined) {
    const manifest = await readManifest(lab, validateSnapshotName(name));
    if (!manifest)
      throw new UsageError(
        'no-such-snapshot',
        `lab "${lab}" has no snapshot "${name}": see \`ha-lab snapshot list --name ${lab}\``,
      );
    return manifest;
  }
  const all = await listManifests(lab);
  const chosen = all.find((m) => m.name === DEFAULT_SNAPSHOT) ?? all[all.length - 1];
  if (!chosen)
    throw new UsageError(
      'no-snapshot',
      `lab "${lab}" has no snapshot to reset to: take one with \`ha-lab snapshot save --name ${lab}\` (or \`ha-lab up --snapshot\`)`,
    );
  return chosen;
}

/**
 * Machines are removed and made again from the snapshot's images, with the same names, IPs and
 * labels, on volumes copied back from the snapshot. A recreated machine boots afresh (tmpfs /run,
 * new processes), exactly as after a power cut at the moment of the freeze.
 */
export function restoreMachines(manifest: SnapshotManifest): Action<LabContext> {
  return {
    name: 'restore-machines',
    async run(ctx) {
      await Promise.all(
        manifest.machines.map((capture) =>
          onNode(capture.node, async () => {
            const node = findNode(ctx.topology, capture.node);
            await ctx.provider.removeMachine(containerName(ctx.lab, node.name));
            await ctx.provider.snapshots.restoreVolumes(
              capture,
              nodeLabels(ctx.lab, node),
              manifest.nodeImage,
            );
            await ctx.provider.createMachine(nodeMachineSpec(ctx.state, node, capture.image));
          }),
        ),
      );
    },
  };
}

function restoreState(manifest: SnapshotManifest): Action<LabContext> {
  return {
    name: 'restore-state',
    async run(ctx) {
      await restoreStateFiles(ctx.lab, manifest.name);
      await clearFaultJournal(ctx.stateDir);
      const restored = await readLabState(ctx.lab);
      if (restored) ctx.state = restored;
    },
  };
}

/**
 * Restores the machines and state of the snapshot, waits for the lab to be whole on evidence
 * from after the restore began, then proves it pristine. Shared by `reset` and `up --from-snapshot`.
 */
export async function restoreAndProve(
  ctx: LabContext,
  manifest: SnapshotManifest,
  canary: string | undefined,
): Promise<PristineProof> {
  const since = Date.now();
  await runActions(
    [
      restoreState(manifest),
      restoreMachines(manifest),
      waitForSystemd,
      wholeAgain(
        ctx.topology.nodes.map((n) => n.name),
        since,
      ),
    ],
    ctx,
  );
  const started = Date.now();
  ctx.events({ kind: 'phase-started', at: started, phase: 'prove-pristine' });
  const proof = await provePristine(
    ctx,
    await loadProbeCredentials(ctx.stateDir),
    manifest,
    canary,
  );
  ctx.events({
    kind: 'phase-done',
    at: Date.now(),
    phase: 'prove-pristine',
    durationMs: Date.now() - started,
  });
  return proof;
}

/**
 * `ha-lab reset [--snapshot NAME]`: back to the snapshot, then proven pristine: whole by the
 * shared definition on evidence from after the reset began (every lease renewed since, every
 * process started since), etcd at the snapshot's history, and an empty fault journal.
 */
export async function resetLab(
  provider: Provider,
  labName: string,
  name: string | undefined,
  options: SnapshotOptions,
): Promise<ResetResult> {
  const lab = validateLabName(labName);
  refuseUnsnapshottable(provider, lab);
  const state = await readLabState(lab);
  if (!state)
    throw new UsageError(
      'no-such-lab',
      `lab "${lab}" does not exist: start it with \`ha-lab up --name ${lab}\` (or \`ha-lab up --name ${lab} --from-snapshot NAME\`)`,
    );
  const manifest = await chooseSnapshot(lab, name);
  if (manifest.subnet !== state.subnet)
    throw new UsageError(
      'snapshot-subnet',
      `snapshot "${manifest.name}" was taken on subnet ${manifest.subnet}, but lab "${lab}" now runs on ${state.subnet}: certificates and etcd peer URLs are tied to the subnet; run \`ha-lab down --name ${lab} --keep-snapshots\` then \`ha-lab up --name ${lab} --from-snapshot ${manifest.name}\``,
    );
  await provider.ping();
  const unlock = await lockLab(lab, 'reset');
  try {
    const started = Date.now();
    const phases: [string, number][] = [];
    const events = (event: LabEvent) => {
      if (event.kind === 'phase-done') phases.push([event.phase, event.durationMs]);
      options.events(event);
    };
    const stateDir = await ensureStateDir(lab);
    const topology = labTopology(state);
    const ctx = newLabContext(
      { provider, topology, state, stateDir },
      { events, signal: options.signal },
    );
    const identity = await loadProbeCredentials(stateDir);
    const canary = await writeCanary(ctx, identity);
    const proof = await restoreAndProve(ctx, manifest, canary);
    return { snapshot: manifest.name, tookMs: Date.now() - started, phases, proof };
  } finally {
    await unlock().catch(() => undefined);
  }
}
