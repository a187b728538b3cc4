import { describe, expect, it } from 'vitest';
import {
  buildCheckContext,
  checkApiUnavailable,
  checkEtcdQuorum,
  checkLeaderElection,
  checkNoLostWrites,
  checkRejoin,
  checkSplitBrain,
  checkVipFailover,
  checkVipHome,
  runChecks,
} from '../../../src/chaos/checkers/index.js';
import type { History } from '../../../src/chaos/history.js';
import { evidence } from './evidence-builder.js';
import { api, at, down, etcd, fault, history, nodes, up, vip, write } from './history-builder.js';

const ctx = (h: History) => buildCheckContext(h);

describe('splitBrain', () => {
  it('fails when two masters hold the VIP for 3 s with a 1 s limit', () => {
    const h = history([
      vip(0, ['master-0']),
      vip(10, ['master-0', 'master-1']),
      vip(13, ['master-1']),
    ]);
    const v = checkSplitBrain(h, { maxMs: 1000 }, ctx(h));
    expect(v.passed).toBe(false);
    expect(v.figures.maxDualHolderMs).toBe(3000);
  });

  it('passes a 400 ms handover overlap under a 1 s limit', () => {
    const h = history([
      vip(0, ['master-0']),
      vip(10, ['master-0', 'master-1']),
      vip(10.4, ['master-1']),
    ]);
    expect(checkSplitBrain(h, { maxMs: 1000 }, ctx(h))).toMatchObject({
      passed: true,
      figures: { maxDualHolderMs: 400 },
    });
  });

  it('counts a split brain still open at the end up to the end of the run', () => {
    const h = history([vip(0, ['master-0']), vip(50, ['master-0', 'master-2'])], {
      endedAt: at(60),
    });
    expect(checkSplitBrain(h, { maxMs: 1000 }, ctx(h)).figures.maxDualHolderMs).toBe(10_000);
  });

  it('does not count a master whose view is briefly unknown as a holder', () => {
    const h = history([
      vip(0, ['master-1']),
      vip(10, ['master-1'], ['master-0']),
      vip(10.5, ['master-1']),
    ]);
    expect(checkSplitBrain(h, { maxMs: 1000 }, ctx(h)).passed).toBe(true);
  });

  it("does not count the probe's warm-up before the first fault as an unknown view", () => {
    const warmup = [
      vip(0, [], ['master-0', 'master-1', 'master-2']),
      vip(0.5, ['master-0'], ['master-1', 'master-2']),
    ];
    const h = history([
      ...warmup,
      vip(2, ['master-0']),
      fault(5, 'f1', 'master-0'),
      vip(6, ['master-1']),
      vip(20, ['master-1']),
    ]);
    expect(checkSplitBrain(h, { maxMs: 1000 }, ctx(h))).toMatchObject({
      passed: true,
      figures: { probeWarmupMs: 2000, maxUnknownMs: 0 },
    });
    // The same gap counts once a fault came before any complete view: nothing vouched for it.
    const early = history([
      ...warmup,
      fault(1, 'f1', 'master-0'),
      vip(2, ['master-1']),
      vip(20, ['master-1']),
    ]);
    expect(checkSplitBrain(early, { maxMs: 1000 }, ctx(early))).toMatchObject({
      passed: false,
      figures: { probeWarmupMs: 0, maxUnknownMs: 2000 },
    });
    // And a later gap is never warm-up.
    const later = history([
      vip(0, ['master-0']),
      fault(5, 'f1', 'master-0'),
      vip(6, ['master-1'], ['master-2']),
      vip(8, ['master-1']),
    ]);
    expect(checkSplitBrain(later, { maxMs: 1000 }, ctx(later)).passed).toBe(false);
  });

  it('fails when a view stays unknown longer than it can vouch for, or always', () => {
    const long = history([
      vip(0, ['master-1']),
      vip(10, ['master-1'], ['master-0']),
      vip(13, ['master-1']),
    ]);
    const unknownLong = checkSplitBrain(long, { maxMs: 1000 }, ctx(long));
    expect(unknownLong.summary).toContain('unknown for 3s');
    // The report points at the moment the view went unknown.
    expect(unknownLong.decidedAt).toBe(long.entries[1]!.at);
    const always = history([
      vip(0, ['master-1'], ['master-0']),
      vip(30, ['master-1'], ['master-0']),
    ]);
    expect(checkSplitBrain(always, { maxMs: 1000 }, ctx(always)).summary).toContain(
      'unknown in every one',
    );
  });

  it('counts a frozen holder as a holder unless the scenario expects one', () => {
    const frozen = history([
      vip(0, ['master-0']),
      { ...vip(5, ['master-1']), frozen: ['master-0'] },
      vip(20, ['master-1']),
    ]);
    expect(checkSplitBrain(frozen, { maxMs: 1000 }, ctx(frozen)).passed).toBe(false);
    expect(checkSplitBrain(frozen, { maxMs: 1000, frozenHolder: true }, ctx(frozen)).passed).toBe(
      true,
    );
  });

  it('fails an expected frozen holder that never showed', () => {
    const h = history([vip(0, ['master-0']), vip(5, ['master-1'])]);
    expect(checkSplitBrain(h, { maxMs: 1000, frozenHolder: true }, ctx(h)).summary).toContain(
      'frozen VIP holder',
    );
  });

  it('fails without VIP samples instead of passing vacuously', () => {
    const h = history([]);
    expect(checkSplitBrain(h, { maxMs: 1000 }, ctx(h)).passed).toBe(false);
  });

  it('fails an expected split brain whose final sample still shows an unknown master', () => {
    const h = history([
      fault(5, 'f1', 'all-masters', 'applied', 'block-vrrp'),
      vip(6, ['master-0', 'master-1']),
      fault(20, 'f1', 'all-masters', 'undone', 'block-vrrp'),
      vip(25, ['master-0'], ['master-2']),
    ]);
    expect(checkSplitBrain(h, { expected: true }, ctx(h)).passed).toBe(false);
  });
});

describe('vipFailover', () => {
  it('measures from the fault on the holder to the first sample with one other live holder', () => {
    const h = history([
      vip(0, ['master-0']),
      fault(5, 'f1', 'master-0'),
      vip(6, [], ['master-0']),
      vip(8, ['master-0', 'master-1']),
      vip(9, ['master-1'], ['master-0']),
    ]);
    expect(checkVipFailover(h, { withinMs: 10_000 }, ctx(h))).toMatchObject({
      passed: true,
      figures: { failoverMs: 4000, from: 'master-0', to: 'master-1' },
    });
  });

  it('resolves a vip-holder target left unresolved in the fault record', () => {
    const h = history([vip(0, ['master-2']), fault(5, 'f1', 'vip-holder'), vip(7, ['master-0'])]);
    expect(checkVipFailover(h, { withinMs: 10_000 }, ctx(h))).toMatchObject({
      passed: true,
      figures: { failoverMs: 2000, from: 'master-2', to: 'master-0' },
    });
  });

  it('fails when no fault hit the VIP holder', () => {
    const h = history([vip(0, ['master-0']), fault(5, 'f1', 'master-1'), vip(7, ['master-0'])]);
    const v = checkVipFailover(h, { withinMs: 10_000 }, ctx(h));
    expect(v.passed).toBe(false);
    expect(v.summary).toContain('no fault hit the VIP holder');
  });

  it('does not accept the VIP landing on another node the fault also hit', () => {
    const h = history([
      vip(0, ['master-0']),
      fault(5, 'f1', 'master-0,master-1'),
      vip(7, ['master-1']),
    ]);
    expect(checkVipFailover(h, { withinMs: 10_000 }, ctx(h)).passed).toBe(false);
  });
});

describe('apiUnavailable', () => {
  it('measures the longest window from first failure to next success', () => {
    const h = history([
      api(1, true),
      api(2, false),
      api(3, false),
      api(6, true),
      api(10, false),
      api(11, true),
    ]);
    expect(checkApiUnavailable(h, { maxMs: 10_000 }, ctx(h))).toMatchObject({
      passed: true,
      figures: { unavailableMs: 4000, outages: 2, failedRequests: 3 },
    });
  });

  it('fails an outage longer than the limit', () => {
    const h = history([api(1, false), api(12, true)]);
    expect(checkApiUnavailable(h, { maxMs: 10_000 }, ctx(h)).passed).toBe(false);
  });

  it('ignores requests made to a single master', () => {
    const h = history([
      api(1, true),
      api(2, false, 'master-0'),
      api(40, false, 'master-0'),
      api(41, true),
    ]);
    expect(checkApiUnavailable(h, { maxMs: 1000 }, ctx(h)).passed).toBe(true);
  });

  it('fails without requests through the VIP', () => {
    const h = history([api(1, true, 'master-0')]);
    expect(checkApiUnavailable(h, { maxMs: 1000 }, ctx(h)).passed).toBe(false);
  });
});

describe('noLostWrites', () => {
  const writes = [
    write(1, 'a', 'ok'),
    write(2, 'b', 'unknown'),
    write(3, 'c', 'failed'),
    write(4, 'd', 'ok'),
  ];

  it('does not count an unknown-outcome write as lost', () => {
    const h = history(writes, {
      finalReadback: { present: ['a', 'd'], absent: ['b', 'c'] },
      finalWriteOk: true,
    });
    expect(checkNoLostWrites(h, true, ctx(h))).toMatchObject({
      passed: true,
      figures: { lostWrites: 0, unknownWrites: 1, acknowledgedWrites: 2 },
    });
  });

  it('fails and names an acknowledged write missing from the read-back', () => {
    const h = history(writes, {
      finalReadback: { present: ['a'], absent: ['b', 'c', 'd'] },
      finalWriteOk: true,
    });
    const v = checkNoLostWrites(h, true, ctx(h));
    expect(v.passed).toBe(false);
    expect(v.figures.lostWrites).toBe(1);
    expect(v.summary).toContain('d');
  });

  it('fails when the read-back is missing', () => {
    const h = history(writes, { finalWriteOk: true });
    expect(checkNoLostWrites(h, true, ctx(h)).passed).toBe(false);
  });

  it('fails when no final write was recorded', () => {
    const h = history(writes, { finalReadback: { present: ['a', 'd'], absent: [] } });
    expect(checkNoLostWrites(h, true, ctx(h)).summary).toContain('no final write');
  });

  it('fails an acknowledged write read back with another value than it wrote', () => {
    const h = history(
      [
        { ...write(1, 'a', 'ok'), writer: 0, value: 'v1' },
        { ...write(2, 'b', 'ok'), writer: 1, value: 'v2' },
      ],
      {
        finalReadback: { present: ['a', 'b'], absent: [], values: { a: 'v1', b: 'stale' } },
        finalWriteOk: true,
      },
    );
    const v = checkNoLostWrites(h, true, ctx(h));
    expect(v.passed).toBe(false);
    expect(v.figures).toMatchObject({ changedWrites: 1, writers: 2 });
  });

  it('fails when a write that definitely failed is present', () => {
    const h = history(writes, {
      finalReadback: { present: ['a', 'c', 'd'], absent: ['b'] },
      finalWriteOk: true,
    });
    expect(checkNoLostWrites(h, true, ctx(h)).summary).toContain('definitely failed are present');
  });

  it("fails when the reader's revisions go backwards, and passes when they only grow", () => {
    const read = (s: number, rv: number | null) => ({
      type: 'read' as const,
      at: at(s),
      latencyMs: 5,
      ok: rv !== null,
      resourceVersion: rv,
    });
    const done = { finalReadback: { present: ['a', 'd'], absent: ['b', 'c'] }, finalWriteOk: true };
    const back = history(
      [...writes, read(1, 100), read(2, null), read(3, 120), read(4, 110)],
      done,
    );
    expect(checkNoLostWrites(back, true, ctx(back)).summary).toContain('revision 110 after 120');
    const forward = history(
      [...writes, read(1, 100), read(2, null), read(3, 120), read(4, 120)],
      done,
    );
    expect(checkNoLostWrites(forward, true, ctx(forward))).toMatchObject({
      passed: true,
      figures: { reads: 3, readRegressions: 0 },
    });
  });

  it('fails when no write was ever acknowledged', () => {
    const h = history([write(1, 'a', 'failed')], {
      finalReadback: { present: [], absent: ['a'] },
      finalWriteOk: true,
    });
    expect(checkNoLostWrites(h, true, ctx(h)).passed).toBe(false);
  });
});

describe('etcdQuorum', () => {
  const three = (leader: string) => ['master-0', 'master-1', 'master-2'].map((m) => up(m, leader));

  it('keeps quorum with one member down', () => {
    const h = history([
      etcd(1, three('master-0')),
      etcd(2, [down('master-0'), up('master-1', 'master-1', 3), up('master-2', 'master-1', 3)]),
    ]);
    expect(checkEtcdQuorum(h, 'kept', ctx(h)).passed).toBe(true);
  });

  it('counts a member missing from a sample against the majority', () => {
    const h = history([etcd(1, [up('master-1', 'master-1')])]);
    expect(checkEtcdQuorum(h, 'kept', ctx(h)).passed).toBe(false);
    expect(checkEtcdQuorum(h, 'lost', ctx(h)).passed).toBe(true);
  });

  it('treats different leaders in different terms as stale views, not two leaders', () => {
    const h = history([
      etcd(1, [
        up('master-0', 'master-0', 2),
        up('master-1', 'master-1', 3),
        up('master-2', 'master-1', 3),
      ]),
    ]);
    expect(checkEtcdQuorum(h, 'kept', ctx(h)).passed).toBe(true);
  });

  it('fails expected quorum loss that never happened', () => {
    const h = history([etcd(1, three('master-0'))]);
    expect(checkEtcdQuorum(h, 'lost', ctx(h)).passed).toBe(false);
  });
});

describe('etcdQuorum: leader and linearizable reads', () => {
  const all = (leader: string, term = 2) =>
    ['master-0', 'master-1', 'master-2'].map((m) => ({
      ...up(m, leader, term),
      linearizable: true,
    }));
  const survivors = (leader: string, term: number, linearizable: boolean) =>
    ['master-0', 'master-2'].map((m) => ({ ...up(m, leader, term), linearizable }));

  it('counts followers still naming a dead leader as no leader', () => {
    const h = history([
      etcd(0, all('master-1')),
      etcd(1, [...survivors('master-1', 2, false), down('master-1')]),
      etcd(5, [...survivors('master-0', 3, true), down('master-1')]),
      etcd(10, [...survivors('master-0', 3, true), down('master-1')]),
    ]);
    const v = checkEtcdQuorum(h, 'kept', ctx(h));
    expect(v.passed).toBe(false);
    expect(v.figures).toMatchObject({ leaderlessMs: 4000 });
    expect(checkEtcdQuorum(h, 'kept', ctx(h), 5000).passed).toBe(true);
  });

  it('fails when a majority answers but no linearizable read succeeds for longer than the limit', () => {
    const stalled = ['master-0', 'master-1', 'master-2'].map((m) => ({
      ...up(m, 'master-1'),
      linearizable: false,
    }));
    const h = history([etcd(0, all('master-1')), etcd(1, stalled), etcd(6, all('master-1'))]);
    const v = checkEtcdQuorum(h, 'kept', ctx(h));
    expect(v.summary).toContain('no linearizable read succeeded for 5s');
    expect(v.decidedAt).toBe(h.entries[1]!.at);
  });

  it('passes a short election and a short read stall', () => {
    const h = history([
      etcd(0, all('master-1')),
      etcd(1, [...survivors('master-1', 2, false), down('master-1')]),
      etcd(2.5, [...survivors('master-0', 3, true), down('master-1')]),
      etcd(10, all('master-0', 3)),
    ]);
    expect(checkEtcdQuorum(h, 'kept', ctx(h))).toMatchObject({
      passed: true,
      figures: { leaderlessMs: 1500, linearizableGapMs: 1500 },
    });
  });
});

describe('leaderElection', () => {
  it('measures until the survivors agree on a different leader', () => {
    const h = history([
      etcd(
        1,
        ['master-0', 'master-1', 'master-2'].map((m) => up(m, 'master-0')),
      ),
      fault(5, 'f1', 'etcd-leader'),
      etcd(6, [down('master-0'), up('master-1', 'master-1', 3), up('master-2', 'master-2', 3)]),
      etcd(7, [down('master-0'), up('master-1', 'master-2', 3), up('master-2', 'master-2', 3)]),
    ]);
    expect(checkLeaderElection(h, { withinMs: 3000 }, ctx(h))).toMatchObject({
      passed: true,
      figures: { electionMs: 2000, from: 'master-0', to: 'master-2' },
    });
  });

  it('fails when the fault did not hit the leader', () => {
    const h = history([
      etcd(
        1,
        ['master-0', 'master-1', 'master-2'].map((m) => up(m, 'master-0')),
      ),
      fault(5, 'f1', 'master-2'),
    ]);
    expect(checkLeaderElection(h, { withinMs: 3000 }, ctx(h)).passed).toBe(false);
  });
});

describe('rejoin', () => {
  const hashKv = { 'master-0': 7, 'master-1': 7, 'master-2': 7 };
  const killed = [fault(5, 'f1', 'master-0'), fault(20, 'f1', 'master-0', 'undone')];
  const back = { startedAt: 21 };

  it('measures from the undo to the first reading on which the lab is whole by fresh evidence', () => {
    const h = history(
      [
        ...killed,
        evidence(22, { 'master-0': { ...back, processes: { kubelet: null }, lease: 4 } }),
        evidence(30, { 'master-0': { ...back, lease: 25 } }),
        evidence(40, { 'master-0': { ...back, lease: 35 } }),
      ],
      { hashKv },
    );
    expect(checkRejoin(h, { withinMs: 90_000 }, ctx(h))).toMatchObject({
      passed: true,
      figures: { rejoinMs: 10_000, 'master-0WholeMs': 10_000 },
    });
  });

  it('fails a killed master whose kubelet never returns, though the API still says Ready', () => {
    const h = history(
      [
        ...killed,
        nodes(25),
        nodes(40),
        evidence(40, { 'master-0': { ...back, processes: { kubelet: null }, lease: 4 } }),
      ],
      { hashKv },
    );
    const v = checkRejoin(h, { withinMs: 90_000 }, ctx(h));
    expect(v.passed).toBe(false);
    expect(v.summary).toContain('master-0: kubelet not running');
  });

  it('fails when only readings from before the undo exist', () => {
    const h = history([...killed, evidence(4)], { hashKv });
    expect(checkRejoin(h, { withinMs: 90_000 }, ctx(h)).summary).toContain('no evidence was read');
  });

  it('fails a recovery that relapses before the end', () => {
    const h = history(
      [
        ...killed,
        evidence(30, { 'master-0': { ...back, lease: 25 } }),
        evidence(40, { 'master-0': { ...back, lease: 35 }, 'worker-1': { lease: 5 } }),
      ],
      { hashKv },
    );
    expect(checkRejoin(h, { withinMs: 90_000 }, ctx(h)).summary).toContain('not at the end');
  });

  it('fails a rejoin slower than the limit', () => {
    const h = history([...killed, evidence(50, { 'master-0': { ...back, lease: 45 } })], {
      hashKv,
    });
    expect(checkRejoin(h, { withinMs: 20_000 }, ctx(h)).passed).toBe(false);
  });

  it('fails when a fault was never undone', () => {
    const h = history([fault(5, 'f1', 'master-0'), evidence(25)], { hashKv });
    expect(checkRejoin(h, { withinMs: 90_000 }, ctx(h)).passed).toBe(false);
  });

  it('fails when a member gave no hashkv after the run', () => {
    const h = history([...killed, evidence(30, { 'master-0': { ...back, lease: 25 } })], {
      hashKv: { ...hashKv, 'master-0': null },
    });
    expect(checkRejoin(h, { withinMs: 90_000 }, ctx(h)).summary).toContain(
      'no hashkv from master-0',
    );
  });
});

describe('vipHome', () => {
  it('passes when only the expected master holds the VIP at the end', () => {
    const h = history([vip(1, ['master-1']), vip(50, ['master-0'])], {
      expectedVipHolder: 'master-0',
    });
    expect(checkVipHome(h, true, ctx(h)).passed).toBe(true);
  });

  it('fails when the expected holder shares the VIP at the end', () => {
    const h = history([vip(50, ['master-0', 'master-1'])], { expectedVipHolder: 'master-0' });
    expect(checkVipHome(h, true, ctx(h)).passed).toBe(false);
  });

  it('fails when the history does not name the expected holder', () => {
    const h = history([vip(50, ['master-0'])]);
    expect(checkVipHome(h, true, ctx(h)).passed).toBe(false);
  });
});

describe('runChecks', () => {
  it('runs only the stated expectations plus the default split-brain check, in a fixed order', () => {
    const h = history([vip(1, ['master-0'])], { expectedVipHolder: 'master-0' });
    const verdicts = runChecks(h, {
      vipHome: true,
      splitBrain: { maxMs: 1000 },
      noLostWrites: false,
    });
    expect(verdicts.map((v) => v.check)).toEqual(['splitBrain', 'vipHome']);
  });

  it('merges per-node records of one fault into one window', () => {
    const h = history([
      fault(5, 'f1', 'master-0', 'applied', 'block-vrrp'),
      fault(5.1, 'f1', 'master-1', 'applied', 'block-vrrp'),
      fault(20, 'f1', 'master-0', 'undone', 'block-vrrp'),
      fault(20.2, 'f1', 'master-1', 'undone', 'block-vrrp'),
    ]);
    expect(buildCheckContext(h).faults).toEqual([
      {
        id: 'f1',
        fault: 'block-vrrp',
        targets: ['master-0', 'master-1'],
        appliedAt: at(5),
        undoneAt: at(20.2),
        undoIssuedAt: at(20.2),
        undoFailed: false,
      },
    ]);
  });
});
