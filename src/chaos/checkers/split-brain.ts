import { samplesOf, type History, type VipSample } from '../history.js';
import type { Expectations } from '../scenario/model.js';
import {
  byTime,
  formatDuration,
  offset,
  verdict,
  type CheckContext,
  type Figures,
  type Verdict,
} from './verdict.js';
import { longestSpanWithout } from './spans.js';
import { dualHolderSpans } from './vip-view.js';

const CHECK = 'splitBrain';

/** How long a master's view may be unreadable (a node restarting) unless a scenario says. */
const DEFAULT_MAX_UNKNOWN_MS = 1000;

/**
 * Bounded: two or more holders never for longer than maxMs at a stretch (a short overlap
 * is normal while VRRP hands over). A paused master whose kernel keeps the VIP (a frozen
 * holder) counts as a holder, unless the scenario expects one (it pauses the holder), and
 * then one must be seen. No master's view may stay unknown for longer than maxUnknownMs, and
 * a history in which some view was always unknown proves nothing.
 * Expected: the scenario provokes split brain, so it must be seen, and after the last undo
 * exactly one master must hold the VIP.
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
  const frozenExpected = 'maxMs' in expectation && expectation.frozenHolder === true;
  const counted = samples.map((s) => ({
    ...s,
    holders: frozenExpected ? s.holders : [...s.holders, ...(s.frozen ?? [])],
  }));
  const spans = dualHolderSpans(counted, history.endedAt);
  const longest = spans.reduce((a, s) => (s.to - s.from > a.to - a.from ? s : a), {
    from: 0,
    to: 0,
  });
  // The probe's first reads of each master can still be in flight when sampling starts: an
  // unknown view before the first complete one is its warm-up, not a lost view, as long as it
  // ends before the first fault (the lab was proven whole just before). Any later gap counts.
  const firstKnown = samples.find((s) => s.unknown.length === 0)?.at;
  const firstFault = Math.min(...context.faults.map((f) => f.appliedAt));
  const warmupEnd = firstKnown !== undefined && firstKnown <= firstFault ? firstKnown : undefined;
  const judged = warmupEnd === undefined ? samples : samples.filter((s) => s.at >= warmupEnd);
  const unknown = longestSpanWithout(judged, (s) => s.unknown.length === 0, history.endedAt);
  const figures = {
    maxDualHolderMs: longest.to - longest.from,
    dualHolderEpisodes: spans.length,
    maxHolders: Math.max(...counted.map((s) => s.holders.length)),
    samplesWithUnknown: samples.filter((s) => s.unknown.length > 0).length,
    samplesWithFrozenHolder: samples.filter((s) => (s.frozen ?? []).length > 0).length,
    maxUnknownMs: unknown.ms,
    probeWarmupMs: warmupEnd === undefined ? 0 : warmupEnd - samples[0]!.at,
  };
  if ('maxMs' in expectation) {
    // Two holders seen for too long is the definite failure: say that first.
    if (figures.maxDualHolderMs > expectation.maxMs)
      return dualVerdict(history, figures, longest, spans.length, expectation.maxMs);
    const unknownLimit = expectation.maxUnknownMs ?? DEFAULT_MAX_UNKNOWN_MS;
    if (figures.samplesWithUnknown === samples.length) {
      return verdict(
        CHECK,
        false,
        `some master's VIP view was unknown in every one of ${samples.length} samples, so split brain cannot be ruled out`,
        { ...figures, limitMs: expectation.maxMs },
      );
    }
    if (figures.maxUnknownMs > unknownLimit) {
      return verdict(
        CHECK,
        false,
        `a master's VIP view was unknown for ${formatDuration(figures.maxUnknownMs)} (from ${offset(history, unknown.from ?? history.startedAt)}); at most ${formatDuration(unknownLimit)} can be vouched for`,
        { ...figures, limitMs: expectation.maxMs },
        unknown.from,
      );
    }
    if (frozenExpected && figures.samplesWithFrozenHolder === 0) {
      return verdict(
        CHECK,
        false,
        'a frozen VIP holder (a paused master keeping the VIP) was expected but never seen',
        { ...figures, limitMs: expectation.maxMs },
      );
    }
    if (spans.length === 0) {
      const frozen = frozenExpected ? '; the paused master kept the VIP frozen, as expected' : '';
      return verdict(
        CHECK,
        true,
        `never two VIP holders at once (${samples.length} samples)${frozen}`,
        {
          ...figures,
          limitMs: expectation.maxMs,
        },
      );
    }
    return dualVerdict(history, figures, longest, spans.length, expectation.maxMs);
  }
  return checkExpectedSplit(history, samples, context, figures);
}

function dualVerdict(
  history: History,
  figures: Figures & { maxDualHolderMs: number },
  longest: { from: number },
  episodes: number,
  limitMs: number,
): Verdict {
  return verdict(
    CHECK,
    figures.maxDualHolderMs <= limitMs,
    `two VIP holders for up to ${formatDuration(figures.maxDualHolderMs)} (from ${offset(history, longest.from)}, ${episodes} time(s)); limit ${formatDuration(limitMs)}`,
    { ...figures, limitMs },
    longest.from,
  );
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
      final.at,
    );
  }
  return verdict(
    CHECK,
    true,
    `split brain seen as expected (up to ${formatDuration(figures.maxDualHolderMs)}); after the undo only ${final.holders[0]} holds the VIP`,
    all,
    final.at,
  );
}

/** The longest stretch during which some master's view could not be read. */
