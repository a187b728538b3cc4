import { describe, expect, it } from 'vitest';
import {
  atRest,
  judgeWhole,
  type WholeRequirement,
} from '../../../src/lab/evidence/judge-whole.js';
import { ALL_NODES, MASTERS, evidence } from '../chaos/evidence-builder.js';
import { at } from '../chaos/history-builder.js';

const rest = atRest(
  ALL_NODES.map((name) => ({ name, role: MASTERS.includes(name) ? 'master' : 'worker' })),
);

/** master-0 was killed at 5 s and started again at 20 s. */
const afterKill: WholeRequirement = {
  nodes: rest.nodes.map((n) =>
    n.name === 'master-0' ? { ...n, since: at(20), stoppedAt: at(5), restarted: 'all' } : n,
  ),
};

describe('judgeWhole', () => {
  it('finds a healthy lab at rest whole', () => {
    expect(judgeWhole(evidence(30), rest)).toEqual({ whole: true, missing: [] });
  });

  it('does not take a stale lease for a live kubelet', () => {
    const j = judgeWhole(evidence(60, { 'worker-1': { lease: 20 } }), rest);
    expect(j.whole).toBe(false);
    expect(j.missing).toContain('worker-1: kubelet lease 40.0 s old');
  });

  it('demands a lease renewed after the undo on a restored node', () => {
    const j = judgeWhole(evidence(30, { 'master-0': { lease: 19, startedAt: 21 } }), afterKill);
    expect(j.missing).toEqual(['master-0: kubelet lease not renewed since the undo']);
  });

  it('fails a killed node whose kubelet never came back (masked)', () => {
    const j = judgeWhole(
      evidence(40, { 'master-0': { startedAt: 21, processes: { kubelet: null }, lease: 4 } }),
      afterKill,
    );
    expect(j.missing).toContain('master-0: kubelet not running');
  });

  it('fails a process that is still the one from before the fault', () => {
    const j = judgeWhole(
      evidence(40, { 'master-0': { startedAt: 21, processes: { etcd: -100 } } }),
      afterKill,
    );
    expect(j.missing).toEqual(['master-0: etcd still the process from before the fault']);
  });

  it('accepts a service that systemd restarted before the undo, after the fault', () => {
    const req: WholeRequirement = {
      nodes: rest.nodes.map((n) =>
        n.name === 'master-1' ? { ...n, since: at(20), stoppedAt: at(5), restarted: ['etcd'] } : n,
      ),
    };
    const j = judgeWhole(evidence(30, { 'master-1': { processes: { etcd: 5.5 } } }), req);
    expect(j).toEqual({ whole: true, missing: [] });
  });

  it("asks each master's own /readyz", () => {
    const j = judgeWhole(evidence(30, { 'master-2': { readyz: false } }), rest);
    expect(j.missing).toEqual(['master-2: /readyz ECONNREFUSED']);
  });

  it('wants keepalived in MASTER or BACKUP, reported by the running keepalived', () => {
    expect(judgeWhole(evidence(30, { 'master-1': { vrrp: 'FAULT' } }), rest).missing).toEqual([
      'master-1: keepalived state FAULT, not MASTER or BACKUP',
    ]);
    expect(
      judgeWhole(evidence(30, { 'master-1': { startedAt: 10, vrrpWrittenAt: 2 } }), rest).missing,
    ).toEqual(['master-1: keepalived has not reported a state since it started']);
  });

  it('never counts a master it cannot ask as "not a holder"', () => {
    const j = judgeWhole(evidence(30, { 'master-2': { reachable: false } }), rest);
    expect(j.whole).toBe(false);
    expect(j.missing).toContain('VIP view unknown on master-2');
  });

  it("counts a paused master's kernel view of the VIP, read from the host", () => {
    const paused = evidence(30, { 'master-2': { reachable: false } });
    paused.nodes.find((n) => n.node === 'master-2')!.vip = 'holds';
    expect(judgeWhole(paused, rest).missing).toContain('master-0 and master-2 all hold the VIP');
  });

  it('fails two VIP holders and no VIP holder', () => {
    expect(judgeWhole(evidence(30, { 'master-1': { vip: 'holds' } }), rest).missing).toEqual([
      'master-0 and master-1 all hold the VIP',
    ]);
    expect(judgeWhole(evidence(30, { 'master-0': { vip: 'free' } }), rest).missing).toEqual([
      'nobody holds the VIP',
    ]);
  });

  it('wants etcd members on one leader, caught up, with equal hashkv', () => {
    expect(
      judgeWhole(evidence(30, { 'master-2': { leader: 'master-2' } }), rest).missing[0],
    ).toMatch(/do not agree on one leader/);
    expect(judgeWhole(evidence(30, { 'master-0': { appliedIndex: 3000 } }), rest).missing).toEqual([
      'etcd master-0 2000 entries behind the leader',
    ]);
    expect(judgeWhole(evidence(30, { 'master-0': { appliedIndex: 4500 } }), rest).whole).toBe(true);
    expect(judgeWhole(evidence(30, { 'master-2': { hash: 12 } }), rest).missing[0]).toMatch(
      /hashkv differs at revision 4000/,
    );
  });
});

describe('leaseRenewals', () => {
  it('reads MicroTime renewTimes to the millisecond', async () => {
    const { leaseRenewals } = await import('../../../src/lab/evidence/lab-evidence.js');
    const list = {
      items: [
        { metadata: { name: 'master-0' }, spec: { renewTime: '2026-12-04T16:40:00.123456Z' } },
        { metadata: { name: 'worker-0' }, spec: {} },
      ],
    };
    expect(leaseRenewals(JSON.stringify(list))).toEqual({
      'master-0': Date.UTC(2026, 11, 4, 16, 40, 0, 123),
      'worker-0': null,
    });
  });
});
