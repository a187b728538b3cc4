import * as z from 'zod';
import { DURATION_PATTERN, parseDuration } from './duration.js';

/**
 * The building blocks of the scenario file's schema. Every message ends up after
 * "file:line: field:" on one line, so each says what is wrong and what would be right.
 */

export { strict } from '../../core/strict-object.js';

/** One of a fixed list, naming the list when the value is not in it. */
export function oneOf<const T extends readonly [string, ...string[]]>(what: string, values: T) {
  return z.enum(values, {
    error: (issue) =>
      `unknown ${what} ${JSON.stringify(issue.input)} (use one of ${values.join(', ')})`,
  });
}

/** "5s", "500ms", "2m" into milliseconds. */
export const duration = z
  .string({ error: 'expected a duration such as 5s, 500ms or 2m' })
  .meta({ pattern: DURATION_PATTERN, description: 'a duration: 500ms, 5s, 2m (at most 10m)' })
  .transform((text, ctx) => {
    const parsed = parseDuration(text);
    if (parsed.ok) return parsed.ms;
    ctx.issues.push({ code: 'custom', message: parsed.message, input: text });
    return z.NEVER;
  });

/** Whole milliseconds within [min, max]. */
export function boundedMs(min: number, max: number) {
  return z
    .number({ error: 'expected a number of milliseconds' })
    .int({ error: 'expected a whole number of milliseconds' })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });
}
