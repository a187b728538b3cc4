import type { VipSample } from '../history.js';

/** A VIP sample describes the addresses from its `at` until the next sample (or the run's end). */

export interface Span {
  from: number;
  to: number;
}

/** Stretches during which two or more masters held the VIP at once. */
export function dualHolderSpans(samples: VipSample[], endedAt: number): Span[] {
  const spans: Span[] = [];
  let open: number | undefined;
  for (const sample of samples) {
    const dual = sample.holders.length >= 2;
    if (dual && open === undefined) open = sample.at;
    if (!dual && open !== undefined) {
      spans.push({ from: open, to: sample.at });
      open = undefined;
    }
  }
  if (open !== undefined) spans.push({ from: open, to: Math.max(open, endedAt) });
  return spans;
}

/** The last sample taken strictly before `at`: a sample at the fault's own instant may already show its effect. */
function sampleBefore(samples: VipSample[], at: number): VipSample | undefined {
  let found: VipSample | undefined;
  for (const sample of samples) {
    if (sample.at >= at) break;
    found = sample;
  }
  return found;
}

/** The one master holding the VIP just before `at`, or undefined when none, several, or no sample yet. */
export function soleHolderBefore(samples: VipSample[], at: number): string | undefined {
  const holders = sampleBefore(samples, at)?.holders ?? [];
  return holders.length === 1 ? holders[0] : undefined;
}
