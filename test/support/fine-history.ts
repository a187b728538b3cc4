import type { EvidenceSample, History, HistoryEntry } from '../../src/chaos/history.js';
import { loadFixture } from './report-pages.js';

/**
 * A 60 s kill-master0 run at the fine-grained probe rates (API every 50 ms on the VIP and
 * each master, VIP and etcd every 250 ms, three writers every 200 ms, a reader, node readiness
 * every second), shaped like the captured runs: the size and speed target of report.html is
 * stated for exactly this. The evidence readings after the undo are the captured run's.
 */
export function fineKillMaster0History(): History {
  const t0 = 1_800_000_000_000;
  const at = (ms: number) => t0 + ms;
  const masters = ['master-0', 'master-1', 'master-2'];
  const nodes = [...masters, 'worker-0', 'worker-1', 'worker-2'];
  const kill = 10_000;
  const undoIssued = 35_000;
  const undone = 36_000;
  const vipBack = 12_700;
  const apiBack = 13_300;
  const master0Back = 45_000;
  const jitter = (i: number) => 6 + ((i * 7919) % 37);
  const entries: HistoryEntry[] = [];
  for (let ms = 0; ms < 60_000; ms += 50) {
    for (const target of ['vip', ...masters]) {
      const down =
        (target === 'vip' && ms >= kill && ms < apiBack) ||
        (target === 'master-0' && ms >= kill && ms < master0Back);
      entries.push({
        type: 'api',
        at: at(ms),
        target,
        ok: !down,
        latencyMs: down ? 1000 : jitter(ms / 50),
        detail: down ? 'ETIMEDOUT' : 'HTTP 200',
      });
    }
  }
  for (let ms = 0; ms < 60_000; ms += 250) {
    const holder = ms < kill ? 'master-0' : ms < vipBack ? undefined : 'master-1';
    entries.push({
      type: 'vip',
      at: at(ms),
      holders: holder ? [holder] : [],
      // As in the captured runs, the killed master's view does not stay unknown.
      unknown: [],
    });
    const master0Up = ms < kill || ms >= master0Back;
    entries.push({
      type: 'etcd',
      at: at(ms),
      members: masters.map((member) => ({
        member,
        healthy: member !== 'master-0' || master0Up,
        leader: 'master-1',
        raftTerm: 2,
        raftIndex: 1000 + ms,
      })),
    });
  }
  const keys: string[] = [];
  for (let writer = 0; writer < 3; writer++) {
    for (let ms = writer * 60, n = 0; ms < 60_000; ms += 200, n++) {
      const outcome = ms >= kill && ms < apiBack ? (n % 3 === 0 ? 'unknown' : 'failed') : 'ok';
      const key = `ha-lab-w-fine-${writer}-${n}`;
      if (outcome === 'ok') keys.push(key);
      entries.push({ type: 'write', at: at(ms), key, outcome, latencyMs: 20, writer, value: key });
    }
  }
  for (let ms = 0, rv = 5000; ms < 60_000; ms += 200, rv += 3) {
    const ok = ms < kill || ms >= apiBack;
    entries.push({ type: 'read', at: at(ms), latencyMs: 9, ok, resourceVersion: ok ? rv : null });
  }
  for (let ms = 0; ms < 60_000; ms += 1000) {
    const master0Lease = ms < kill ? at(ms - 2000) : ms < master0Back ? at(kill - 2000) : at(ms);
    entries.push({
      type: 'nodes',
      at: at(ms),
      ready: Object.fromEntries(nodes.map((n) => [n, 'True'])),
      leases: Object.fromEntries(nodes.map((n) => [n, n === 'master-0' ? master0Lease : at(ms)])),
    });
  }
  entries.push(
    { type: 'fault', at: at(kill), id: 'f1', fault: 'kill', target: 'master-0', phase: 'applied' },
    {
      type: 'fault',
      at: at(undone),
      issuedAt: at(undoIssued),
      id: 'f1',
      fault: 'kill',
      target: 'master-0',
      phase: 'undone',
    },
  );
  entries.push(...capturedEvidence(at(undoIssued)));
  entries.sort((a, b) => a.at - b.at);
  return {
    startedAt: t0,
    endedAt: at(60_000),
    entries,
    finalReadback: {
      present: keys,
      absent: [],
      values: Object.fromEntries(keys.map((k) => [k, k])),
    },
    finalWriteOk: true,
    hashKv: { 'master-0': 77, 'master-1': 77, 'master-2': 77 },
    expectedVipHolder: 'master-1',
  };
}

/** The captured run's evidence readings, moved so its undo falls at `undoAt`. */
function capturedEvidence(undoAt: number): EvidenceSample[] {
  const { history } = loadFixture('captured/kill-master0-fresh-evidence');
  const undo = history.entries.find((e) => e.type === 'fault' && e.phase === 'undone');
  const shift = undoAt - ((undo as { issuedAt?: number } | undefined)?.issuedAt ?? undo!.at);
  const move = (t: number | null) => (t === null ? null : t + shift);
  return history.entries
    .filter((e): e is EvidenceSample => e.type === 'evidence')
    .map((e) => ({
      ...e,
      at: e.at + shift,
      leases: Object.fromEntries(Object.entries(e.leases).map(([n, t]) => [n, move(t)])),
      nodes: e.nodes.map((n) => ({
        ...n,
        services: n.services.map((s) => ({ ...s, startedAt: move(s.startedAt) })),
        staticPods: n.staticPods.map((s) => ({ ...s, startedAt: move(s.startedAt) })),
        ...(n.vrrp ? { vrrp: { ...n.vrrp, writtenAt: move(n.vrrp.writtenAt) } } : {}),
      })),
    }));
}
