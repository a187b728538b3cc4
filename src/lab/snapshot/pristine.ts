import { randomBytes } from 'node:crypto';
import { CheckFailedError } from '../../core/errors.js';
import { masters } from '../../core/topology.js';
import { etcdHashKv, etcdKeyCount, etcdPut, etcdStatus } from '../clients/etcd-client.js';
import type { TlsIdentity } from '../clients/tls-request.js';
import { pendingFaults } from '../fault-journal-file.js';
import type { LabContext } from '../lab-context.js';
import type { SnapshotManifest } from './snapshot-files.js';

/**
 * What proves a reset lab is its snapshot and nothing since, beyond being whole (judged by the
 * caller on evidence read after the reset began): every etcd member hashes the snapshot's
 * revision exactly as it did when the snapshot was taken, a key written just before the reset
 * is gone (so etcd was rolled back, not merely left as it was), and no fault is journalled.
 */
export interface PristineProof {
  snapshotRevision: number;
  /** The lowest revision a member reports after the reset. */
  revisionAfter: number;
  hashesMatch: true;
  canary: 'rolled back' | 'not written (etcd did not answer before the reset)';
  faultJournal: 'empty';
}

const CANARY_PREFIX = '/ha-lab/reset-canary/';

/** Best effort: a lab broken enough that etcd cannot take a write is still reset. */
export async function writeCanary(
  ctx: Pick<LabContext, 'topology'>,
  identity: TlsIdentity,
): Promise<string | undefined> {
  const key = `${CANARY_PREFIX}${randomBytes(6).toString('hex')}`;
  for (const m of masters(ctx.topology)) {
    try {
      await etcdPut(m.ip, identity, key, new Date().toISOString(), 1500);
      return key;
    } catch {
      // another member may have quorum's ear
    }
  }
  return undefined;
}

export async function provePristine(
  ctx: Pick<LabContext, 'topology' | 'stateDir' | 'lab'>,
  identity: TlsIdentity,
  manifest: SnapshotManifest,
  canaryKey: string | undefined,
): Promise<PristineProof> {
  const problems: string[] = [];
  const group = masters(ctx.topology);
  const statuses = await Promise.all(
    group.map((m) => etcdStatus(m.ip, identity, 2000).catch(() => null)),
  );
  const revisions = statuses.map((s) => s?.revision ?? -1);
  group.forEach((m, i) => {
    if ((revisions[i] ?? -1) < manifest.etcd.revision)
      problems.push(
        `etcd ${m.name} is at revision ${revisions[i]}, before the snapshot's ${manifest.etcd.revision}`,
      );
  });
  const hashes = await Promise.all(
    group.map((m) =>
      etcdHashKv(m.ip, identity, manifest.etcd.revision, 5000).catch(() => Number.NaN),
    ),
  );
  group.forEach((m, i) => {
    const expected = manifest.etcd.hashes[m.name];
    if (hashes[i] !== expected)
      problems.push(
        `etcd ${m.name} hashes revision ${manifest.etcd.revision} as ${hashes[i]}, the snapshot as ${expected}`,
      );
  });
  if (canaryKey !== undefined) {
    const master = group[0];
    const count = master
      ? await etcdKeyCount(master.ip, identity, canaryKey).catch(() => Number.NaN)
      : Number.NaN;
    if (count !== 0)
      problems.push(
        Number.isNaN(count)
          ? 'the key written before the reset could not be looked up'
          : 'a key written before the reset is still in etcd: etcd was not rolled back',
      );
  }
  if ((await pendingFaults(ctx.stateDir)) > 0) problems.push('the fault journal is not empty');
  if (problems.length > 0)
    throw new CheckFailedError(
      `lab "${ctx.lab}" is not pristine after the reset: ${problems.join('; ')}`,
    );
  return {
    snapshotRevision: manifest.etcd.revision,
    revisionAfter: Math.min(...revisions),
    hashesMatch: true,
    canary: canaryKey ? 'rolled back' : 'not written (etcd did not answer before the reset)',
    faultJournal: 'empty',
  };
}
