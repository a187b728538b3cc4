import { waitFor } from '../../core/wait.js';
import { masters } from '../../core/topology.js';
import { etcdHashKv, etcdStatus } from '../../lab/clients/etcd-client.js';
import type { OpenLab } from '../../lab/open-lab.js';

/** Each member's status, asked at once; null for a member that did not answer within 1 s. */
async function readMembers(lab: OpenLab) {
  const group = masters(lab.topology);
  const statuses = await Promise.all(
    group.map((m) => etcdStatus(m.ip, lab.etcdProbe, 1000).catch(() => null)),
  );
  return { group, statuses };
}

/**
 * Waits until every member answers, all name the same leader, and hashkv at the lowest
 * revision all have applied is equal: the cluster agrees on its data again. Returns the
 * revision and hash it agreed on.
 */
export async function waitForEtcdInSync(
  lab: OpenLab,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<{ revision: number; hash: number }> {
  let last = 'no reading yet';
  return waitFor(
    async () => {
      const { group, statuses } = await readMembers(lab);
      const silent = group.filter((_, i) => !statuses[i]).map((m) => m.name);
      if (silent.length > 0) return void (last = `${silent.join(', ')} not answering`);
      const leaders = new Set(statuses.map((s) => s!.leaderId));
      if (leaders.size !== 1 || leaders.has('0'))
        return void (last = 'members do not agree on one leader');
      const revision = Math.min(...statuses.map((s) => s!.revision));
      const hashes = await Promise.all(
        group.map((m) => etcdHashKv(m.ip, lab.etcdProbe, revision, 3000).catch(() => null)),
      );
      if (hashes.some((h) => h === null)) return void (last = 'hashkv not read from every member');
      if (new Set(hashes).size !== 1) return void (last = `hashkv differs at ${revision}`);
      return { revision, hash: hashes[0]! };
    },
    { what: () => `etcd members in sync (${last})`, timeoutMs, intervalMs: 500, signal },
  );
}

/**
 * Waits until every member has answered with one agreed leader at each reading for `steadyMs`
 * in a row. A member that has just come back is not yet a margin: restarting the next one
 * at once leaves quorum resting on a member that may still flap, and on observers (the
 * probes, a client's balancer) that have not yet seen it return.
 */
export async function waitForEtcdSteady(
  lab: OpenLab,
  steadyMs: number,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<{ steadyMs: number }> {
  let since: number | undefined;
  let last = 'no reading yet';
  return waitFor(
    async () => {
      const { statuses } = await readMembers(lab);
      const leaders = new Set(statuses.map((s) => s?.leaderId ?? '0'));
      if (statuses.some((s) => !s) || leaders.size !== 1 || leaders.has('0')) {
        since = undefined;
        last = 'a member silent or the leader not agreed';
        return undefined;
      }
      since ??= Date.now();
      last = `steady for ${Date.now() - since} ms`;
      return Date.now() - since >= steadyMs ? { steadyMs: Date.now() - since } : undefined;
    },
    { what: () => `etcd members steady (${last})`, timeoutMs, intervalMs: 250, signal },
  );
}
