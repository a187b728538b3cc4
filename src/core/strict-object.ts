import * as z from 'zod';

/**
 * A mapping that names the allowed keys when it meets an unknown one: every user-written file
 * (scenarios, inventories) reports "file:line: field: unknown field "x" (use one of ...)".
 */
export function strict<T extends z.ZodRawShape>(shape: T) {
  const known = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown field "${String(issue.keys[0])}" (use one of ${known})`
        : 'expected a mapping',
  });
}
