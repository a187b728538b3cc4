import { findNode, masters } from '../../core/topology.js';
import { waitFor } from '../../core/wait.js';
import { run } from '../../runtime/node-runner.js';
import { runnerFor } from '../node-access.js';
import { adminKubectl } from '../../provision/kubeadm.js';
import { apiGet, isReady, masterApiUrl, waitForReady } from '../clients/api-client.js';
import { leaseRenewals, NODE_LEASES_PATH } from '../evidence/lab-evidence.js';
import type { OpenLab } from '../open-lab.js';
import { CONTROL_PLANE_COMMANDS } from '../versions.js';
import { vipHolders } from '../vip-holders.js';
import { readLiveVersions } from './live-versions.js';
import { stagingDir } from './stage.js';

/** Generous for a loaded laptop, bounded so a stuck node cannot park the upgrade. */
export const NODE_STEP_LIMIT_MS = 180_000;
const BIN_DIR = '/usr/local/bin';

/**
 * Replaces a binary the way a package manager does: the new file is renamed over the old
 * path, so a running kubelet keeps its old inode until it is restarted on purpose.
 */
export async function installBinary(
  lab: OpenLab,
  node: string,
  name: string,
  version: string,
): Promise<{ installed: string }> {
  const runner = runnerFor(lab.runners, node);
  const from = `${stagingDir(version)}/${name}`;
  await run(runner, [
    'sh',
    '-ec',
    'install -m 0755 "$1" "$2.new" && mv -f "$2.new" "$2"',
    'sh',
    from,
    `${BIN_DIR}/${name}`,
  ]);
  const reported = (await run(runner, [`${BIN_DIR}/${name}`, ...versionArgs(name)]))
    .trim()
    .split('\n')[0];
  if (!reported?.includes(version))
    throw new Error(`${node}: ${name} reports "${reported}" after install, expected ${version}`);
  return { installed: version };
}

/** kubelet has only a flag (`kubelet version` would start a kubelet); the others a subcommand. */
function versionArgs(name: string): string[] {
  if (name === 'kubeadm') return ['version', '-o', 'short'];
  if (name === 'kubectl') return ['version', '--client'];
  return ['--version'];
}

/** kubectl on a master that is not the one being worked on, with kubeadm's admin.conf. */
export async function kubectlFrom(lab: OpenLab, busy: string, args: string[]): Promise<string> {
  const helper = masters(lab.topology).find((m) => m.name !== busy);
  if (!helper) throw new Error('no master to run kubectl on');
  return run(runnerFor(lab.runners, helper.name), adminKubectl(args), {
    timeoutMs: 360_000,
  });
}

/** `kubectl drain`: evictions respect PodDisruptionBudgets, so a workload keeps a replica. */
export async function drain(lab: OpenLab, node: string): Promise<void> {
  await kubectlFrom(lab, node, [
    'drain',
    node,
    '--ignore-daemonsets',
    '--delete-emptydir-data',
    '--timeout=300s',
  ]);
}

export async function uncordon(lab: OpenLab, node: string): Promise<void> {
  await kubectlFrom(lab, node, ['uncordon', node]);
}

/**
 * Restarts kubelet onto the new binary and waits for fresh proof it is back: a lease renewed
 * after the restart, the Node Ready and reporting the new kubelet version. A Ready condition
 * alone could be the old kubelet's last word.
 */
export async function restartKubelet(
  lab: OpenLab,
  node: string,
  version: string,
  signal: AbortSignal,
): Promise<{ leaseAfterMs: number; restartedAt: number }> {
  const runner = runnerFor(lab.runners, node);
  const restartedAt = Date.now();
  await run(runner, ['sh', '-ec', 'systemctl daemon-reload && systemctl restart kubelet']);
  return waitFor(
    async () => {
      const [lease, info] = await Promise.all([
        apiGet(lab.apiUrl, NODE_LEASES_PATH, lab.admin, 2000).catch(() => undefined),
        apiGet(lab.apiUrl, `/api/v1/nodes/${node}`, lab.admin, 2000).catch(() => undefined),
      ]);
      if (lease?.status !== 200 || info?.status !== 200) return undefined;
      const renewed = leaseRenewals(lease.body)[node];
      if (!renewed || renewed <= restartedAt) return undefined;
      const status = (JSON.parse(info.body) as NodeObject).status;
      const ready = status.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
      if (!ready || status.nodeInfo?.kubeletVersion !== version) return undefined;
      return { leaseAfterMs: renewed - restartedAt, restartedAt };
    },
    { what: `kubelet ${version} on ${node} to be back`, timeoutMs: NODE_STEP_LIMIT_MS, signal },
  );
}

interface NodeObject {
  status: {
    conditions?: { type: string; status: string }[];
    nodeInfo?: { kubeletVersion?: string };
  };
}

/** This master's own API server answers /readyz (asked directly, not through the VIP). */
export async function waitForApiServer(
  lab: OpenLab,
  node: string,
  signal: AbortSignal,
): Promise<void> {
  await waitForReady(
    masterApiUrl(findNode(lab.topology, node)),
    lab.admin,
    `the API server on ${node} to be ready`,
    { timeoutMs: NODE_STEP_LIMIT_MS, signal },
  );
}

/**
 * The graceful move: stopping keepalived sends a priority-0 advert, so a backup takes the VIP
 * within its skew time instead of waiting for three missed adverts. Returns the new holder
 * once it holds the VIP alone and the API answers through it.
 */
export async function moveVipAway(
  lab: OpenLab,
  holder: string,
  signal: AbortSignal,
): Promise<{ newHolder: string }> {
  const names = masters(lab.topology).map((m) => m.name);
  await run(runnerFor(lab.runners, holder), ['systemctl', 'stop', 'keepalived']);
  return waitFor(
    async () => {
      const held = await vipHolders(lab.runners, names, lab.topology);
      const newHolder = held.length === 1 && held[0] !== holder ? held[0] : undefined;
      return newHolder && (await isReady(lab.apiUrl, lab.admin)) ? { newHolder } : undefined;
    },
    { what: `the VIP to move away from ${holder}`, timeoutMs: 60_000, signal },
  );
}

export async function startKeepalived(lab: OpenLab, node: string): Promise<void> {
  await run(runnerFor(lab.runners, node), ['systemctl', 'start', 'keepalived']);
}

/** How long unchanged static pods must stay up to count as "kubelet left them alone". */
const UNTOUCHED_MS = 20_000;

/**
 * A new kubelet may restart every static pod a few seconds after it starts (measured 2-15 s
 * from 1.35 to 1.36: it hashes the pod specs with its own defaults), so "the API server
 * answers" right after the restart may be the old process about to go. Settled means: the
 * three static pods run in processes started since the kubelet restart and this master's API
 * server answers; or, if the kubelet left them alone, the same processes for 20 s.
 */
export async function waitForStaticPodsSettled(
  lab: OpenLab,
  node: string,
  since: number,
  signal: AbortSignal,
): Promise<{ restartedByKubelet: string; settledAfterMs: number }> {
  const runner = runnerFor(lab.runners, node);
  const url = masterApiUrl(findNode(lab.topology, node));
  // ps reports whole seconds: a process started in the restart's second counts as after it.
  const sinceSecond = Math.floor(since / 1000) * 1000;
  let last = '';
  let unchangedSince = Date.now();
  return waitFor(
    async () => {
      const seen = await readLiveVersions(runner, CONTROL_PLANE_COMMANDS);
      const key = seen.map((v) => `${v.component}@${v.startedAt}`).join(',');
      if (key !== last) {
        last = key;
        unchangedSince = Date.now();
      }
      if (seen.some((v) => v.startedAt === null)) return undefined;
      if (!(await isReady(url, lab.admin))) return undefined;
      const fresh = seen.every((v) => (v.startedAt ?? 0) >= sinceSecond);
      if (!fresh && Date.now() - unchangedSince < UNTOUCHED_MS) return undefined;
      return { restartedByKubelet: fresh ? 'yes' : 'no', settledAfterMs: Date.now() - since };
    },
    { what: `the static pods on ${node} to settle`, timeoutMs: NODE_STEP_LIMIT_MS, signal },
  );
}
