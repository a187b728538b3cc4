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
  const lost = acknowledged.filter((w) => !present.has(w.key)).map((w) => w.key);
  const figures = {
    writes: writes.length,
    acknowledgedWrites: acknowledged.length,
    unknownWrites: writes.filter((w) => w.outcome === 'unknown').length,
    failedWrites: writes.filter((w) => w.outcome === 'failed').length,
    lostWrites: lost.length,
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
    `all ${acknowledged.length} acknowledged writes read back (${figures.unknownWrites} unknown, ${figures.failedWrites} failed); final write ok`,
    figures,
  );
}
