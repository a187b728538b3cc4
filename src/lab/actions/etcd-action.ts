import { RuntimeError } from '../../core/errors.js';
import { waitFor } from '../../core/wait.js';
import {
  APISERVER_ETCD_CLIENT_CERT,
  APISERVER_ETCD_CLIENT_KEY,
  ETCD_CA_CERT,
  ETCD_PEER_CERT,
  ETCD_PEER_KEY,
  ETCD_SERVER_CERT,
  ETCD_SERVER_KEY,
  ETCD_UNIT_PATH,
  KUBE_ETCD_CA_CERT,
  etcdEndpoints,
  renderEtcdUnit,
} from '../../provision/etcd.js';
import { createEtcdPki, type EtcdPki } from '../../provision/pki.js';
import { type NodeRunner, run, writeNodeFile } from '../../runtime/node-runner.js';
import { type Action, onEachNode, onNode } from '../action.js';
import type { LabContext } from '../lab-context.js';
import { saveEtcdPki } from '../pki-files.js';
import { masters, type Topology } from '../../core/topology.js';

export const pkiAction: Action<LabContext> = {
  name: 'pki',
  async run(ctx) {
    ctx.pki = await createEtcdPki(ctx.topology);
    await saveEtcdPki(ctx.stateDir, ctx.pki);
  },
};

function requirePki(ctx: LabContext): EtcdPki {
  const generated = ctx.pki;
  if (!generated)
    throw new RuntimeError('pki-missing', 'the etcd PKI was not generated before etcd');
  return generated;
}

/** etcdctl on a master with the API server's client certificate (it has one there). */
export function etcdctl(topology: Topology, args: string[]): string[] {
  return [
    'etcdctl',
    `--endpoints=${etcdEndpoints(topology).join(',')}`,
    `--cacert=${KUBE_ETCD_CA_CERT}`,
    `--cert=${APISERVER_ETCD_CLIENT_CERT}`,
    `--key=${APISERVER_ETCD_CLIENT_KEY}`,
    '--command-timeout=5s',
    ...args,
  ];
}

interface EndpointStatus {
  Endpoint: string;
  Status: { header: { member_id: number | string; raft_term: number }; leader: number | string };
}

/** Healthy on every member and one leader that all agree on, or undefined (still converging). */
export async function etcdConverged(
  runner: NodeRunner,
  topology: Topology,
): Promise<string | undefined> {
  const health = await runner.exec(etcdctl(topology, ['endpoint', 'health', '--cluster']), {
    timeoutMs: 15_000,
  });
  if (health.exitCode !== 0) return undefined;
  const status = await runner.exec(etcdctl(topology, ['endpoint', 'status', '-w', 'json']), {
    timeoutMs: 15_000,
  });
  if (status.exitCode !== 0) return undefined;
  const members = JSON.parse(status.stdout) as EndpointStatus[];
  const leaders = new Set(members.map((m) => String(m.Status.leader)));
  if (members.length !== 3 || leaders.size !== 1) return undefined;
  const leaderId = [...leaders][0];
  const leader = members.find((m) => String(m.Status.header.member_id) === leaderId);
  return leader?.Endpoint ?? 'unknown';
}

export const etcdAction: Action<LabContext> = {
  name: 'etcd',
  async run(ctx) {
    const pki = requirePki(ctx);
    const group = masters(ctx.topology);
    await onEachNode(ctx, group, async (master, runner) => {
      const member = pki.members[master.name];
      if (!member) throw new Error(`no PKI for ${master.name}`);
      await writeNodeFile(runner, ETCD_CA_CERT, pki.ca.certPem, 0o644);
      await writeNodeFile(runner, ETCD_SERVER_CERT, member.server.certPem, 0o644);
      await writeNodeFile(runner, ETCD_SERVER_KEY, member.server.keyPem, 0o600);
      await writeNodeFile(runner, ETCD_PEER_CERT, member.peer.certPem, 0o644);
      await writeNodeFile(runner, ETCD_PEER_KEY, member.peer.keyPem, 0o600);
      await writeNodeFile(runner, KUBE_ETCD_CA_CERT, pki.ca.certPem, 0o644);
      await writeNodeFile(runner, APISERVER_ETCD_CLIENT_CERT, pki.apiserverClient.certPem, 0o644);
      await writeNodeFile(runner, APISERVER_ETCD_CLIENT_KEY, pki.apiserverClient.keyPem, 0o600);
      await writeNodeFile(
        runner,
        ETCD_UNIT_PATH,
        renderEtcdUnit(ctx.topology, master, ctx.state.clusterToken),
      );
      // --no-block: a member only reports ready once it has quorum, so start all three together.
      await run(runner, [
        'sh',
        '-c',
        'systemctl daemon-reload && systemctl enable --quiet etcd && systemctl start --no-block etcd',
      ]);
    });
    const first = ctx.runners[group[0]?.name ?? ''];
    if (!first) throw new Error('no master-0 runner');
    await onNode(group[0]?.name ?? 'master-0', () =>
      waitFor(() => etcdConverged(first, ctx.topology), {
        what: 'etcd to be healthy on all three members with one leader',
        timeoutMs: 60_000,
        intervalMs: 500,
        signal: ctx.signal,
      }),
    );
  },
};
