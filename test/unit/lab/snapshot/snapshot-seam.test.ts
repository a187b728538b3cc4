import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../../../src/core/errors.js';
import { LABEL_SNAPSHOT, containerName } from '../../../../src/core/topology.js';
import { runActions } from '../../../../src/lab/action.js';
import { newLabContext } from '../../../../src/lab/lab-context.js';
import { readLabState, removeLabState, writeLabState } from '../../../../src/lab/lab-state.js';
import { chooseSnapshot, restoreMachines } from '../../../../src/lab/snapshot/reset.js';
import {
  type SaveContext,
  freezeAndCapture,
  refuseUnsnapshottable,
} from '../../../../src/lab/snapshot/save.js';
import {
  type SnapshotManifest,
  listManifests,
  restoreStateFiles,
  saveStateFiles,
  snapshotDir,
  validateSnapshotName,
  writeManifest,
} from '../../../../src/lab/snapshot/snapshot-files.js';
import { removeLabResources } from '../../../../src/lab/teardown.js';
import { fakeLab, fakeState } from '../../../support/fake-lab.js';

const LAB = 'fake-snap';
let previousStateDir: string | undefined;

beforeEach(async () => {
  previousStateDir = process.env.HA_LAB_STATE_DIR;
  process.env.HA_LAB_STATE_DIR = await mkdtemp(join(tmpdir(), 'ha-lab-snap-state-'));
});
afterEach(() => {
  if (previousStateDir === undefined) delete process.env.HA_LAB_STATE_DIR;
  else process.env.HA_LAB_STATE_DIR = previousStateDir;
});

async function saved(name = 'pristine') {
  const { lab, provider } = await fakeLab(LAB);
  const ctx: SaveContext = { lab, name, captures: [], frozenMs: 0, events: () => undefined };
  await runActions([freezeAndCapture], ctx);
  return { lab, provider, ctx };
}

function manifestOf(ctx: SaveContext, name = 'pristine'): SnapshotManifest {
  return {
    schemaVersion: 1,
    lab: LAB,
    name,
    takenAt: new Date().toISOString(),
    subnet: ctx.lab.state.subnet,
    nodeImage: ctx.lab.state.nodeImage,
    etcd: { revision: 10, hashes: {} },
    machines: ctx.captures,
    bytes: 0,
    frozenMs: ctx.frozenMs,
    tookMs: 0,
  };
}

describe('snapshot save: one consistent moment', () => {
  it('pauses all six nodes before capturing any, and unpauses every one afterwards', async () => {
    const { provider, ctx } = await saved();
    const calls = provider.calls.filter((c) => /^(power|capture)/.test(c));
    const lastPause = calls.map((c) => c.endsWith(' pause')).lastIndexOf(true);
    const firstCapture = calls.findIndex((c) => c.startsWith('capture'));
    expect(calls.filter((c) => c.endsWith(' pause'))).toHaveLength(6);
    expect(lastPause).toBeLessThan(firstCapture);
    expect(calls.filter((c) => c.startsWith('capture'))).toHaveLength(6);
    expect(calls.filter((c) => c.endsWith(' unpause'))).toHaveLength(6);
    expect([...provider.machines.values()].every((m) => m.state === 'running')).toBe(true);
    expect(ctx.captures.map((c) => c.node).sort()).toEqual(
      ctx.lab.topology.nodes.map((n) => n.name).sort(),
    );
  });

  it('thaws every node even when capturing one fails', async () => {
    const { lab, provider } = await fakeLab(LAB);
    provider.failOn(/^capture fake-snap-worker-1/);
    const ctx: SaveContext = { lab, name: 'x', captures: [], frozenMs: 0, events: () => undefined };
    await expect(runActions([freezeAndCapture], ctx)).rejects.toThrow(/worker-1/);
    expect([...provider.machines.values()].every((m) => m.state === 'running')).toBe(true);
  });

  it('labels every image and volume copy with the lab and the snapshot name', async () => {
    const { provider } = await saved('before-upgrade');
    const parts = await provider.snapshots.list({ [LABEL_SNAPSHOT]: 'before-upgrade' });
    expect(parts.filter((p) => p.kind === 'image')).toHaveLength(6);
    expect(parts.filter((p) => p.kind === 'volume')).toHaveLength(6);
    for (const p of parts) {
      expect(p.labels['io.ha-lab.managed']).toBe('true');
      expect(p.labels['io.ha-lab.lab']).toBe(LAB);
    }
  });
});

describe('reset: machines made again from the snapshot', () => {
  it('recreates each node with its name, IP and labels from the snapshot image on restored volumes', async () => {
    const { lab, provider, ctx } = await saved();
    const before = new Map([...provider.machines].map(([n, m]) => [n, m.spec]));
    provider.calls.length = 0;
    const labCtx = newLabContext(
      { provider, topology: lab.topology, state: lab.state, stateDir: lab.stateDir },
      { events: () => undefined },
    );
    await runActions([restoreMachines(manifestOf(ctx))], labCtx);
    for (const node of lab.topology.nodes) {
      const name = containerName(LAB, node.name);
      const spec = provider.machines.get(name)?.spec;
      expect(spec?.image).toBe(`ha-lab/snapshot-${LAB}-pristine:${node.name}`);
      expect(spec?.ip).toBe(before.get(name)?.ip);
      expect(spec?.labels).toEqual(before.get(name)?.labels);
      expect(provider.volumeSources.get(`${name}-containerd`)).toMatch(/pristine/);
      const order = provider.calls.filter((c) => c.includes(name));
      expect(order).toEqual([`remove ${name}`, `restore volumes ${name}`, `create ${name}`]);
    }
  });

  it('chooses "pristine" by default, else the newest, and refuses a lab without snapshots (exit 2)', async () => {
    await expect(chooseSnapshot(LAB)).rejects.toMatchObject({ exitCode: ExitCode.usage });
    const { ctx } = await saved();
    await writeManifest({ ...manifestOf(ctx, 'older'), takenAt: '2020-01-01T00:00:00.000Z' });
    await writeManifest({ ...manifestOf(ctx, 'newest'), takenAt: '2030-01-01T00:00:00.000Z' });
    expect((await chooseSnapshot(LAB)).name).toBe('newest');
    await writeManifest(manifestOf(ctx, 'pristine'));
    expect((await chooseSnapshot(LAB)).name).toBe('pristine');
    expect((await chooseSnapshot(LAB, 'older')).name).toBe('older');
    await expect(chooseSnapshot(LAB, 'nope')).rejects.toMatchObject({ exitCode: ExitCode.usage });
    expect((await listManifests(LAB)).map((m) => m.name)).toEqual(['older', 'pristine', 'newest']);
  });

  it('refuses bad snapshot names and SSH labs with exit 2', () => {
    expect(() => validateSnapshotName('Bad Name')).toThrow(/invalid snapshot name/);
    expect(validateSnapshotName('pre-upgrade-2')).toBe('pre-upgrade-2');
    const ssh = { kind: 'ssh' } as Parameters<typeof refuseUnsnapshottable>[0];
    expect(() => refuseUnsnapshottable(ssh, LAB)).toThrow(/SSH/);
  });
});

describe('snapshot state files', () => {
  it('restores the state, PKI and kubeconfig 0600 in 0700 dirs, and drops the fault journal', async () => {
    const state = fakeState(LAB);
    await writeLabState(state);
    const dir = join(process.env.HA_LAB_STATE_DIR!, LAB);
    await writeFile(join(dir, 'kubeconfig'), 'admin', { mode: 0o600 });
    await saveStateFiles(LAB, 'pristine');
    await writeLabState({ ...state, clusterToken: 'changed-after' });
    await writeFile(join(dir, 'kubeconfig'), 'changed', { mode: 0o600 });
    await restoreStateFiles(LAB, 'pristine');
    expect((await readLabState(LAB))?.clusterToken).toBe(state.clusterToken);
    expect(await readFile(join(dir, 'kubeconfig'), 'utf8')).toBe('admin');
    expect((await stat(join(dir, 'kubeconfig'))).mode & 0o777).toBe(0o600);
    expect((await stat(snapshotDir(LAB, 'pristine'))).mode & 0o777).toBe(0o700);
    expect(
      (await stat(join(snapshotDir(LAB, 'pristine'), 'state', 'kubeconfig'))).mode & 0o777,
    ).toBe(0o600);
  });

  it('down keeps snapshot manifests only with --keep-snapshots', async () => {
    const { ctx } = await saved();
    await writeLabState(fakeState(LAB));
    await writeManifest(manifestOf(ctx));
    await removeLabState(LAB, { keepBundles: true, keepSnapshots: true });
    expect(await readLabState(LAB)).toBeUndefined();
    expect((await listManifests(LAB)).map((m) => m.name)).toEqual(['pristine']);
    await removeLabState(LAB, { keepBundles: true });
    expect(await listManifests(LAB)).toEqual([]);
  });
});

describe('teardown and snapshots', () => {
  it('keeps snapshot images and volumes unless asked to remove them', async () => {
    const { provider } = await saved();
    const kept = await removeLabResources(provider, LAB);
    expect(kept.snapshotParts).toBe(0);
    // Only the six snapshot copies are left (the fake drops node volumes with their machines).
    expect([...provider.volumes.keys()].every((v) => v.startsWith('ha-lab-snapshot-'))).toBe(true);
    expect(provider.volumes.size).toBe(6);
    expect(await provider.snapshots.list({ [LABEL_SNAPSHOT]: '' })).toHaveLength(12);
    const removed = await removeLabResources(provider, LAB, { snapshots: 'remove' });
    expect(removed.snapshotParts).toBe(12);
    expect(await provider.snapshots.list({ [LABEL_SNAPSHOT]: '' })).toHaveLength(0);
    expect(provider.volumes.size).toBe(0);
  });
});
