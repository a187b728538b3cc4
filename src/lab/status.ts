import { readFile } from 'node:fs/promises';
import type { Provider } from '../runtime/provider.js';
import type { NodeRunner } from '../runtime/node-runner.js';
import { adminIdentity, apiGet, masterApiUrl, readinessOf, readyz } from './clients/api-client.js';
import { atRest, judgeWhole } from './evidence/judge-whole.js';
import { gatherLabEvidence, type LabEvidence } from './evidence/lab-evidence.js';
import { etcdHealthy, etcdStatus } from './clients/etcd-client.js';
import { errorCode } from './clients/tls-request.js';
import { kubeconfigPath } from './actions/kubeadm-actions.js';
import { labTopology, readLabState } from './lab-state.js';
import { nodeRunners } from './node-access.js';
import { loadProbeCredentials } from './pki-files.js';
import type { LabStatus } from './status-schema.js';
import {
  LABEL_LAB,
  LABEL_MANAGED,
  LABEL_NODE,
  masters,
  validateLabName,
} from '../core/topology.js';
import { labStateDir } from '../core/paths.js';
import { apiBaseUrl } from './access.js';
import { forwarderKubeconfigPath } from './forwarder-access.js';

async function systemdState(runner: NodeRunner): Promise<string> {
  try {
    const r = await runner.exec(['systemctl', 'is-system-running'], { timeoutMs: 5000 });
    return r.stdout.trim() || 'unknown';
  } catch {
    return 'unknown';
  }
}

/** What the lab looks like now, from the engine, the nodes, etcd and the API servers. */
export async function labStatus(provider: Provider, labName: string): Promise<LabStatus> {
  const lab = validateLabName(labName);
  const state = await readLabState(lab);
  const containers = await provider.listMachines({ [LABEL_MANAGED]: 'true', [LABEL_LAB]: lab });
  const empty: LabStatus = {
    schemaVersion: 1,
    lab,
    exists: false,
    phase: null,
    kubernetesVersion: null,
    subnet: null,
    vip: null,
    kubeconfig: null,
    nodes: [],
    vipHolders: [],
    splitBrain: false,
    etcd: { leader: null, members: [] },
    vipUnknown: [],
    api: [],
    healthy: false,
    problems: [],
  };
  if (!state) return { ...empty, exists: containers.length > 0 };
  const topology = labTopology(state);
  const runners = nodeRunners(topology, provider);
  const byNode = new Map(containers.map((c) => [c.labels[LABEL_NODE] ?? '', c.state]));
  const running = new Set([...byNode].filter(([, s]) => s === 'running').map(([n]) => n));
  const stateDir = labStateDir(lab);
  const kubeconfigFile = kubeconfigPath(stateDir);
  const kubeconfig = await readFile(kubeconfigFile, 'utf8').catch(() => undefined);
  const admin = kubeconfig ? adminIdentity(kubeconfig) : undefined;
  const probe = await loadProbeCredentials(stateDir).catch(() => undefined);
  const masterNames = masters(topology).map((m) => m.name);

  const evidence: Promise<LabEvidence | undefined> =
    admin && probe
      ? gatherLabEvidence({
          topology,
          provider,
          runners,
          admin,
          etcdProbe: probe,
          apiUrl: apiBaseUrl(state, topology),
        })
      : Promise.resolve(undefined);
  const [systemd, facts, etcdMembers, api, readiness] = await Promise.all([
    Promise.all(
      topology.nodes.map((n) =>
        running.has(n.name) ? systemdState(runners[n.name] as NodeRunner) : Promise.resolve('down'),
      ),
    ),
    evidence,
    Promise.all(
      masters(topology).map(async (m) => {
        if (!probe)
          return {
            name: m.name,
            healthy: false,
            isLeader: false,
            raftTerm: null,
            raftIndex: null,
            dbSizeBytes: null,
            leaderId: '',
            memberId: '',
          };
        const [healthy, status] = await Promise.all([
          etcdHealthy(m.ip, probe).catch(() => false),
          etcdStatus(m.ip, probe).catch(() => undefined),
        ]);
        return {
          name: m.name,
          healthy,
          isLeader: Boolean(status && status.memberId === status.leaderId),
          raftTerm: status?.raftTerm ?? null,
          raftIndex: status?.raftIndex ?? null,
          dbSizeBytes: status?.dbSize ?? null,
          leaderId: status?.leaderId ?? '',
          memberId: status?.memberId ?? '',
        };
      }),
    ),
    admin
      ? Promise.all(
          [
            { target: 'vip', url: apiBaseUrl(state, topology) },
            ...masters(topology).map((m) => ({
              target: m.name,
              url: masterApiUrl(m),
            })),
          ].map(async ({ target, url }) => {
            try {
              const r = await readyz(url, admin, 2000);
              return {
                target,
                ok: r.status === 200,
                detail: `HTTP ${r.status}`,
                latencyMs: Math.round(r.latencyMs),
              };
            } catch (error) {
              return { target, ok: false, detail: errorCode(error), latencyMs: null };
            }
          }),
        )
      : Promise.resolve([]),
    admin
      ? apiGet(apiBaseUrl(state, topology), '/api/v1/nodes', admin, 3000)
          .then((r) => (r.status === 200 ? readinessOf(r.body) : {}))
          .catch(() => ({}) as Record<string, string>)
      : Promise.resolve({} as Record<string, string>),
  ]);
  const leader = etcdMembers.find((m) => m.isLeader)?.name ?? null;
  const vipOf = (name: string) =>
    running.has(name) ? (facts?.nodes.find((n) => n.node === name)?.vip ?? 'unknown') : 'free';
  const holders = masterNames.filter((n) => vipOf(n) === 'holds');
  const vipUnknown = masterNames.filter((n) => vipOf(n) === 'unknown');
  const judgement = facts
    ? judgeWhole(facts, atRest(topology.nodes))
    : { whole: false, missing: ['no kubeconfig or probe credentials to ask the lab with'] };
  const nodes = topology.nodes.map((n, i) => ({
    name: n.name,
    role: n.role,
    ip: n.ip,
    container: byNode.get(n.name) ?? 'missing',
    host: n.host?.name ?? null,
    systemd: systemd[i] ?? 'unknown',
    ready: readiness[n.name] ?? null,
    leaseAgeMs:
      facts?.leases[n.name] != null ? Math.max(0, facts.at - facts.leases[n.name]!) : null,
  }));
  const healthy = state.phase === 'ready' && judgement.whole && api.every((a) => a.ok);
  return {
    schemaVersion: 1,
    lab,
    exists: true,
    phase: state.phase,
    kubernetesVersion: state.kubernetesVersion,
    subnet: state.subnet,
    vip: topology.vip,
    kubeconfig: kubeconfig
      ? state.accessMode === 'forwarder'
        ? forwarderKubeconfigPath(stateDir)
        : kubeconfigFile
      : null,
    nodes,
    vipHolders: holders,
    vipUnknown,
    splitBrain: holders.length > 1,
    etcd: { leader, members: etcdMembers.map(({ leaderId: _l, memberId: _m, ...rest }) => rest) },
    api,
    healthy:
      state.phase === 'nodes-running' ? nodes.every((n) => n.systemd === 'running') : healthy,
    problems: state.phase === 'ready' ? judgement.missing : [],
  };
}
