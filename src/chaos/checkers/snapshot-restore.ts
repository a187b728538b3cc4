import { samplesOf, type History, type WriteSample } from '../history.js';
import { readOrder } from './no-lost-writes.js';
import { verdict, type CheckContext, type Verdict } from './verdict.js';

const CHECK = 'snapshotRestore';
export const SNAPSHOT_STEP = 'snapshot';
const SHOWN = 5;

/**
 * A restore from a snapshot loses exactly what came after the snapshot, and nothing else.
 * By time alone, without trusting any revision: a write acknowledged before the snapshot
 * began is in it and must be read back; one invoked after the snapshot ended and
 * acknowledged before the operation ended is not, and must be gone; one invoked after the
 * operation ended was written to the restored store and must be there. Writes that overlap
 * the snapshot prove nothing either way, nor do indeterminate ones. The reader must never see
 * the store go backwards (the restore bumps the revision), and one final write must succeed.
 */
export function checkSnapshotRestore(
  history: History,
  _e: boolean,
  context: CheckContext,
): Verdict {
  const op = context.faults.find((f) => f.operation);
  const snapshot = samplesOf(history, 'op').find(
    (r) => r.id === op?.id && r.phase === 'step' && r.step === SNAPSHOT_STEP,
  );
  if (!op || !snapshot || op.undoneAt === null) {
    return verdict(CHECK, false, 'no finished operation took a snapshot', { lostWrites: null });
  }
  if (!history.finalReadback) {
    return verdict(CHECK, false, 'no final read-back was recorded', { lostWrites: null });
  }
  const snapStart = snapshot.startedAt ?? snapshot.at;
  const present = new Set(history.finalReadback.present);
  const ok = samplesOf(history, 'write').filter((w) => w.outcome === 'ok');
  const done = (w: WriteSample) => w.at + w.latencyMs;
  const before = ok.filter((w) => done(w) <= snapStart);
  const after = ok.filter((w) => w.at >= snapshot.at && done(w) <= op.undoneAt!);
  const later = ok.filter((w) => w.at >= op.undoneAt!);
  const missingBefore = before.filter((w) => !present.has(w.key)).map((w) => w.key);
  const survivedAfter = after.filter((w) => present.has(w.key)).map((w) => w.key);
  const missingLater = later.filter((w) => !present.has(w.key)).map((w) => w.key);
  const reportedLost = ok.filter((w) => !present.has(w.key)).map((w) => w.key);
  // Lost is allowed only where the snapshot could not have it: after it, or overlapping it.
  const mustKeep = new Set([...before, ...later].map((w) => w.key));
  const unexplained = reportedLost.filter((k) => mustKeep.has(k));
  const reads = readOrder(history);
  const figures = {
    snapshotRevision: snapshot.values?.revision ?? null,
    beforeSnapshot: before.length,
    afterSnapshot: after.length,
    afterRestore: later.length,
    lostWrites: reportedLost.length,
    unexplainedLost: unexplained.length,
    overlappingSnapshot: ok.length - before.length - after.length - later.length,
    survivedAfterSnapshot: survivedAfter.length,
    readRegressions: reads.regressions.length,
    finalWriteOk: history.finalWriteOk ?? null,
  };
  const list = (keys: string[]) =>
    `${keys.slice(0, SHOWN).join(', ')}${keys.length > SHOWN ? ` and ${keys.length - SHOWN} more` : ''}`;
  const problems = [
    before.length === 0 ? 'no write was acknowledged before the snapshot' : '',
    missingBefore.length > 0
      ? `${missingBefore.length} writes acknowledged before the snapshot are missing: ${list(missingBefore)}`
      : '',
    survivedAfter.length > 0
      ? `${survivedAfter.length} writes made after the snapshot survived the restore: ${list(survivedAfter)}`
      : '',
    missingLater.length > 0
      ? `${missingLater.length} writes made after the restore are missing: ${list(missingLater)}`
      : '',
    reads.regressions.length > 0
      ? `the reader saw the store go backwards (${reads.regressions[0]})`
      : '',
    history.finalWriteOk === true ? '' : 'the final write did not succeed',
  ].filter((p) => p.length > 0);
  if (problems.length > 0) return verdict(CHECK, false, problems.join('; '), figures, snapStart);
  return verdict(
    CHECK,
    true,
    `all ${before.length} writes acknowledged before the snapshot (revision ${figures.snapshotRevision ?? '?'}) are back; the ${reportedLost.length} lost are exactly the ${after.length} acknowledged after it; ${later.length} after the restore kept; reads never went backwards`,
    figures,
    snapStart,
  );
}
