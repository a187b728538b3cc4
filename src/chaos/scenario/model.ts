import * as z from 'zod';
import { FAULT_KINDS, SERVICES, TARGETS } from './names.js';

/**
 * The parsed scenario, as the runner and reports see it: durations in ms, defaults filled
 * in, one `kind` per step. The YAML input schema (input-schema.ts) transforms into exactly
 * this shape, and report.json embeds it, so its JSON Schema comes from here.
 */

const ms = z.number().int().positive();

export const faultStepModel = z.object({
  kind: z.literal('fault'),
  id: z.string(),
  fault: z.enum(FAULT_KINDS),
  target: z.enum(TARGETS),
  service: z.enum(SERVICES).optional(),
});

export const stepModel = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('settle'), durationMs: ms }),
  z.object({ kind: z.literal('observe'), durationMs: ms }),
  faultStepModel,
  /** `id` is a fault id, or "all" to undo every fault applied so far. */
  z.object({ kind: z.literal('restore'), id: z.string() }),
  z.object({ kind: z.literal('wait'), until: z.literal('recovered'), timeoutMs: ms }),
]);

export const expectationsModel = z.object({
  vipFailover: z.object({ withinMs: ms }).optional(),
  /** Always present after parsing: split brain is checked unless a scenario says otherwise. */
  splitBrain: z.union([
    z.object({
      maxMs: ms,
      /** A paused master keeps the VIP in its kernel: expected (pause) or counted as a holder. */
      frozenHolder: z.boolean().optional(),
      /** The longest a master's view may be unreadable; default 1 s. */
      maxUnknownMs: ms.optional(),
    }),
    z.object({ expected: z.literal(true) }),
  ]),
  apiUnavailable: z.object({ maxMs: ms }).optional(),
  etcdQuorum: z.enum(['kept', 'lost']).optional(),
  noLostWrites: z.boolean().optional(),
  rejoin: z.object({ withinMs: ms }).optional(),
  vipHome: z.boolean().optional(),
  leaderElection: z.object({ withinMs: ms }).optional(),
});

export const TIMING_PROFILES = ['default', 'fast'] as const;
export type TimingProfile = (typeof TIMING_PROFILES)[number];

export const scenarioModel = z.object({
  name: z.string(),
  description: z.string(),
  probes: z.object({ intervalMs: ms, writeIntervalMs: ms }),
  steps: z.array(stepModel),
  expect: expectationsModel,
  /** Per timing profile, expectations that replace those in `expect` on such a lab. */
  profiles: z
    .object({
      default: expectationsModel.partial().optional(),
      fast: expectationsModel.partial().optional(),
    })
    .optional(),
});

export type Scenario = z.infer<typeof scenarioModel>;
export type Step = z.infer<typeof stepModel>;
export type FaultStep = z.infer<typeof faultStepModel>;
export type Expectations = z.infer<typeof expectationsModel>;
export type CheckName = keyof Expectations;
export type { FaultKind, Service, StepKind } from './names.js';

/** What a scenario expects on a lab of this timing profile. */
export function expectationsFor(scenario: Scenario, profile: TimingProfile): Expectations {
  const override = scenario.profiles?.[profile] ?? {};
  const chosen = Object.entries(override).filter(([, v]) => v !== undefined);
  return { ...scenario.expect, ...Object.fromEntries(chosen) };
}

/** Check order in reports: roughly the order in which a reader asks the questions. */
export const CHECK_NAMES = [
  'vipFailover',
  'splitBrain',
  'apiUnavailable',
  'etcdQuorum',
  'leaderElection',
  'noLostWrites',
  'rejoin',
  'vipHome',
] as const satisfies readonly CheckName[];
