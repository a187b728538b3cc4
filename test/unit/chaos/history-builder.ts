import type {
  EtcdMemberStatus,
  FaultRecord,
  History,
  HistoryEntry,
  NodeReadySample,
  VipSample,
  WriteSample,
} from '../../../src/chaos/history.js';

/** Small hand-made histories for edge cases; times are seconds since T0. */

export const T0 = 1_700_000_000_000;
export const at = (seconds: number): number => T0 + Math.round(seconds * 1000);

export function history(entries: HistoryEntry[], extra: Partial<History> = {}): History {
  return { startedAt: T0, endedAt: at(60), entries, ...extra };
}

export const vip = (s: number, holders: string[], unknown: string[] = []): VipSample => ({
  type: 'vip',
  at: at(s),
  holders,
  unknown,
});

export const api = (s: number, ok: boolean, target = 'vip'): HistoryEntry => ({
  type: 'api',
  at: at(s),
  target,
  ok,
  latencyMs: 10,
  detail: ok ? '200' : 'ECONNREFUSED',
});

export const write = (s: number, key: string, outcome: WriteSample['outcome']): WriteSample => ({
  type: 'write',
  at: at(s),
  key,
  outcome,
  latencyMs: 20,
});

export const etcd = (s: number, members: EtcdMemberStatus[]): HistoryEntry => ({
  type: 'etcd',
  at: at(s),
  members,
});

export const up = (member: string, leader: string, raftTerm = 2): EtcdMemberStatus => ({
  member,
  healthy: true,
  leader,
  raftTerm,
});
export const down = (member: string): EtcdMemberStatus => ({ member, healthy: false });

export const nodes = (s: number, notReady: string[] = []): NodeReadySample => ({
  type: 'nodes',
  at: at(s),
  ready: Object.fromEntries(
    ['master-0', 'master-1', 'master-2', 'worker-0', 'worker-1', 'worker-2'].map((n) => [
      n,
      notReady.includes(n) ? 'False' : 'True',
    ]),
  ),
});

export const fault = (
  s: number,
  id: string,
  target: string,
  phase: FaultRecord['phase'] = 'applied',
  kind = 'kill',
): FaultRecord => ({ type: 'fault', at: at(s), id, fault: kind, target, phase });
