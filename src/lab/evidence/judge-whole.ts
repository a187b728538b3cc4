import type { Role } from '../../core/topology.js';
import type { LabEvidence } from './lab-evidence.js';
import type { ProcessFact } from './node-facts.js';

/**
 * The one definition of a whole lab, used by `status`, `up` after an engine restart, a
 * scenario's starting state, `wait: recovered` and the rejoin check. It trusts only facts
 * read afresh: a kubelet lease renewed recently (or after the node's undo), processes that run
 * now (and started after the undo when the fault stopped them), each master's own /readyz,
 * keepalived's own VRRP state, one VIP holder, and etcd members that agree on one leader,
 * have caught up with it and hold the same data. A Node's Ready condition is never evidence:
 * the API keeps it True for the grace period after a kubelet dies.
 */

/** A kubelet renews its lease every 10 s; two missed renewals mean it is not alive. */
export const LEASE_FRESH_MS = 25_000;
/** A member whose applied index is this far behind the leader's has not caught up. */
export const MAX_APPLIED_LAG = 1000;
/** Start times are read in clock ticks (10 ms); allow one tick either way. */
const TICK_SLACK_MS = 20;

export interface NodeRequirement {
  name: string;
  role: Role;
  /** When the node's last undo began: its kubelet lease must have been renewed after this. */
  since?: number;
  /**
   * What a fault stopped on this node, every service ('all') or the named ones, and when: each
   * must run a process started after `stoppedAt`. Nothing could start a killed node's
   * processes before its undo, so this is "started again after the undo", and it also holds
   * for a service systemd restarts by itself after a SIGKILL.
   */
  restarted?: 'all' | string[];
  stoppedAt?: number;
}

export interface WholeRequirement {
  nodes: NodeRequirement[];
}

export interface Judgement {
  whole: boolean;
  /** One short phrase per missing fact ("master-0: kubelet not running"), empty when whole. */
  missing: string[];
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function processProblems(
  node: string,
  facts: ProcessFact[],
  requirement: NodeRequirement,
): string[] {
  const problems: string[] = [];
  for (const fact of facts) {
    if (!fact.running) {
      problems.push(`${node}: ${fact.name} not running`);
      continue;
    }
    const stoppedAt = requirement.stoppedAt;
    const mustRestart =
      stoppedAt !== undefined &&
      (requirement.restarted === 'all' || requirement.restarted?.includes(fact.name));
    if (mustRestart && (fact.startedAt ?? 0) < stoppedAt - TICK_SLACK_MS)
      problems.push(`${node}: ${fact.name} still the process from before the fault`);
  }
  return problems;
}

export function judgeWhole(evidence: LabEvidence, requirement: WholeRequirement): Judgement {
  const missing: string[] = [];
  const holders: string[] = [];
  const unknownVip: string[] = [];
  for (const req of requirement.nodes) {
    const facts = evidence.nodes.find((n) => n.node === req.name);
    if (!facts || !facts.reachable) {
      missing.push(`${req.name}: cannot be asked${facts?.error ? ` (${facts.error})` : ''}`);
      // Its kernel may still have been read from the host (a paused master).
      if (facts?.vip === 'holds') holders.push(req.name);
      else if (req.role === 'master' && facts?.vip !== 'free') unknownVip.push(req.name);
      continue;
    }
    missing.push(...processProblems(req.name, [...facts.services, ...facts.staticPods], req));
    const renewed = evidence.leases[req.name] ?? null;
    if (renewed === null) missing.push(`${req.name}: no kubelet lease could be read`);
    else if (req.since !== undefined && renewed < req.since)
      missing.push(`${req.name}: kubelet lease not renewed since the undo`);
    else if (evidence.at - renewed > LEASE_FRESH_MS)
      missing.push(`${req.name}: kubelet lease ${seconds(evidence.at - renewed)} old`);
    if (req.role !== 'master') continue;
    const api = evidence.readyz[req.name];
    if (!api?.ok) missing.push(`${req.name}: /readyz ${api?.detail ?? 'not asked'}`);
    missing.push(...vrrpProblems(req.name, facts));
    if (facts.vip === 'holds') holders.push(req.name);
    else if (facts.vip !== 'free') unknownVip.push(req.name);
  }
  if (unknownVip.length > 0) missing.push(`VIP view unknown on ${unknownVip.join(', ')}`);
  else if (holders.length !== 1)
    missing.push(
      holders.length === 0 ? 'nobody holds the VIP' : `${holders.join(' and ')} all hold the VIP`,
    );
  missing.push(...etcdProblems(evidence));
  return { whole: missing.length === 0, missing };
}

function vrrpProblems(node: string, facts: LabEvidence['nodes'][number]): string[] {
  const keepalived = facts.services.find((s) => s.name === 'keepalived');
  const state = facts.vrrp?.state ?? null;
  if (state !== 'MASTER' && state !== 'BACKUP')
    return [`${node}: keepalived state ${state ?? 'unknown'}, not MASTER or BACKUP`];
  // A state written before this keepalived started belongs to a process that is gone.
  const written = facts.vrrp?.writtenAt ?? 0;
  if (keepalived?.startedAt && written < keepalived.startedAt - TICK_SLACK_MS)
    return [`${node}: keepalived has not reported a state since it started`];
  return [];
}

/** What keeps etcd from being one healthy cluster that agrees on its data; empty when none. */
export function etcdProblems(evidence: LabEvidence): string[] {
  const problems: string[] = [];
  const silent = evidence.etcd.filter((m) => !m.answered).map((m) => m.member);
  if (silent.length > 0) problems.push(`etcd ${silent.join(', ')} not answering`);
  const answered = evidence.etcd.filter((m) => m.answered);
  const leaders = new Set(answered.map((m) => m.leader ?? 'none'));
  if (leaders.size !== 1 || leaders.has('none')) {
    problems.push(
      `etcd members do not agree on one leader (${answered.map((m) => `${m.member}: ${m.leader ?? 'none'}`).join(', ')})`,
    );
    return problems;
  }
  const leader = answered.find((m) => m.member === [...leaders][0]);
  if (!leader) {
    problems.push(`etcd leader ${[...leaders][0]} did not answer`);
    return problems;
  }
  for (const m of answered) {
    const lag = (leader.appliedIndex ?? 0) - (m.appliedIndex ?? 0);
    if (m.appliedIndex === null || lag > MAX_APPLIED_LAG)
      problems.push(`etcd ${m.member} ${lag} entries behind the leader`);
  }
  if (silent.length > 0) return problems;
  const hashes = Object.entries(evidence.hashKv?.hashes ?? {});
  if (!evidence.hashKv || hashes.some(([, h]) => h === null))
    problems.push('etcd hashkv could not be read from every member');
  else if (new Set(hashes.map(([, h]) => h)).size !== 1)
    problems.push(
      `etcd hashkv differs at revision ${evidence.hashKv.revision}: ${hashes.map(([m, h]) => `${m}=${h}`).join(', ')}`,
    );
  return problems;
}

/** Every node of the topology, with nothing that must have restarted: a lab at rest. */
export function atRest(nodes: { name: string; role: Role }[]): WholeRequirement {
  return { nodes: nodes.map((n) => ({ name: n.name, role: n.role })) };
}
