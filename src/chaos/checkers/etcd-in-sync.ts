import { etcdProblems } from '../../lab/evidence/judge-whole.js';
import { samplesOf, type History } from '../history.js';
import {
  byTime,
  formatDuration,
  offset,
  verdict,
  type CheckContext,
  type Verdict,
} from './verdict.js';

const CHECK = 'etcdInSync';

/** The step after which a member has no data: measured from there when the operation has it. */
const WIPE_STEP = 'wipe data dir';

/**
 * After the operation (or fault) that stopped etcd: how long until every member answers, all
 * follow one leader, each has applied close to the leader, hashkv at one revision is equal on
 * all three, and the targets' etcd is a process started after the stop. Measured from the
 * wipe of the data dir when there was one, else from the start; it must still hold at the
 * last reading.
 */
export function checkEtcdInSync(
  history: History,
  expectation: { withinMs: number },
  context: CheckContext,
): Verdict {
  const window = context.faults.find((f) =>
    (f.services ?? (f.service ? [f.service] : [])).includes('etcd'),
  );
  if (!window) {
    return verdict(CHECK, false, 'nothing stopped etcd, so there was nothing to sync', {
      inSyncMs: null,
    });
  }
  const wipe = samplesOf(history, 'op').find(
    (r) => r.id === window.id && r.phase === 'step' && r.step === WIPE_STEP,
  );
  const from = wipe?.startedAt ?? window.appliedAt;
  const readings = byTime(samplesOf(history, 'evidence')).filter((s) => s.at >= from);
  const judged = readings.map((s) => {
    const problems = etcdProblems(s);
    for (const target of window.targets) {
      const facts = s.nodes.find((n) => n.node === target);
      const etcd = facts?.services.find((p) => p.name === 'etcd');
      if (!etcd?.running || (etcd.startedAt ?? 0) < window.appliedAt)
        problems.push(`${target}: no etcd started since ${offset(history, window.appliedAt)}`);
    }
    return { at: s.at, problems };
  });
  const first = judged.find((j) => j.problems.length === 0);
  const final = judged[judged.length - 1];
  const figures = {
    inSyncMs: first ? first.at - from : null,
    fromWipe: wipe !== undefined,
    readings: judged.length,
    limitMs: expectation.withinMs,
  };
  const since = wipe ? 'the wipe' : `${window.id} began`;
  if (!final) {
    return verdict(CHECK, false, `no evidence was read after ${since}`, figures);
  }
  if (!first) {
    return verdict(
      CHECK,
      false,
      `etcd never in sync after ${since}; at the end: ${final.problems.join('; ')}`,
      figures,
      from + expectation.withinMs,
    );
  }
  if (final.problems.length > 0) {
    return verdict(
      CHECK,
      false,
      `etcd in sync ${formatDuration(figures.inSyncMs!)} after ${since} but not at the end: ${final.problems.join('; ')}`,
      figures,
      final.at,
    );
  }
  return verdict(
    CHECK,
    figures.inSyncMs! <= expectation.withinMs,
    `every member healthy with one leader and equal hashkv ${formatDuration(figures.inSyncMs!)} after ${since}; limit ${formatDuration(expectation.withinMs)}`,
    figures,
    first.at,
  );
}
