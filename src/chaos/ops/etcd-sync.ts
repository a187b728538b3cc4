import { waitFor } from '../../core/wait.js';
import { masters } from '../../core/topology.js';
import { etcdHashKv, etcdStatus } from '../../lab/clients/etcd-client.js';
import type { OpenLab } from '../../lab/open-lab.js';

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
      const group = masters(lab.topology);
      const statuses = await Promise.all(
        group.map((m) => etcdStatus(m.ip, lab.etcdProbe, 1000).catch(() => null)),
      );
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
