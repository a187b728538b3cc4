import type { EvidenceSample } from '../../../src/chaos/history.js';
import type { NodeFacts, ProcessFact } from '../../../src/lab/evidence/node-facts.js';
import { requiredServices, requiredStaticPods } from '../../../src/lab/evidence/node-facts.js';
import { at } from './history-builder.js';

/** Hand-made evidence readings; times are seconds since T0 like history-builder's. */

export const MASTERS = ['master-0', 'master-1', 'master-2'];
export const WORKERS = ['worker-0', 'worker-1', 'worker-2'];
export const ALL_NODES = [...MASTERS, ...WORKERS];

export interface NodeOverride {
  /** Seconds since T0 at which every process of the node started (default -100). */
  startedAt?: number;
  /** Per process name: started at (seconds), or null for not running. */
  processes?: Record<string, number | null>;
  reachable?: boolean;
  vrrp?: string | null;
  vrrpWrittenAt?: number;
  vip?: 'holds' | 'free' | 'unknown';
  /** Seconds since T0 of the last lease renewal, or null for none. */
  lease?: number | null;
  readyz?: boolean;
  appliedIndex?: number | null;
  answered?: boolean;
  leader?: string | null;
  hash?: number | null;
}

/** A whole lab at `s` (master-0 holds the VIP, master-1 leads etcd), with overrides per node. */
export function evidence(s: number, overrides: Record<string, NodeOverride> = {}): EvidenceSample {
  const o = (n: string): NodeOverride => overrides[n] ?? {};
  const processFact = (node: string, name: string): ProcessFact => {
    const override = o(node).processes?.[name];
    const started = override === undefined ? (o(node).startedAt ?? -100) : override;
    return { name, running: started !== null, startedAt: started === null ? null : at(started) };
  };
  const nodes: NodeFacts[] = ALL_NODES.map((node) => {
    const role = MASTERS.includes(node) ? 'master' : 'worker';
    if (o(node).reachable === false)
      return {
        node,
        reachable: false,
        error: 'container not running',
        services: requiredServices(role).map((name) => ({ name, running: false, startedAt: null })),
        staticPods: requiredStaticPods(role).map((name) => ({
          name,
          running: false,
          startedAt: null,
        })),
        ...(role === 'master' ? { vrrp: { state: null, writtenAt: null }, vip: 'unknown' } : {}),
      } as NodeFacts;
    const facts: NodeFacts = {
      node,
      reachable: true,
      services: requiredServices(role).map((name) => processFact(node, name)),
      staticPods: requiredStaticPods(role).map((name) => processFact(node, name)),
    };
    if (role === 'master') {
      const state =
        o(node).vrrp === undefined ? (node === 'master-0' ? 'MASTER' : 'BACKUP') : o(node).vrrp!;
      facts.vrrp = {
        state,
        writtenAt: at(o(node).vrrpWrittenAt ?? (o(node).startedAt ?? -100) + 2),
      };
      facts.vip = o(node).vip ?? (node === 'master-0' ? 'holds' : 'free');
    }
    return facts;
  });
  const lease = (n: string) => {
    const v = o(n).lease;
    return v === null ? null : at(v === undefined ? s - 1 : v);
  };
  return {
    type: 'evidence',
    at: at(s),
    nodes,
    leases: Object.fromEntries(ALL_NODES.map((n) => [n, lease(n)])),
    readyz: Object.fromEntries(
      MASTERS.map((m) => [
        m,
        o(m).readyz === false
          ? { ok: false, detail: 'ECONNREFUSED' }
          : { ok: true, detail: 'HTTP 200' },
      ]),
    ),
    etcd: MASTERS.map((m) => ({
      member: m,
      answered: o(m).answered ?? true,
      leader: o(m).leader === undefined ? 'master-1' : o(m).leader!,
      raftTerm: 3,
      appliedIndex: o(m).appliedIndex === undefined ? 5000 : o(m).appliedIndex!,
      revision: 4000,
    })),
    hashKv: {
      revision: 4000,
      hashes: Object.fromEntries(
        MASTERS.map((m) => [m, o(m).hash === undefined ? 77 : o(m).hash!]),
      ),
    },
  };
}
