import { samplesOf, type History } from '../history.js';
import { verdict, type CheckContext, type Verdict } from './verdict.js';

const CHECK = 'noLostWrites';
const SHOWN_KEYS = 5;

/**
 * Every write the API acknowledged must be there when read back after the run, and one
 * last write must succeed. A write that timed out (unknown) may or may not have happened,
 * so it proves nothing either way; a write not read back at all counts as lost, because
 * an acknowledged write that cannot be found is exactly what this check exists to catch.
 */
export function checkNoLostWrites(
  history: History,
  _expectation: true,
  _context: CheckContext,
): Verdict {
  const writes = samplesOf(history, 'write');
  const acknowledged = writes.filter((w) => w.outcome === 'ok');
  const present = new Set(history.finalReadback?.present ?? []);
  const values = history.finalReadback?.values;
  const lostWrites = acknowledged.filter((w) => !present.has(w.key));
  const lost = lostWrites.map((w) => w.key);
  // Read back with another value than the writer wrote: the store returned something else.
  const changed = acknowledged
    .filter((w) => values && w.value !== undefined && present.has(w.key))
    .filter((w) => values![w.key] !== w.value)
    .map((w) => w.key);
  // A write that certainly did not happen must not be there.
  const phantom = writes
    .filter((w) => w.outcome === 'failed' && present.has(w.key))
    .map((w) => w.key);
  const reads = readOrder(history);
  const figures = {
    writes: writes.length,
    writers: new Set(writes.map((w) => w.writer ?? 0)).size,
    acknowledgedWrites: acknowledged.length,
    unknownWrites: writes.filter((w) => w.outcome === 'unknown').length,
    failedWrites: writes.filter((w) => w.outcome === 'failed').length,
    lostWrites: lost.length,
    changedWrites: changed.length,
    phantomWrites: phantom.length,
    reads: reads.ok,
    readRegressions: reads.regressions.length,
    finalWriteOk: history.finalWriteOk ?? null,
  };
  if (acknowledged.length === 0) {
    return verdict(
      CHECK,
      false,
      'no acknowledged writes were recorded, so there is nothing to verify',
      figures,
    );
  }
  if (!history.finalReadback) {
    return verdict(
      CHECK,
      false,
      `no final read-back was recorded for ${acknowledged.length} acknowledged writes`,
      figures,
    );
  }
  if (lost.length > 0) {
    const shown = lost.slice(0, SHOWN_KEYS).join(', ');
    const more = lost.length > SHOWN_KEYS ? ` and ${lost.length - SHOWN_KEYS} more` : '';
    return verdict(
      CHECK,
      false,
      `${lost.length} of ${acknowledged.length} acknowledged writes are missing: ${shown}${more}`,
      figures,
      Math.min(...lostWrites.map((w) => w.at)),
    );
  }
  if (changed.length > 0) {
    return verdict(
      CHECK,
      false,
      `${changed.length} acknowledged writes read back with another value: ${changed.slice(0, SHOWN_KEYS).join(', ')}`,
      figures,
    );
  }
  if (phantom.length > 0) {
    return verdict(
      CHECK,
      false,
      `${phantom.length} writes that definitely failed are present: ${phantom.slice(0, SHOWN_KEYS).join(', ')}`,
      figures,
    );
  }
  if (reads.regressions.length > 0) {
    return verdict(
      CHECK,
      false,
      `the reader saw the store go backwards ${reads.regressions.length} times (first: ${reads.regressions[0]})`,
      figures,
    );
  }
  if (history.finalWriteOk !== true) {
    return verdict(
      CHECK,
      false,
      history.finalWriteOk === false
        ? 'all acknowledged writes are present, but the final write failed'
        : 'all acknowledged writes are present, but no final write was recorded',
      figures,
    );
  }
  return verdict(
    CHECK,
    true,
    `all ${acknowledged.length} acknowledged writes of ${figures.writers} writers read back with their values (${figures.unknownWrites} indeterminate, ${figures.failedWrites} failed, none present); ${reads.ok} reads never went backwards; final write ok`,
    figures,
  );
}

/** The reader's successful reads in order: a later one served at an older revision is a regression. */
export function readOrder(history: History): { ok: number; regressions: string[] } {
  const reads = samplesOf(history, 'read')
    .filter((r) => r.ok && r.resourceVersion !== null)
    .sort((a, b) => a.at - b.at);
  const regressions: string[] = [];
  let highest = 0;
  for (const r of reads) {
    if (r.resourceVersion! < highest)
      regressions.push(`revision ${r.resourceVersion} after ${highest}`);
    highest = Math.max(highest, r.resourceVersion!);
  }
  return { ok: reads.length, regressions };
}
