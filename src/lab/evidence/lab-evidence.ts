import { containerName, masters, type Topology } from '../../core/topology.js';
import type { Provider } from '../../runtime/provider.js';
import type { NodeRunner } from '../../runtime/node-runner.js';
import { apiGet, masterApiUrl, readyz } from '../clients/api-client.js';
import { etcdHashKv, etcdMembers, etcdStatus } from '../clients/etcd-client.js';
import { errorCode, type TlsIdentity } from '../clients/tls-request.js';
import { type NodeFacts, nodeFactsScript, parseNodeFacts, unreachableNode } from './node-facts.js';

/**
 * One snapshot of everything "whole" is judged on, each part read afresh at `at`: the nodes'
 * own account of their services, the kubelet leases, every master's /readyz asked directly,
 * every etcd member's status and hashkv. Plain data, so it goes into histories and reports.
 */
export interface MemberFacts {
  member: string;
  /** The member answered its status request. */
  answered: boolean;
  leader: string | null;
  raftTerm: number | null;
  appliedIndex: number | null;
  revision: number | null;
}

export interface LabEvidence {
  at: number;
  nodes: NodeFacts[];
  /** Node name -> its kubelet lease's renewTime (ms), null when the API could not say. */
  leases: Record<string, number | null>;
  /** Master name -> its own /readyz (not through the VIP). */
  readyz: Record<string, { ok: boolean; detail: string }>;
  etcd: MemberFacts[];
  /** hashkv of every member at one common revision, or null when it could not be had. */
  hashKv: { revision: number; hashes: Record<string, number | null> } | null;
}

export interface EvidenceAccess {
  topology: Topology;
  provider: Provider;
  runners: Record<string, NodeRunner>;
  admin: TlsIdentity;
  etcdProbe: TlsIdentity;
  apiUrl: string;
}

const NODE_TIMEOUT_MS = 4000;
const REQUEST_TIMEOUT_MS = 2000;

interface LeaseList {
  items: { metadata: { name: string }; spec: { renewTime?: string } }[];
}

/** Where every kubelet's lease lives in the API. */
export const NODE_LEASES_PATH = '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases';

/** renewTime is a MicroTime ("...T16:40:00.123456Z"); Date.parse keeps the milliseconds. */
export function leaseRenewals(leaseListJson: string): Record<string, number | null> {
  const list = JSON.parse(leaseListJson) as LeaseList;
  const out: Record<string, number | null> = {};
  for (const item of list.items) {
    const at = Date.parse(item.spec.renewTime ?? '');
    out[item.metadata.name] = Number.isFinite(at) ? at : null;
  }
  return out;
}

/**
 * A master that cannot be asked (paused, say) may still hold the VIP in its kernel: read it
 * through the node's network namespace, so it is never taken for "not a holder".
 */
async function withKernelView(facts: NodeFacts, access: EvidenceAccess): Promise<NodeFacts> {
  if (facts.reachable || facts.vip === undefined) return facts;
  const addresses = await access.provider
    .kernelAddresses(containerName(access.topology.lab, facts.node))
    .catch(() => undefined);
  if (!addresses) return facts;
  return { ...facts, vip: addresses.includes(access.topology.vip) ? 'holds' : 'free' };
}

async function nodeFacts(access: EvidenceAccess, signal?: AbortSignal): Promise<NodeFacts[]> {
  const facts = await Promise.all(
    access.topology.nodes.map(async (n) => {
      const runner = access.runners[n.name];
      if (!runner) return unreachableNode(n.name, n.role, 'no runner');
      try {
        const r = await runner.exec(['sh', '-c', nodeFactsScript(n.role, access.topology)], {
          timeoutMs: NODE_TIMEOUT_MS,
          signal,
        });
        if (r.exitCode !== 0 || !r.stdout.includes('now '))
          return unreachableNode(n.name, n.role, `exit ${r.exitCode}`);
        return parseNodeFacts(n.name, n.role, r.stdout);
      } catch (error) {
        return unreachableNode(n.name, n.role, (error as Error).message.split('\n')[0] ?? '');
      }
    }),
  );
  return Promise.all(facts.map((f) => withKernelView(f, access)));
}

async function leases(access: EvidenceAccess): Promise<Record<string, number | null>> {
  const known = await apiGet(access.apiUrl, NODE_LEASES_PATH, access.admin, REQUEST_TIMEOUT_MS)
    .then((r) => (r.status === 200 ? leaseRenewals(r.body) : {}))
    .catch(() => ({}) as Record<string, number | null>);
  return Object.fromEntries(access.topology.nodes.map((n) => [n.name, known[n.name] ?? null]));
}

async function masterReadyz(access: EvidenceAccess): Promise<LabEvidence['readyz']> {
  const entries = await Promise.all(
    masters(access.topology).map(async (m) => {
      try {
        const r = await readyz(masterApiUrl(m), access.admin, REQUEST_TIMEOUT_MS);
        return [m.name, { ok: r.status === 200, detail: `HTTP ${r.status}` }] as const;
      } catch (error) {
        return [m.name, { ok: false, detail: errorCode(error) }] as const;
      }
    }),
  );
  return Object.fromEntries(entries);
}

async function etcdFacts(access: EvidenceAccess): Promise<Pick<LabEvidence, 'etcd' | 'hashKv'>> {
  const group = masters(access.topology);
  const statuses = await Promise.all(
    group.map((m) => etcdStatus(m.ip, access.etcdProbe, REQUEST_TIMEOUT_MS).catch(() => null)),
  );
  const names = new Map<string, string>();
  for (const m of group) {
    const list = await etcdMembers(m.ip, access.etcdProbe, REQUEST_TIMEOUT_MS).catch(() => null);
    if (!list) continue;
    for (const member of list) names.set(member.id, member.name);
    break;
  }
  const etcd = group.map((m, i): MemberFacts => {
    const s = statuses[i];
    return {
      member: m.name,
      answered: Boolean(s),
      leader: s && s.leaderId !== '0' ? (names.get(s.leaderId) ?? null) : null,
      raftTerm: s?.raftTerm ?? null,
      appliedIndex: s?.appliedIndex ?? null,
      revision: s?.revision ?? null,
    };
  });
  if (statuses.some((s) => !s)) return { etcd, hashKv: null };
  // The lowest revision every member has applied: compacted history aside, all can hash it.
  const revision = Math.min(...statuses.map((s) => s!.revision));
  const hashes = await Promise.all(
    group.map((m) =>
      etcdHashKv(m.ip, access.etcdProbe, revision, REQUEST_TIMEOUT_MS * 2).catch(() => null),
    ),
  );
  return {
    etcd,
    hashKv: {
      revision,
      hashes: Object.fromEntries(group.map((m, i) => [m.name, hashes[i] ?? null])),
    },
  };
}

/** Reads every fact at once; `at` is when the reading began, so every fact is at least that fresh. */
export async function gatherLabEvidence(
  access: EvidenceAccess,
  signal?: AbortSignal,
): Promise<LabEvidence> {
  const at = Date.now();
  const [nodes, renewed, api, etcd] = await Promise.all([
    nodeFacts(access, signal),
    leases(access),
    masterReadyz(access),
    etcdFacts(access),
  ]);
  return { at, nodes, leases: renewed, readyz: api, ...etcd };
}
