import { waitForOr } from '../core/wait.js';
import { etcdHashKv, etcdStatus } from '../lab/clients/etcd-client.js';
import type { OpenLab } from '../lab/open-lab.js';
import { masters } from '../core/topology.js';
import { deleteRunObjects, readBack, writeKey, writeOnce } from './probes/writer-probe.js';

/** What a run reads after its steps: each wait ends at its deadline or at once on Ctrl-C. */

/** Re-reads every write of the run through the VIP, retrying while the API settles. */
export async function finalReadback(
  lab: OpenLab,
  runId: string,
  keys: string[],
  signal: AbortSignal,
  deadlineMs = 60_000,
) {
  return waitForOr(
    async () => {
      const present = await readBack(lab.apiUrl, lab.admin, runId).catch(() => undefined);
      if (!present) return undefined;
      const found = keys.filter((k) => present.has(k));
      return {
        present: found,
        absent: keys.filter((k) => !present.has(k)),
        values: Object.fromEntries(found.map((k) => [k, present.get(k)!])),
      };
    },
    { what: 'the read-back of every write', timeoutMs: deadlineMs, intervalMs: 1000, signal },
    () => undefined,
  );
}

/** One last write through the VIP must succeed (the cluster accepts writes again). */
export async function finalWrite(
  lab: OpenLab,
  runId: string,
  signal: AbortSignal,
  deadlineMs = 30_000,
): Promise<boolean> {
  let attempt = 0;
  return waitForOr(
    async () => {
      const name = writeKey(runId, 'final', attempt++);
      const r = await writeOnce(lab.apiUrl, lab.admin, runId, name, 3000);
      return r.outcome === 'ok' ? true : undefined;
    },
    { what: 'one final write', timeoutMs: deadlineMs, intervalMs: 1000, signal },
    () => false,
  );
}

/**
 * hashkv of every member at one common revision (the lowest any member has applied): equal
 * hashes mean the members hold the same data. Retries while a member catches up.
 */
export async function hashKvAll(
  lab: OpenLab,
  signal: AbortSignal,
  deadlineMs = 60_000,
): Promise<Record<string, number | null>> {
  const group = masters(lab.topology);
  let last: Record<string, number | null> = Object.fromEntries(group.map((m) => [m.name, null]));
  return waitForOr(
    async () => {
      const revisions = await Promise.all(
        group.map((m) =>
          etcdStatus(m.ip, lab.etcdProbe, 2000)
            .then((s) => s.revision)
            .catch(() => undefined),
        ),
      );
      if (revisions.some((r) => r === undefined)) return undefined;
      const revision = Math.min(...(revisions as number[]));
      const hashes = await Promise.all(
        group.map((m) => etcdHashKv(m.ip, lab.etcdProbe, revision, 5000).catch(() => null)),
      );
      last = Object.fromEntries(group.map((m, i) => [m.name, hashes[i] ?? null]));
      return hashes.every((h) => h !== null && h === hashes[0]) ? last : undefined;
    },
    { what: 'equal hashkv on every member', timeoutMs: deadlineMs, intervalMs: 1000, signal },
    () => last,
  );
}

export async function cleanupRun(lab: OpenLab, runId: string): Promise<void> {
  await deleteRunObjects(lab.apiUrl, lab.admin, runId).catch(() => undefined);
}
