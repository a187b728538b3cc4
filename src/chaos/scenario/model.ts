import * as z from 'zod';
import { WORKLOAD_MIN_REPLICAS } from '../../provision/workload.js';
import { FAULT_KINDS, OP_KINDS, SERVICES, TARGETS } from './names.js';

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

/** A day-2 operation, run to its end as one step; `target` is resolved when it starts. */
export const opStepModel = z.object({
  kind: z.literal('op'),
  id: z.string(),
  op: z.enum(OP_KINDS),
  target: z.enum(TARGETS),
  /** The Kubernetes version an upgrade goes to ("1.36" or "v1.36.3"). */
  to: z.string().optional(),
});

export const stepModel = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('settle'), durationMs: ms }),
  z.object({ kind: z.literal('observe'), durationMs: ms }),
  faultStepModel,
  /** `id` is a fault id, or "all" to undo every fault applied so far. */
  z.object({ kind: z.literal('restore'), id: z.string() }),
  z.object({ kind: z.literal('wait'), until: z.literal('recovered'), timeoutMs: ms }),
  opStepModel,
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
  /** How long no worker's NodePort may answer the scenario's workload; 0 = never. */
  workloadAvailable: z.object({ maxMs: z.number().int().nonnegative() }).optional(),
  etcdQuorum: z.enum(['kept', 'lost']).optional(),
  noLostWrites: z.boolean().optional(),
  rejoin: z.object({ withinMs: ms }).optional(),
  vipHome: z.boolean().optional(),
  leaderElection: z.object({ withinMs: ms }).optional(),
  /** After an operation's wipe (or start): every member answers, one leader, equal hashkv. */
  etcdInSync: z.object({ withinMs: ms }).optional(),
  /** No request through the VIP failed because of a certificate (expired, unknown CA ...). */
  noCertErrors: z.boolean().optional(),
  /** Every endpoint's certificate, seen in a live handshake, has a later notAfter afterwards. */
  certsRenewed: z.boolean().optional(),
  /** Writes up to the snapshot's revision kept; exactly the later acknowledged ones lost. */
  snapshotRestore: z.boolean().optional(),
  /** After an upgrade: every component on every node runs the target, in a process started since. */
  upgraded: z.boolean().optional(),
});

export const TIMING_PROFILES = ['default', 'fast'] as const;
export type TimingProfile = (typeof TIMING_PROFILES)[number];

export const scenarioModel = z.object({
  name: z.string(),
  description: z.string(),
  probes: z.object({ intervalMs: ms, writeIntervalMs: ms }),
  steps: z.array(stepModel),
  /** A Deployment deployed before the probes start and removed after the run (src/lab/workload.ts). */
  workload: z.object({ replicas: z.number().int().min(WORKLOAD_MIN_REPLICAS) }).optional(),
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
export type OpStep = z.infer<typeof opStepModel>;
export type Expectations = z.infer<typeof expectationsModel>;
export type CheckName = keyof Expectations;
export type { FaultKind, OpKind, Service, StepKind } from './names.js';

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
  'workloadAvailable',
  'etcdQuorum',
  'leaderElection',
  'noLostWrites',
  'snapshotRestore',
  'etcdInSync',
  'certsRenewed',
  'upgraded',
  'noCertErrors',
  'rejoin',
  'vipHome',
] as const satisfies readonly CheckName[];
