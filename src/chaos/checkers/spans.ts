/** The longest stretch of samples in which a property did not hold, and when it began. */
export interface Span {
  ms: number;
  /** The first sample of the longest stretch; undefined when the property always held. */
  from: number | undefined;
}

/**
 * One definition of "how long was X missing": from the first sample without it to the next
 * sample with it (or the end of the run, when it never came back).
 */
export function longestSpanWithout<T extends { at: number }>(
  samples: T[],
  holds: (sample: T) => boolean,
  endedAt: number,
): Span {
  let longest: Span = { ms: 0, from: undefined };
  let since: number | undefined;
  const close = (until: number) => {
    if (since !== undefined && (longest.from === undefined || until - since > longest.ms))
      longest = { ms: until - since, from: since };
    since = undefined;
  };
  for (const sample of samples) {
    if (!holds(sample)) since ??= sample.at;
    else close(sample.at);
  }
  close(endedAt);
  return longest;
}
