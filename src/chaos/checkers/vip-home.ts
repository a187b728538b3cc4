import { samplesOf, type History } from '../history.js';
import { byTime, verdict, type CheckContext, type Verdict } from './verdict.js';

const CHECK = 'vipHome';

/** keepalived priorities are distinct, so once all is back the VIP must sit on the preferred master. */
export function checkVipHome(
  history: History,
  _expectation: true,
  _context: CheckContext,
): Verdict {
  const expected = history.expectedVipHolder;
  const samples = byTime(samplesOf(history, 'vip'));
  const final = samples[samples.length - 1];
  const figures = {
    expected: expected ?? null,
    finalHolders: final ? final.holders.join(',') : null,
  };
  if (expected === undefined) {
    return verdict(
      CHECK,
      false,
      'the history does not say which master should hold the VIP',
      figures,
    );
  }
  if (!final) return verdict(CHECK, false, 'no VIP samples were recorded', figures);
  if (final.holders.length === 1 && final.holders[0] === expected) {
    return verdict(CHECK, true, `the VIP is back on ${expected}`, figures, final.at);
  }
  const now = final.holders.length === 0 ? 'no master' : final.holders.join(' and ');
  return verdict(
    CHECK,
    false,
    `the VIP ended on ${now}, expected ${expected} alone`,
    figures,
    final.at,
  );
}
