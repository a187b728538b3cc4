import { samplesOf, type History, type VipSample } from '../history.js';
import type { Expectations } from '../scenario/model.js';
import {
  byTime,
  formatDuration,
  offset,
  verdict,
  type CheckContext,
  type Verdict,
} from './verdict.js';
import { dualHolderSpans } from './vip-view.js';

const CHECK = 'splitBrain';

/**
 * Bounded: two or more holders never for longer than maxMs at a stretch (a short overlap
 * is normal while VRRP hands over). Expected: the scenario provokes split brain, so it must
 * be seen, and after the last undo exactly one master must hold the VIP.
 * A master whose stream is down is not counted as a holder: its view is unknown.
 */
export function checkSplitBrain(
  history: History,
  expectation: Expectations['splitBrain'],
  context: CheckContext,
): Verdict {
  const samples = byTime(samplesOf(history, 'vip'));
  if (samples.length === 0) {
    return verdict(
      CHECK,
      false,
      'no VIP samples were recorded, so split brain cannot be ruled out',
      {
        maxDualHolderMs: null,
      },
    );
  }
  const spans = dualHolderSpans(samples, history.endedAt);
  const longest = spans.reduce((a, s) => (s.to - s.from > a.to - a.from ? s : a), {
    from: 0,
    to: 0,
  });
  const figures = {
    maxDualHolderMs: longest.to - longest.from,
    dualHolderEpisodes: spans.length,
    maxHolders: Math.max(...samples.map((s) => s.holders.length)),
    samplesWithUnknown: samples.filter((s) => s.unknown.length > 0).length,
  };
  if ('maxMs' in expectation) {
    if (spans.length === 0) {
      return verdict(CHECK, true, `never two VIP holders at once (${samples.length} samples)`, {
        ...figures,
        limitMs: expectation.maxMs,
      });
    }
    const passed = figures.maxDualHolderMs <= expectation.maxMs;
    return verdict(
      CHECK,
      passed,
      `two VIP holders for up to ${formatDuration(figures.maxDualHolderMs)} (from ${offset(history, longest.from)}, ${spans.length} time(s)); limit ${formatDuration(expectation.maxMs)}`,
      { ...figures, limitMs: expectation.maxMs },
    );
  }
  return checkExpectedSplit(history, samples, context, figures);
}

function checkExpectedSplit(
  history: History,
  samples: VipSample[],
  context: CheckContext,
  figures: { maxDualHolderMs: number; dualHolderEpisodes: number },
): Verdict {
  const observed = figures.dualHolderEpisodes > 0;
  const undos = context.faults.map((f) => f.undoneAt);
  const lastUndo = undos.includes(null) ? null : Math.max(...(undos as number[]));
  const final = samples[samples.length - 1]!;
  const all = { ...figures, dualObserved: observed, finalHolders: final.holders.join(',') };
  if (!observed) {
    return verdict(
      CHECK,
      false,
      'split brain was expected but two VIP holders were never seen',
      all,
    );
  }
  if (context.faults.length === 0 || lastUndo === null) {
    return verdict(
      CHECK,
      false,
      'split brain seen, but the fault was never undone, so recovery is unproven',
      all,
    );
  }
  if (final.at < lastUndo) {
    return verdict(
      CHECK,
      false,
      'split brain seen, but no VIP sample was taken after the undo',
      all,
    );
  }
  if (final.holders.length !== 1 || final.unknown.length > 0) {
    const unknown = final.unknown.length > 0 ? `; unknown: ${final.unknown.join(', ')}` : '';
    return verdict(
      CHECK,
      false,
      `split brain seen, but after the undo the VIP ended with ${final.holders.length} holder(s) (${final.holders.join(', ') || 'none'}${unknown})`,
      all,
    );
  }
  return verdict(
    CHECK,
    true,
    `split brain seen as expected (up to ${formatDuration(figures.maxDualHolderMs)}); after the undo only ${final.holders[0]} holds the VIP`,
    all,
  );
}
