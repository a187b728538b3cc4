import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { containerName, masters, type NodeSpec } from '../../core/topology.js';
import { waitFor } from '../../core/wait.js';
import { masterApiUrl, waitForReady } from '../../lab/clients/api-client.js';
import {
  APISERVER_ETCD_CLIENT_CERT,
  APISERVER_ETCD_CLIENT_KEY,
  ETCD_DATA_DIR,
  KUBE_ETCD_CA_CERT,
  etcdClientUrl,
  etcdPeerUrl,
} from '../../provision/etcd.js';
import { run } from '../../runtime/node-runner.js';
import { SNAPSHOT_STEP } from '../checkers/snapshot-restore.js';
import { waitForEtcdInSync } from './etcd-sync.js';
import type { OpContext, Operation } from './op-context.js';

/** Private to root (0700): a snapshot holds every Secret of the cluster. */
const SNAPSHOT_DIR = '/var/lib/ha-lab/snapshot';
const SNAPSHOT = `${SNAPSHOT_DIR}/etcd.db`;
const RESTORED_DIR = `${ETCD_DATA_DIR}.restored`;
/** Kubernetes' documented bump: far beyond any revision written since the snapshot. */
const BUMP_REVISION = 1_000_000_000;
/** Long enough for the writers to get writes acknowledged that the restore must then lose. */
const WRITES_AFTER_SNAPSHOT_MS = 5000;
const STEP_LIMIT_MS = 120_000;
const MANIFESTS = '/etc/kubernetes/manifests';
const PARKED = '/etc/kubernetes/ha-lab-restoring';

/**
 * The Kubernetes documentation's restore for an HA cluster: one snapshot through the client
 * API with ha-lab's certificate, its revision recorded; every API server stopped, every
 * member stopped; each member restored from that same snapshot with `etcdutl snapshot
 * restore --bump-revision --mark-compacted` into a new data dir, which replaces the old one;
 * the members started together, then the API servers.
 */
export const etcdSnapshotRestore: Operation = {
  restarts: ['etcd', 'kube-apiserver'],
  async run(ctx) {
    const group = masters(ctx.lab.topology).filter((m) => ctx.targets.includes(m.name));
    const first = group[0];
    if (!first) throw new Error('etcd-snapshot-restore needs the masters');
    const source = ctx.runner(first.name);
    await ctx.step(SNAPSHOT_STEP, first.name, async () => {
      await run(source, ['sh', '-ec', `umask 077; mkdir -p ${SNAPSHOT_DIR}; rm -f ${SNAPSHOT}`]);
      await run(source, etcdctlOn(first, ['snapshot', 'save', SNAPSHOT]), { timeoutMs: 60_000 });
      const status = JSON.parse(
        await run(source, ['etcdutl', 'snapshot', 'status', SNAPSHOT, '-w', 'json']),
      ) as { revision: number; totalKey: number; hash: number };
      return { revision: status.revision, keys: status.totalKey };
    });
    await ctx.step('copy snapshot to every member', undefined, () => copySnapshot(ctx, group));
    await ctx.step('writes after the snapshot', undefined, () =>
      delay(WRITES_AFTER_SNAPSHOT_MS, undefined, { signal: ctx.signal }),
    );
    try {
      await ctx.step('stop API servers', undefined, () =>
        Promise.all(group.map((m) => stopApiServer(ctx, m.name))),
      );
      await ctx.step('stop etcd', undefined, () =>
        Promise.all(group.map((m) => run(ctx.runner(m.name), ['systemctl', 'stop', 'etcd']))),
      );
      for (const m of group) {
        await ctx.step('restore into a new data dir', m.name, () =>
          run(ctx.runner(m.name), ['sh', '-ec', restoreScript(ctx, m)], { timeoutMs: 120_000 }),
        );
      }
      // Together: a member of a new cluster only reports ready once it has quorum.
      await ctx.step('start etcd', undefined, () =>
        Promise.all(
          group.map((m) => run(ctx.runner(m.name), ['systemctl', 'start', '--no-block', 'etcd'])),
        ),
      );
      await ctx.step('members healthy, hashkv equal', undefined, () =>
        waitForEtcdInSync(ctx.lab, STEP_LIMIT_MS, ctx.signal),
      );
      await ctx.step('start API servers', undefined, () =>
        Promise.all(group.map((m) => startApiServer(ctx, m))),
      );
    } catch (error) {
      // Best effort, so a failed restore does not also leave the masters without etcd and API
      // servers; the failure is recorded either way and the lab is judged on evidence.
      await Promise.allSettled(
        group.map(async (m) => {
          await run(ctx.runner(m.name), ['systemctl', 'start', '--no-block', 'etcd']);
          await startApiServer(ctx, m);
        }),
      );
      throw error;
    }
    await ctx.step('remove the snapshot', undefined, () =>
      Promise.all(group.map((m) => run(ctx.runner(m.name), ['rm', '-rf', SNAPSHOT_DIR]))),
    );
  },
};

/** etcdctl against one member with the API server's client certificate (ha-lab issued it). */
function etcdctlOn(member: NodeSpec, args: string[]): string[] {
  return [
    'etcdctl',
    `--endpoints=${etcdClientUrl(member)}`,
    `--cacert=${KUBE_ETCD_CA_CERT}`,
    `--cert=${APISERVER_ETCD_CLIENT_CERT}`,
    `--key=${APISERVER_ETCD_CLIENT_KEY}`,
    '--command-timeout=60s',
    ...args,
  ];
}

/**
 * The same bytes on every member: read from the first, copied in by the engine (too large
 * for a command's input), sha256 checked on arrival. The host copy lives in a 0700 directory
 * of the lab's state only as long as the copy takes: a snapshot holds every Secret.
 */
async function copySnapshot(ctx: OpContext, group: NodeSpec[]): Promise<{ sha256: string }> {
  const [first, ...rest] = group;
  const bytes = Buffer.from(
    await run(ctx.runner(first!.name), ['base64', '-w0', SNAPSHOT], { timeoutMs: 60_000 }),
    'base64',
  );
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const dir = await mkdtemp(join(ctx.lab.stateDir, 'snapshot-'));
  try {
    const hostFile = join(dir, basename(SNAPSHOT));
    await writeFile(hostFile, bytes, { mode: 0o600 });
    for (const m of rest) {
      const runner = ctx.runner(m.name);
      await run(runner, ['sh', '-ec', `umask 077; mkdir -p ${SNAPSHOT_DIR}; rm -f ${SNAPSHOT}`]);
      await ctx.lab.provider.copyIn(containerName(ctx.lab.lab, m.name), hostFile, SNAPSHOT_DIR);
      await run(runner, ['chmod', '600', SNAPSHOT]);
      const there = (await run(runner, ['sha256sum', SNAPSHOT])).split(' ')[0];
      if (there !== sha256) throw new Error(`the snapshot on ${m.name} differs (${there})`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return { sha256 };
}

function restoreScript(ctx: OpContext, m: NodeSpec): string {
  const cluster = masters(ctx.lab.topology)
    .map((x) => `${x.name}=${etcdPeerUrl(x)}`)
    .join(',');
  return [
    `rm -rf ${RESTORED_DIR}`,
    [
      'etcdutl snapshot restore',
      SNAPSHOT,
      `--name=${m.name}`,
      `--initial-cluster=${cluster}`,
      `--initial-cluster-token=${ctx.lab.state.clusterToken}`,
      `--initial-advertise-peer-urls=${etcdPeerUrl(m)}`,
      `--data-dir=${RESTORED_DIR}`,
      `--bump-revision=${BUMP_REVISION}`,
      '--mark-compacted',
    ].join(' '),
    `rm -rf ${ETCD_DATA_DIR}`,
    `mv ${RESTORED_DIR} ${ETCD_DATA_DIR}`,
    `chmod 700 ${ETCD_DATA_DIR}`,
  ].join('\n');
}

async function stopApiServer(ctx: OpContext, node: string): Promise<void> {
  const runner = ctx.runner(node);
  await run(runner, [
    'sh',
    '-ec',
    `mkdir -p ${PARKED}; mv ${MANIFESTS}/kube-apiserver.yaml ${PARKED}/`,
  ]);
  await waitFor(
    async () =>
      (await runner.exec(['pgrep', '-x', 'kube-apiserver'])).exitCode === 1 ? true : undefined,
    { what: `the API server on ${node} to stop`, timeoutMs: STEP_LIMIT_MS, signal: ctx.signal },
  );
}

async function startApiServer(ctx: OpContext, m: NodeSpec): Promise<void> {
  await run(ctx.runner(m.name), [
    'sh',
    '-ec',
    `if [ -f ${PARKED}/kube-apiserver.yaml ]; then mv ${PARKED}/kube-apiserver.yaml ${MANIFESTS}/; fi`,
  ]);
  await waitForReady(masterApiUrl(m), ctx.lab.admin, `the API server on ${m.name} to be ready`, {
    timeoutMs: STEP_LIMIT_MS,
    signal: ctx.signal,
  });
}
