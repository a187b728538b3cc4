import * as z from 'zod';
import { WORKER_COUNT } from '../../core/topology.js';
import { WORKLOAD_DEFAULT_REPLICAS, WORKLOAD_MIN_REPLICAS } from '../../provision/workload.js';
import { parseDuration } from './duration.js';
import { MAX_DURATION_MS } from './names.js';

/**
 * The scenario file's `workload:` key and its `workloadAvailable` expectation, as written.
 * Messages follow input-schema.ts: each ends up after "file:line: field:".
 */

/** A limit that may be zero ("never"): milliseconds, or a duration string. */
const allowanceMs = z
  .union([z.number(), z.string()], {
    error: 'expected milliseconds (0 for never) or a duration such as 500ms',
  })
  .meta({ description: 'milliseconds (0 = never) or a duration: 500ms, 5s' })
  .transform((value, ctx) => {
    const parsed =
      typeof value === 'number'
        ? Number.isInteger(value) && value >= 0 && value <= MAX_DURATION_MS
          ? { ok: true as const, ms: value }
          : {
              ok: false as const,
              message: `expected a whole number of milliseconds from 0 to ${MAX_DURATION_MS}`,
            }
        : parseDuration(value);
    if (parsed.ok) return parsed.ms;
    ctx.issues.push({ code: 'custom', message: parsed.message, input: value });
    return z.NEVER;
  });

/** `strict` is input-fields', so unknown keys read the same everywhere. */
export function workloadInputs(
  strict: <T extends z.ZodRawShape>(shape: T) => z.ZodObject<T, z.core.$strict>,
) {
  return {
    workloadAvailable: strict({ maxMs: allowanceMs.default(0) }),
    workload: strict({
      replicas: z
        .number({ error: 'expected a number of replicas' })
        .int({ error: 'expected a whole number of replicas' })
        .min(WORKLOAD_MIN_REPLICAS, {
          error: `at least ${WORKLOAD_MIN_REPLICAS}: one replica has nowhere to go when its worker is drained`,
        })
        .max(WORKER_COUNT, { error: `at most ${WORKER_COUNT}: one replica per worker` })
        .default(WORKLOAD_DEFAULT_REPLICAS),
    }),
  };
}

interface WithWorkload {
  workload?: unknown;
  expect: { workloadAvailable?: unknown };
  profiles?:
    | {
        default?: { workloadAvailable?: unknown } | undefined;
        fast?: { workloadAvailable?: unknown } | undefined;
      }
    | undefined;
}

/** Without a workload nothing probes it, and the check could only fail for want of samples. */
export function requireWorkloadForCheck(scenario: WithWorkload, ctx: z.RefinementCtx): void {
  if (scenario.workload !== undefined) return;
  const asks: [string[], unknown][] = [
    [['expect'], scenario.expect.workloadAvailable],
    [['profiles', 'default'], scenario.profiles?.default?.workloadAvailable],
    [['profiles', 'fast'], scenario.profiles?.fast?.workloadAvailable],
  ];
  for (const [path, ask] of asks) {
    if (ask === undefined) continue;
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'workloadAvailable'],
      message:
        'workloadAvailable needs a workload to probe: add `workload: {}` (or `workload: { replicas: 3 }`)',
    });
  }
}
