import { describe, expect, it } from 'vitest';
import type { EtcdMemberStatus, HistoryEntry } from '../../../src/chaos/history.js';
import {
  createDashboardState,
  isSplitBrain,
  reduceDashboard,
  TIMELINE_LIMIT,
  type DashboardEvent,
  type DashboardState,
} from '../../../src/ui/dashboard-state.js';
import { formatSince } from '../../../src/ui/format.js';
import { loadFixtures, replay } from './fixtures.js';

const T0 = 1_764_070_000_000;
const SEEDS = [
  { name: 'master-0', role: 'master', ip: '172.30.5.11' },
  { name: 'master-1', role: 'master', ip: '172.30.5.12' },
  { name: 'master-2', role: 'master', ip: '172.30.5.13' },
  { name: 'worker-0', role: 'worker', ip: '172.30.5.21' },
] as const;

function run(events: DashboardEvent[], start: DashboardState = fresh()): DashboardState {
  return events.reduce(reduceDashboard, start);
}

function fresh(): DashboardState {
  return createDashboardState({ labName: 'ha-lab', nodes: [...SEEDS], now: T0 });
}

const vip = (at: number, holders: string[], unknown: string[] = []): HistoryEntry => ({
  type: 'vip',
  at: T0 + at,
  holders,
  unknown,
});
const fault = (
  at: number,
  phase: 'applied' | 'undone' | 'undo-failed',
  message?: string,
): HistoryEntry => ({
  type: 'fault',
  at: T0 + at,
  id: 'f1',
  fault: 'kill',
  target: 'master-0',
  phase,
  ...(message === undefined ? {} : { message }),
});
const apiVip = (at: number, ok: boolean, latencyMs = 10): HistoryEntry => ({
  type: 'api',
  at: T0 + at,
  target: 'vip',
  ok,
  latencyMs,
  detail: ok ? '200' : 'ECONNREFUSED',
});
const etcd = (at: number, leader: string | undefined, down: string[] = []): HistoryEntry => ({
  type: 'etcd',
  at: T0 + at,
  members: ['master-0', 'master-1', 'master-2'].map((member): EtcdMemberStatus =>
    down.includes(member)
      ? { member, healthy: false }
      : {
          member,
          healthy: true,
          raftTerm: 3,
          dbSizeBytes: 2_000_000,
          ...(leader ? { leader } : {}),
        },
  ),
});

const texts = (state: DashboardState) => state.timeline.map((e) => e.text);

describe('reduceDashboard', () => {
  it('records "VIP moved master-0 → master-1" with the time since the kill', () => {
    const state = run([
      vip(0, ['master-0']),
      fault(1000, 'applied'),
      vip(1200, [], ['master-0']),
      vip(4200, ['master-1'], ['master-0']),
    ]);
    const moved = state.timeline.find((e) => e.kind === 'vip-moved');
    expect(moved?.text).toBe('VIP moved master-0 → master-1');
    expect(moved?.sinceFaultMs).toBe(3200);
    expect(formatSince(moved?.sinceFaultMs ?? NaN)).toBe('+3.2s');
    expect(texts(state)).toContain('VIP LOST: no master holds it (master-0 unreachable)');
    expect(state.nodes.find((n) => n.name === 'master-1')?.hasVip).toBe(true);
    expect(state.nodes.find((n) => n.name === 'master-0')?.hasVip).toBe(false);
  });

  it('does not report the first VIP sample as a change', () => {
    const state = run([vip(0, ['master-0'])]);
    expect(state.timeline).toEqual([]);
    expect(state.nodes[0]?.lastChangeAt).toBeUndefined();
  });

  it('flags split brain while two masters hold the VIP, with events when it begins and ends', () => {
    const during = run([vip(0, ['master-0']), vip(1000, ['master-0', 'master-1'])]);
    expect(isSplitBrain(during)).toBe(true);
    expect(during.vip.holders).toEqual(['master-0', 'master-1']);
    expect(texts(during)).toContain('SPLIT BRAIN: master-0 + master-1 hold the VIP');

    const after = run([vip(2000, ['master-0'])], during);
    expect(isSplitBrain(after)).toBe(false);
    expect(after.timeline.at(-1)?.kind).toBe('split-brain-ends');
    expect(after.timeline.at(-1)?.text).toBe('split brain over: master-0 holds the VIP');
  });

  it('keeps a fault active and shows the failure when its undo fails', () => {
    const state = run([fault(0, 'applied'), fault(5000, 'undo-failed', 'docker start timed out')]);
    expect(state.activeFaults).toHaveLength(1);
    expect(state.activeFaults[0]?.undoError).toBe('docker start timed out');
    const last = state.timeline.at(-1);
    expect(last?.kind).toBe('fault-undo-failed');
    expect(last?.severity).toBe('bad');
    expect(last?.text).toBe('UNDO FAILED: kill master-0: docker start timed out');
    expect(last?.sinceFaultMs).toBe(5000);
  });

  it('clears the fault once its undo succeeds', () => {
    const state = run([fault(0, 'applied'), fault(5000, 'undone')]);
    expect(state.activeFaults).toEqual([]);
    expect(texts(state).at(-1)).toBe('undone: kill master-0');
  });

  it('records an etcd leader change through a leaderless gap and sets each row role', () => {
    const state = run([
      etcd(0, 'master-0'),
      etcd(1000, 'master-0', ['master-0']),
      etcd(2000, 'master-1', ['master-0']),
    ]);
    expect(texts(state)).toEqual([
      'etcd NO LEADER (was master-0)',
      'etcd leader master-0 → master-1',
    ]);
    expect(state.etcd.leader).toBe('master-1');
    expect(state.nodes.map((n) => n.etcd)).toEqual(['down', 'leader', 'follower', 'none']);
  });

  it('records quorum loss when most etcd members are down', () => {
    const state = run([etcd(0, 'master-0'), etcd(1000, undefined, ['master-0', 'master-1'])]);
    expect(texts(state)).toContain('etcd QUORUM LOST (1/3 healthy)');
  });

  it('records API down and back up through the VIP, with the outage length', () => {
    const state = run([
      apiVip(0, true),
      apiVip(500, false),
      apiVip(750, false),
      apiVip(4500, true),
    ]);
    expect(texts(state)).toEqual(['API DOWN via VIP (ECONNREFUSED)', 'API up via VIP after 4.0s']);
    expect(state.api.up).toBe(true);
    const errors = state.api.series.reduce((n, b) => n + b.errors, 0);
    expect(errors).toBe(2);
  });

  it('marks a node API and Ready state per node and reports a Ready change', () => {
    const state = run([
      { type: 'api', at: T0, target: 'master-2', ok: false, latencyMs: 1000, detail: 'ETIMEDOUT' },
      { type: 'nodes', at: T0, ready: { 'worker-0': 'True' } },
      { type: 'nodes', at: T0 + 40_000, ready: { 'worker-0': 'False' } },
    ]);
    expect(state.nodes.find((n) => n.name === 'master-2')?.apiReady).toBe(false);
    expect(texts(state)).toEqual(['worker-0 NOTREADY']);
    expect(state.nodes.find((n) => n.name === 'worker-0')?.lastChangeAt).toBe(T0 + 40_000);
  });

  it('returns the same state for a tick within the same second, so nothing re-renders', () => {
    const state = fresh();
    expect(reduceDashboard(state, { type: 'tick', at: T0 + 400 })).toBe(state);
    expect(reduceDashboard(state, { type: 'tick', at: T0 + 1000 }).now).toBe(T0 + 1000);
  });

  it('keeps row objects that did not change, so memoised rows skip rendering', () => {
    const before = run([vip(0, ['master-0'])]);
    const after = run([vip(250, ['master-0'])], before);
    after.nodes.forEach((row, i) => expect(row).toBe(before.nodes[i]));
  });

  it('folds a flapping API into one timeline line that counts the outages', () => {
    const flaps: DashboardEvent[] = [apiVip(0, true), apiVip(250, false), apiVip(5000, true)];
    for (let i = 1; i <= 20; i++) flaps.push(apiVip(5000 + i * 500, i % 2 === 0));
    const state = run(flaps);
    expect(texts(state)).toEqual([
      'API DOWN via VIP (ECONNREFUSED)',
      'API FLAPPING via VIP: 11 outages, now up',
    ]);
  });

  it('bounds the timeline and the availability series', () => {
    const events: DashboardEvent[] = [];
    for (let i = 0; i < 600; i++) {
      events.push({ type: 'note', at: T0 + i * 500, message: `note ${i}` }, apiVip(i * 500, true));
    }
    const state = run(events);
    expect(state.timeline).toHaveLength(TIMELINE_LIMIT);
    expect(state.timeline.at(-1)?.text).toBe('note 599');
    expect(state.api.series.length).toBeLessThanOrEqual(60);
  });

  it('clamps the selection to the rows', () => {
    const state = run([
      { type: 'select', delta: -1 },
      { type: 'select', delta: 10 },
    ]);
    expect(state.selected).toBe(SEEDS.length - 1);
  });

  it('shows a failed request as a notice and in the timeline', () => {
    const state = run([
      { type: 'fault-requested', at: T0, fault: 'kill', target: 'master-0' },
      { type: 'fault-failed', at: T0 + 100, message: 'kill master-0: no such container' },
    ]);
    expect(state.notice).toEqual({
      kind: 'error',
      text: 'kill master-0: no such container',
      at: T0 + 100,
    });
    expect(texts(state)).toEqual(['FAILED: kill master-0: no such container']);
  });
});

describe.each(loadFixtures())('replaying fixture $name', (fixture) => {
  const state = replay(fixture);

  it('produces the expected timeline events in order', () => {
    let from = 0;
    for (const wanted of fixture.expect.timeline) {
      const index = state.timeline.findIndex((e, i) => i >= from && e.text.includes(wanted));
      expect(
        index,
        `"${wanted}" after event ${from} in:\n${texts(state).join('\n')}`,
      ).toBeGreaterThanOrEqual(0);
      from = index + 1;
    }
  });

  it('ends with the expected VIP holders, split-brain flag and active faults', () => {
    expect(state.vip.holders).toEqual(fixture.expect.vipHolders);
    expect(isSplitBrain(state)).toBe(fixture.expect.splitBrain);
    expect(state.activeFaults).toHaveLength(fixture.expect.activeFaults);
  });

  it('labels events with the time since the last fault', () => {
    for (const [text, since] of Object.entries(fixture.expect.sinceFault ?? {})) {
      const event = state.timeline.find((e) => e.text.includes(text));
      expect(
        event && event.sinceFaultMs !== undefined ? formatSince(event.sinceFaultMs) : undefined,
      ).toBe(since);
    }
  });
});

describe('a scenario started from the dashboard', () => {
  it('is remembered from its start to its end', async () => {
    const { createDashboardState, reduceDashboard } =
      await import('../../../src/ui/dashboard-state.js');
    let state = createDashboardState({ labName: 'x', now: 0 });
    state = reduceDashboard(state, { type: 'scenario-started', at: 1, name: 'kill-master0' });
    expect(state.scenario).toBe('kill-master0');
    state = reduceDashboard(state, { type: 'scenario-ended', at: 2 });
    expect(state.scenario).toBeUndefined();
  });
});
