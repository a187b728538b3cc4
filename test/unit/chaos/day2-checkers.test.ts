import { describe, expect, it } from 'vitest';
import { buildCheckContext } from '../../../src/chaos/checkers/context.js';
import { checkCertsRenewed, checkNoCertErrors } from '../../../src/chaos/checkers/certs.js';
import { checkEtcdInSync } from '../../../src/chaos/checkers/etcd-in-sync.js';
import { recoveryRequirement } from '../../../src/chaos/checkers/recovery.js';
import { checkRejoin } from '../../../src/chaos/checkers/rejoin.js';
import { checkSnapshotRestore } from '../../../src/chaos/checkers/snapshot-restore.js';
import type { HistoryEntry, OpRecord, TlsSample, WriteSample } from '../../../src/chaos/history.js';
import { evidence } from './evidence-builder.js';
import { api, at, history, write } from './history-builder.js';

const op = (
  s: number,
  phase: OpRecord['phase'],
  extra: Partial<OpRecord> = {},
  name = 'etcd-member-replace',
  target = 'master-0',
): OpRecord => ({ type: 'op', at: at(s), id: 'op1', op: name, target, phase, ...extra });

const step = (from: number, to: number, name: string, extra: Partial<OpRecord> = {}) =>
  op(to, 'step', { step: name, startedAt: at(from), durationMs: (to - from) * 1000, ...extra });

/** master-0's member replaced from 10 s to 30 s: stopped at 10, wiped at 11, etcd back at 20. */
const replace = (): HistoryEntry[] => [
  op(10, 'started', { restarts: ['etcd'] }),
  step(10, 11, 'stop etcd', { node: 'master-0' }),
  step(11, 12, 'wipe data dir', { node: 'master-0' }),
  op(30, 'done', { startedAt: at(10), durationMs: 20_000 }),
];
const etcdBack = { processes: { etcd: 20 } };

describe('operations in the check context', () => {
  it('turn into a window whose end counts as the undo and whose services must restart', () => {
    const context = buildCheckContext(history(replace()));
    expect(context.faults).toEqual([
      expect.objectContaining({
        id: 'op1',
        fault: 'etcd-member-replace',
        targets: ['master-0'],
        appliedAt: at(10),
        undoneAt: at(30),
        undoIssuedAt: at(30),
        undoFailed: false,
        operation: true,
        services: ['etcd'],
      }),
    ]);
    const master0 = recoveryRequirement(context).nodes.find((n) => n.name === 'master-0');
    expect(master0).toMatchObject({ since: at(30), stoppedAt: at(10), restarted: ['etcd'] });
  });

  it('fail rejoin when the operation failed', () => {
    const h = history([
      op(10, 'started', { restarts: ['etcd'] }),
      op(20, 'failed', { message: 'member add: HTTP 500' }),
      evidence(25, { 'master-0': etcdBack }),
    ]);
    const v = checkRejoin(h, { withinMs: 90_000 }, buildCheckContext(h));
    expect(v.passed).toBe(false);
    expect(v.summary).toBe('operation op1 (etcd-member-replace) failed');
  });

  it('fail rejoin when the member still runs the etcd from before the operation', () => {
    const h = history([...replace(), evidence(35), evidence(40)], {
      hashKv: { 'master-0': 1, 'master-1': 1, 'master-2': 1 },
    });
    const v = checkRejoin(h, { withinMs: 90_000 }, buildCheckContext(h));
    expect(v.passed).toBe(false);
    expect(v.summary).toContain('master-0');
  });
});

describe('etcdInSync', () => {
  it('measures from the wipe to the first reading with one leader, equal hashkv and a new etcd', () => {
    const h = history([
      ...replace(),
      evidence(15, { 'master-0': { ...etcdBack, answered: false } }),
      evidence(22, { 'master-0': etcdBack }),
      evidence(40, { 'master-0': etcdBack }),
    ]);
    const v = checkEtcdInSync(h, { withinMs: 60_000 }, buildCheckContext(h));
    expect(v.passed, v.summary).toBe(true);
    expect(v.figures.inSyncMs).toBe(11_000);
    expect(v.figures.fromWipe).toBe(true);
  });

  it('fails when hashkv differs after the member rejoined (it came back with other data)', () => {
    const h = history([
      ...replace(),
      evidence(22, { 'master-0': { ...etcdBack, hash: 7 } }),
      evidence(40, { 'master-0': { ...etcdBack, hash: 7 } }),
    ]);
    const v = checkEtcdInSync(h, { withinMs: 60_000 }, buildCheckContext(h));
    expect(v.passed).toBe(false);
    expect(v.summary).toContain('hashkv differs');
  });

  it('fails when the member that answers is still the process from before the wipe', () => {
    const h = history([...replace(), evidence(22), evidence(40)]);
    const v = checkEtcdInSync(h, { withinMs: 60_000 }, buildCheckContext(h));
    expect(v.passed).toBe(false);
    expect(v.summary).toContain('master-0: no etcd started since');
  });

  it('fails when sync came later than the limit', () => {
    const h = history([...replace(), evidence(80, { 'master-0': etcdBack })], { endedAt: at(90) });
    const v = checkEtcdInSync(h, { withinMs: 60_000 }, buildCheckContext(h));
    expect(v.passed).toBe(false);
    expect(v.figures.inSyncMs).toBe(69_000);
  });
});

const tls = (s: number, node: string, port: number, notAfterDays: number | null): TlsSample => ({
  type: 'tls',
  at: at(s),
  node,
  port,
  notAfter: notAfterDays === null ? null : at(0) + notAfterDays * 86_400_000,
  serial: 'aa',
});

const renewal = (afterDays: (node: string, port: number) => number | null): HistoryEntry[] => {
  const endpoints = ['master-0', 'master-1'].flatMap((n) =>
    [6443, 2379].map((p) => [n, p] as const),
  );
  return [
    op(10, 'started', { restarts: ['etcd'] }, 'renew-certs', 'master-0,master-1'),
    ...endpoints.map(([n, p]) => tls(10, n, p, 365)),
    step(12, 20, 'restart etcd on new certificates', { node: 'master-0' }),
    step(20, 30, 'restart static pods on new certificates', { node: 'master-1' }),
    ...endpoints.map(([n, p]) => tls(31, n, p, afterDays(n, p))),
    op(32, 'done', {}, 'renew-certs', 'master-0,master-1'),
  ];
};

describe('certsRenewed', () => {
  it('passes when every endpoint serves a later notAfter after the last restart', () => {
    const h = history(renewal(() => 366));
    const v = checkCertsRenewed(h, true, buildCheckContext(h));
    expect(v.passed, v.summary).toBe(true);
    expect(v.figures).toMatchObject({ endpoints: 4, renewed: 4, minAdvanceS: 86_400 });
  });

  it('fails when a server still serves the old certificate (renewed on disk, not restarted)', () => {
    const h = history(renewal((n, p) => (n === 'master-1' && p === 2379 ? 365 : 366)));
    const v = checkCertsRenewed(h, true, buildCheckContext(h));
    expect(v.passed).toBe(false);
    expect(v.summary).toContain('master-1:2379: notAfter did not advance');
  });

  it('fails when an endpoint could not be reached after the renewal', () => {
    const h = history(renewal((n) => (n === 'master-0' ? null : 366)));
    const v = checkCertsRenewed(h, true, buildCheckContext(h));
    expect(v.passed).toBe(false);
    expect(v.summary).toContain('master-0:6443: no handshake after the last restart');
  });
});

describe('noCertErrors', () => {
  it('fails on a request refused for its certificate, not on a refused connection', () => {
    const refused = history([api(1, true), api(2, false), api(3, true)]);
    expect(checkNoCertErrors(refused, true, buildCheckContext(refused)).passed).toBe(true);
    const expired = history([
      api(1, true),
      {
        type: 'api',
        at: at(2),
        target: 'vip',
        ok: false,
        latencyMs: 3,
        detail: 'CERT_HAS_EXPIRED',
      },
      { type: 'api', at: at(3), target: 'master-1', ok: false, latencyMs: 3, detail: 'HTTP 401' },
    ]);
    const v = checkNoCertErrors(expired, true, buildCheckContext(expired));
    expect(v.passed).toBe(false);
    expect(v.figures.certErrors).toBe(2);
    expect(v.summary).toContain('vip: CERT_HAS_EXPIRED');
  });
});

const restoreOp = (): HistoryEntry[] => [
  op(10, 'started', { restarts: ['etcd', 'kube-apiserver'] }, 'etcd-snapshot-restore'),
  step(10, 11, 'snapshot', { values: { revision: 500 } }),
  op(40, 'done', {}, 'etcd-snapshot-restore'),
];
const ok = (s: number, key: string): WriteSample => write(s, key, 'ok');

describe('snapshotRestore', () => {
  const writes = [
    ok(5, 'before-1'),
    ok(9, 'before-2'),
    ok(10.5, 'during'),
    ok(13, 'after-1'),
    ok(15, 'after-2'),
    ok(45, 'later'),
  ];
  const reads = [
    { type: 'read', at: at(5), latencyMs: 5, ok: true, resourceVersion: 400 },
    { type: 'read', at: at(45), latencyMs: 5, ok: true, resourceVersion: 1_000_000_600 },
  ] as HistoryEntry[];

  it('passes when exactly the writes acknowledged after the snapshot are lost', () => {
    const h = history([...restoreOp(), ...writes, ...reads], {
      finalReadback: {
        present: ['before-1', 'before-2', 'later'],
        absent: ['during', 'after-1', 'after-2'],
      },
      finalWriteOk: true,
    });
    const v = checkSnapshotRestore(h, true, buildCheckContext(h));
    expect(v.passed, v.summary).toBe(true);
    expect(v.figures).toMatchObject({
      beforeSnapshot: 2,
      afterSnapshot: 2,
      afterRestore: 1,
      lostWrites: 3,
      overlappingSnapshot: 1,
      snapshotRevision: 500,
    });
  });

  it('fails when a write from before the snapshot is gone (a member restored from another snapshot)', () => {
    const h = history([...restoreOp(), ...writes, ...reads], {
      finalReadback: { present: ['before-2', 'later'], absent: ['before-1', 'after-1', 'after-2'] },
      finalWriteOk: true,
    });
    const v = checkSnapshotRestore(h, true, buildCheckContext(h));
    expect(v.passed).toBe(false);
    expect(v.summary).toContain('1 writes acknowledged before the snapshot are missing: before-1');
  });

  it('fails when a write after the snapshot survived (no restore happened)', () => {
    const h = history([...restoreOp(), ...writes, ...reads], {
      finalReadback: {
        present: ['before-1', 'before-2', 'after-1', 'after-2', 'later'],
        absent: [],
      },
      finalWriteOk: true,
    });
    const v = checkSnapshotRestore(h, true, buildCheckContext(h));
    expect(v.passed).toBe(false);
    expect(v.summary).toContain('2 writes made after the snapshot survived the restore');
  });

  it('fails when the reader saw the revision go backwards (restored without --bump-revision)', () => {
    const back = [reads[0]!, { ...(reads[1] as object), resourceVersion: 350 } as HistoryEntry];
    const h = history([...restoreOp(), ...writes, ...back], {
      finalReadback: { present: ['before-1', 'before-2', 'later'], absent: ['after-1', 'after-2'] },
      finalWriteOk: true,
    });
    const v = checkSnapshotRestore(h, true, buildCheckContext(h));
    expect(v.passed).toBe(false);
    expect(v.summary).toContain('the reader saw the store go backwards (revision 350 after 400)');
  });
});
