import { Worker } from 'node:worker_threads';
import { masters, type Topology } from '../../core/topology.js';
import { waitFor } from '../../core/wait.js';
import { isReady, masterApiUrl } from '../../lab/clients/api-client.js';
import { etcdMembers, etcdMoveLeader, etcdStatus } from '../../lab/clients/etcd-client.js';
import { loadEtcdCa, saveRenewedEtcdCerts } from '../../lab/pki-files.js';
import { readServedCerts } from '../../lab/served-certs.js';
import { CONTROL_PLANE_COMMANDS } from '../../lab/versions.js';
import { vipHolders } from '../../lab/vip-holders.js';
import {
  APISERVER_ETCD_CLIENT_CERT,
  APISERVER_ETCD_CLIENT_KEY,
  ETCD_PEER_CERT,
  ETCD_PEER_KEY,
  ETCD_SERVER_CERT,
  ETCD_SERVER_KEY,
} from '../../provision/etcd.js';
import type { RenewedEtcdCerts } from '../../provision/pki-renew.js';
import type { CertPair } from '../../provision/pki.js';
import { run, writeNodeFile } from '../../runtime/node-runner.js';
import type { OpContext, Operation } from './op-context.js';
import { waitForEtcdInSync, waitForEtcdSteady } from './etcd-sync.js';

const MANIFESTS = '/etc/kubernetes/manifests';
const PARKED = '/etc/kubernetes/ha-lab-renewing';
const STEP_LIMIT_MS = 120_000;
/** Longer than an etcd probe's request timeout (2.5 s): every observer has seen it return. */
const STEADY_MS = 3000;

/**
 * Every certificate renewed and every server restarted onto it, one at a time: first each
 * etcd member (new server and peer certificates from the lab's etcd CA, restart, wait until
 * the three agree again), then each master (`kubeadm certs renew all`, a new etcd client
 * certificate for its API server, its static pods restarted), the VIP holder last. Before a
 * master's API server stops, its keepalived stops too, so the VIP is already elsewhere; it
 * starts again once the API server there is ready. The served certificates are read in live
 * handshakes before and after.
 */
export const renewCerts: Operation = {
  restarts: ['etcd', 'keepalived', ...CONTROL_PLANE_COMMANDS],
  async run(ctx) {
    await recordServed(ctx, 'served certificates before');
    const renewed = await ctx.step('reissue etcd certificates', undefined, async () =>
      renewOffThread(ctx.lab.topology, await loadEtcdCa(ctx.lab.stateDir)),
    );
    await saveRenewedEtcdCerts(ctx.lab.stateDir, renewed);
    const group = masters(ctx.lab.topology).filter((m) => ctx.targets.includes(m.name));
    for (const m of group) {
      const runner = ctx.runner(m.name);
      const member = renewed.members[m.name];
      if (!member) throw new Error(`no renewed certificates for ${m.name}`);
      // A planned restart need not cost an election: the leader hands over first.
      await ctx.step('move etcd leadership away', m.name, () => moveLeaderAway(ctx, m.name));
      await ctx.step('restart etcd on new certificates', m.name, async () => {
        await writeNodeFile(runner, ETCD_SERVER_CERT, member.server.certPem, 0o644);
        await writeNodeFile(runner, ETCD_SERVER_KEY, member.server.keyPem, 0o600);
        await writeNodeFile(runner, ETCD_PEER_CERT, member.peer.certPem, 0o644);
        await writeNodeFile(runner, ETCD_PEER_KEY, member.peer.keyPem, 0o600);
        // Type=notify: returns once the new process serves (the other two keep quorum).
        await run(runner, ['systemctl', 'restart', 'etcd'], { timeoutMs: STEP_LIMIT_MS });
        return waitForEtcdInSync(ctx.lab, STEP_LIMIT_MS, ctx.signal);
      });
      // The next member's stop closes its client port at once (etcd then waits up to its
      // request timeout for open watches before leaving raft): only steady members are margin.
      await ctx.step('wait for etcd to stay steady', m.name, () =>
        waitForEtcdSteady(ctx.lab, STEADY_MS, STEP_LIMIT_MS, ctx.signal),
      );
    }
    const { holders } = await ctx.step('find the VIP holder', undefined, async () => {
      const names = group.map((m) => m.name);
      const holders = await vipHolders(ctx.lab.runners, names, ctx.lab.topology);
      // `holder` is what the step's record keeps (it keeps strings and numbers only).
      return { holder: holders.join(','), holders };
    });
    for (const m of holderLast(group, holders)) {
      const runner = ctx.runner(m.name);
      await ctx.step('kubeadm certs renew all', m.name, () =>
        run(runner, ['kubeadm', 'certs', 'renew', 'all'], { timeoutMs: 60_000 }),
      );
      await ctx.step('new etcd client certificate', m.name, async () => {
        await writeNodeFile(runner, APISERVER_ETCD_CLIENT_CERT, renewed.apiserverClient.certPem);
        await writeNodeFile(
          runner,
          APISERVER_ETCD_CLIENT_KEY,
          renewed.apiserverClient.keyPem,
          0o600,
        );
      });
      await ctx.step('stop keepalived (VIP moves away)', m.name, () =>
        run(runner, ['systemctl', 'stop', 'keepalived']),
      );
      await ctx.step('restart static pods on new certificates', m.name, () =>
        restartStaticPods(ctx, m.name, m.ip),
      );
      await ctx.step('start keepalived', m.name, () =>
        run(runner, ['systemctl', 'start', 'keepalived']),
      );
    }
    await recordServed(ctx, 'served certificates after');
  },
};

/**
 * The VIP holder's API server restarts last: the others are renewed while it keeps serving,
 * then stopping its keepalived moves the VIP once, onto a master already renewed. In group
 * order the VIP would move at each holder's turn (master-0, then its successor).
 */
export function holderLast<T extends { name: string }>(group: T[], holders: string[]): T[] {
  return [
    ...group.filter((m) => !holders.includes(m.name)),
    ...group.filter((m) => holders.includes(m.name)),
  ];
}

/**
 * The new certificates, signed in a worker thread: forge's RSA signing is pure JS, and on the
 * probes' thread it stalled every probe for over a second on a loaded host (a real run saw a
 * 3.2 s "outage" that was only the runner's own event loop).
 */
function renewOffThread(topology: Topology, ca: CertPair): Promise<RenewedEtcdCerts> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./renew-worker.js', import.meta.url), {
      workerData: { topology, ca },
    });
    worker.once('message', (renewed: RenewedEtcdCerts) => {
      resolve(renewed);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`certificate worker exited ${code}`)));
  });
}

async function moveLeaderAway(ctx: OpContext, name: string): Promise<{ leader: string }> {
  const group = masters(ctx.lab.topology);
  const member = group.find((m) => m.name === name)!;
  const [status, members] = await Promise.all([
    etcdStatus(member.ip, ctx.lab.etcdProbe, 2000),
    etcdMembers(member.ip, ctx.lab.etcdProbe, 2000),
  ]);
  const self = members.find((m) => m.name === name);
  if (!self || status.leaderId !== self.id) return { leader: 'elsewhere' };
  const target = members.find((m) => m.id !== self.id);
  if (!target) throw new Error('no other member to lead');
  // Best effort: if the hand-over is refused, the restart costs one election, nothing more.
  return etcdMoveLeader(member.ip, ctx.lab.etcdProbe, target.id).then(
    () => ({ leader: target.name }),
    (error: Error) => ({ leader: `${name} (hand-over refused: ${error.message})` }),
  );
}

async function recordServed(ctx: OpContext, name: string): Promise<void> {
  const readings = await ctx.step(name, undefined, () => readServedCerts(ctx.lab, ctx.signal));
  for (const r of readings) {
    ctx.record({
      type: 'tls',
      at: r.at,
      node: r.node,
      port: r.port,
      notAfter: r.notAfter,
      serial: r.serial,
      ...(r.error ? { error: r.error } : r.authError ? { error: r.authError } : {}),
    });
  }
}

/**
 * kubeadm's way: the manifests leave the directory, kubelet stops the pods; once every old
 * process is gone they come back, and kubelet starts new ones that read the new files.
 */
async function restartStaticPods(ctx: OpContext, node: string, ip: string): Promise<void> {
  const runner = ctx.runner(node);
  const files = CONTROL_PLANE_COMMANDS.map((p) => `${p}.yaml`).join(' ');
  await run(runner, ['sh', '-ec', `mkdir -p ${PARKED}; cd ${MANIFESTS}; mv ${files} ${PARKED}/`]);
  // -f on the command line: kube-controller-manager's process name is cut to 15 characters.
  const pattern = `^(${CONTROL_PLANE_COMMANDS.join('|')})( |$)`;
  const running = async () =>
    (await runner.exec(['pgrep', '-f', pattern], { timeoutMs: 5000 })).stdout
      .trim()
      .split('\n')
      .filter((l) => l.length > 0);
  try {
    await waitFor(async () => ((await running()).length === 0 ? true : undefined), {
      what: `the static pods on ${node} to stop`,
      timeoutMs: STEP_LIMIT_MS,
      signal: ctx.signal,
    });
  } finally {
    // Whatever happened, the manifests go back: a master without its API server is worse.
    await run(runner, ['sh', '-ec', `cd ${PARKED}; mv ${files} ${MANIFESTS}/`]);
  }
  await waitFor(
    async () => {
      if ((await running()).length < CONTROL_PLANE_COMMANDS.length) return undefined;
      return (await isReady(masterApiUrl({ ip }), ctx.lab.admin)) ? true : undefined;
    },
    { what: `the API server on ${node} to be ready`, timeoutMs: STEP_LIMIT_MS, signal: ctx.signal },
  );
}
