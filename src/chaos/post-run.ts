import { setTimeout as delay } from 'node:timers/promises';
import { etcdHashKv, etcdStatus } from '../lab/clients/etcd-client.js';
import type { OpenLab } from '../lab/open-lab.js';
import { masters } from '../core/topology.js';
import { deleteRunObjects, readBack, writeKey, writeOnce } from './probes/writer-probe.js';

/** Re-reads every write of the run through the VIP, retrying while the API settles. */
export async function finalReadback(
  lab: OpenLab,
  runId: string,
  keys: string[],
  deadlineMs = 60_000,
) {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    const present = await readBack(lab.apiUrl, lab.admin, runId).catch(() => undefined);
    if (present)
      return {
        present: keys.filter((k) => present.has(k)),
        absent: keys.filter((k) => !present.has(k)),
        values: Object.fromEntries(
          keys.filter((k) => present.has(k)).map((k) => [k, present.get(k)!]),
        ),
      };
    await delay(1000);
  }
  return undefined;
}

/** One last write through the VIP must succeed (the cluster accepts writes again). */
export async function finalWrite(
  lab: OpenLab,
  runId: string,
  deadlineMs = 30_000,
): Promise<boolean> {
  const until = Date.now() + deadlineMs;
  let attempt = 0;
  while (Date.now() < until) {
    const r = await writeOnce(
      lab.apiUrl,
      lab.admin,
      runId,
      writeKey(runId, 'final', attempt++),
      3000,
    );
    if (r.outcome === 'ok') return true;
    await delay(1000);
  }
  return false;
}

/**
 * hashkv of every member at one common revision (the lowest any member has applied): equal
 * hashes mean the members hold the same data. Retries while a member catches up.
 */
export async function hashKvAll(
  lab: OpenLab,
  deadlineMs = 60_000,
): Promise<Record<string, number | null>> {
  const group = masters(lab.topology);
  const until = Date.now() + deadlineMs;
  let last: Record<string, number | null> = Object.fromEntries(group.map((m) => [m.name, null]));
  while (Date.now() < until) {
    const revisions = await Promise.all(
      group.map((m) =>
        etcdStatus(m.ip, lab.etcdProbe, 2000)
          .then((s) => s.revision)
          .catch(() => undefined),
      ),
    );
    if (revisions.every((r) => r !== undefined)) {
      const revision = Math.min(...(revisions as number[]));
      const hashes = await Promise.all(
        group.map((m) => etcdHashKv(m.ip, lab.etcdProbe, revision, 5000).catch(() => null)),
      );
      last = Object.fromEntries(group.map((m, i) => [m.name, hashes[i] ?? null]));
      if (hashes.every((h) => h !== null && h === hashes[0])) return last;
    }
    await delay(1000);
  }
  return last;
}

export async function cleanupRun(lab: OpenLab, runId: string): Promise<void> {
  await deleteRunObjects(lab.apiUrl, lab.admin, runId).catch(() => undefined);
}
