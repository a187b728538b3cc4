import * as z from 'zod';
import { boundedMs, duration, oneOf, strict } from './input-fields.js';
import type { Expectations, Scenario, Step } from './model.js';
import {
  DEFAULTS,
  FAULT_KINDS,
  isMasterTarget,
  isServiceFault,
  MASTER_NAMES,
  MAX_DURATION_MS,
  MAX_STEPS,
  needsMasterTarget,
  OP_DEFAULT_TARGET,
  OP_KINDS,
  opAcceptsTarget,
  PROBE_INTERVAL_MAX_MS,
  PROBE_INTERVAL_MIN_MS,
  SERVICES,
  SPECIAL_TARGETS,
  TARGETS,
} from './names.js';
import { requireWorkloadForCheck, workloadInputs } from './workload-input.js';

/**
 * The scenario file as written (YAML, camelCase keys). Every message here ends up after
 * "file:line: field:" on one line, so each says what is wrong and what would be right.
 */

const limitMs = boundedMs(1, MAX_DURATION_MS);
const workload = workloadInputs(strict);

const faultId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,30}$/, { error: 'use lowercase letters, digits and dashes' })
  .refine((id) => id !== 'all', { error: '"all" is reserved for `restore: all`' });

const faultStep = strict({
  fault: oneOf('fault', FAULT_KINDS),
  target: oneOf('target', TARGETS),
  service: oneOf('service', SERVICES).optional(),
  id: faultId.optional(),
}).superRefine((step, ctx) => {
  if (isServiceFault(step.fault) && step.service === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['service'],
      message: `${step.fault} needs a service (use one of ${SERVICES.join(', ')})`,
    });
  }
  if (!isServiceFault(step.fault) && step.service !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['service'],
      message: `only service-stop and service-kill take a service, not ${step.fault}`,
    });
  }
  if (needsMasterTarget(step.fault, step.service) && !isMasterTarget(step.target)) {
    const what = step.service ? `${step.fault} of ${step.service}` : step.fault;
    ctx.addIssue({
      code: 'custom',
      path: ['target'],
      message: `${what} needs a master target (${[...MASTER_NAMES, ...SPECIAL_TARGETS].join(', ')}), not "${step.target}"`,
    });
  }
});

const opStep = strict({
  op: oneOf('operation', OP_KINDS),
  target: oneOf('target', TARGETS).optional(),
  id: faultId.optional(),
  to: z
    .string({ error: 'expected a Kubernetes version such as "1.36" (quoted)' })
    .regex(/^v?1\.\d+(\.\d+)?$/, { error: 'expected a Kubernetes version such as "1.36"' })
    .optional(),
}).superRefine((step, ctx) => {
  if (step.op === 'upgrade' && step.to === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['to'],
      message: 'upgrade needs the version to go to (to: "1.36")',
    });
  }
  if (step.op !== 'upgrade' && step.to !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['to'],
      message: `only upgrade takes a version, not ${step.op}`,
    });
  }
  if (step.target !== undefined && !opAcceptsTarget(step.op, step.target)) {
    const want =
      step.op === 'etcd-member-replace'
        ? `one master (${MASTER_NAMES.join(', ')})`
        : step.op === 'upgrade'
          ? '"all-nodes" (it goes through every node in kubeadm\'s order)'
          : '"all-masters" (it goes through every master in turn)';
    ctx.addIssue({
      code: 'custom',
      path: ['target'],
      message: `${step.op} takes ${want}, not "${step.target}"`,
    });
  }
});

/** Same order as STEP_KINDS: issue-message.ts picks the branch that matches a step's key. */
export const stepInputOptions = [
  strict({ settle: duration }),
  strict({ observe: duration }),
  faultStep,
  strict({ restore: z.string({ error: 'expected "all" or a fault id' }).min(1) }),
  strict({
    wait: z.literal('recovered', { error: 'the only thing to wait for is "recovered"' }),
    timeout: duration.optional(),
  }),
  opStep,
] as const;

const stepInput = z.union(stepInputOptions);

const splitBrain = strict({
  maxMs: limitMs.optional(),
  expected: z.boolean().optional(),
  frozenHolder: z.boolean().optional(),
  maxUnknownMs: limitMs.optional(),
}).transform((value, ctx): Expectations['splitBrain'] => {
  if (value.expected === true && value.maxMs !== undefined) {
    ctx.issues.push({
      code: 'custom',
      message: 'give either maxMs or expected: true, not both',
      input: value,
    });
    return z.NEVER;
  }
  return value.expected === true
    ? { expected: true }
    : {
        maxMs: value.maxMs ?? DEFAULTS.splitBrainMaxMs,
        ...(value.frozenHolder !== undefined ? { frozenHolder: value.frozenHolder } : {}),
        ...(value.maxUnknownMs !== undefined ? { maxUnknownMs: value.maxUnknownMs } : {}),
      };
});

function within(defaultMs: number) {
  return strict({ withinMs: limitMs.default(defaultMs) });
}

const expectationFields = {
  vipFailover: within(DEFAULTS.vipFailoverMs).optional(),
  splitBrain: splitBrain.optional(),
  apiUnavailable: strict({ maxMs: limitMs.default(DEFAULTS.apiUnavailableMs) }).optional(),
  workloadAvailable: workload.workloadAvailable.optional(),
  etcdQuorum: oneOf('etcdQuorum value', ['kept', 'lost']).optional(),
  noLostWrites: z.boolean().optional(),
  rejoin: within(DEFAULTS.rejoinMs).optional(),
  vipHome: z.boolean().optional(),
  leaderElection: within(DEFAULTS.leaderElectionMs).optional(),
  etcdInSync: within(DEFAULTS.etcdInSyncMs).optional(),
  noCertErrors: z.boolean().optional(),
  certsRenewed: z.boolean().optional(),
  upgraded: z.boolean().optional(),
  snapshotRestore: z.boolean().optional(),
};

/** Also used on its own by fixture tests, whose `expect` is written as in a scenario file. */
export const expectationsInputSchema = strict(expectationFields).transform(
  (expect): Expectations => ({
    ...expect,
    splitBrain: expect.splitBrain ?? { maxMs: DEFAULTS.splitBrainMaxMs },
  }),
);

/**
 * Limits that differ by the lab's timing profile: `profiles.fast.apiUnavailable` replaces
 * `expect.apiUnavailable` on a lab brought up with `--timing fast`.
 */
const profilesInput = strict({
  default: strict(expectationFields).optional(),
  fast: strict(expectationFields).optional(),
});

const probeInterval = boundedMs(PROBE_INTERVAL_MIN_MS, PROBE_INTERVAL_MAX_MS);

export const scenarioInputSchema = strict({
  name: z
    .string({ error: 'expected a name' })
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { error: 'use lowercase letters, digits and dashes' }),
  description: z.string({ error: 'expected a one-line description' }).min(1),
  probes: strict({
    intervalMs: probeInterval.default(DEFAULTS.intervalMs),
    writeIntervalMs: probeInterval.default(DEFAULTS.writeIntervalMs),
  }).optional(),
  steps: z
    .array(stepInput, { error: 'expected a list of steps' })
    .min(1, { error: 'a scenario needs at least one step' })
    .max(MAX_STEPS, { error: `at most ${MAX_STEPS} steps` }),
  workload: workload.workload.optional(),
  expect: expectationsInputSchema.prefault({}),
  profiles: profilesInput.optional(),
})
  .superRefine((scenario, ctx) => {
    const seen = new Set<string>();
    const ops = new Set<string>();
    scenario.steps.forEach((step, index) => {
      if ('fault' in step || 'op' in step) {
        const id = step.id ?? ('op' in step ? defaultOpId(index) : defaultFaultId(index));
        if (seen.has(id) || ops.has(id)) {
          ctx.addIssue({
            code: 'custom',
            path: ['steps', index, 'id'],
            message: `step id "${id}" is used twice`,
          });
        }
        if ('fault' in step) seen.add(id);
        else ops.add(id);
      }
      if ('restore' in step && ops.has(step.restore)) {
        ctx.addIssue({
          code: 'custom',
          path: ['steps', index, 'restore'],
          message: `"${step.restore}" is an operation: it runs to its end, there is nothing to restore`,
        });
      } else if ('restore' in step && step.restore !== 'all' && !seen.has(step.restore)) {
        ctx.addIssue({
          code: 'custom',
          path: ['steps', index, 'restore'],
          message:
            seen.size === 0
              ? `no fault comes before this step, so there is nothing called "${step.restore}" to restore`
              : `no earlier fault has id "${step.restore}" (use "all" or one of ${[...seen].join(', ')})`,
        });
      }
    });
  })
  .superRefine(requireWorkloadForCheck)
  .transform((input): Scenario => ({
    name: input.name,
    description: input.description,
    probes: input.probes ?? {
      intervalMs: DEFAULTS.intervalMs,
      writeIntervalMs: DEFAULTS.writeIntervalMs,
    },
    steps: input.steps.map(toStep),
    ...(input.workload ? { workload: input.workload } : {}),
    expect: input.expect,
    ...(input.profiles ? { profiles: dropUndefined(input.profiles) } : {}),
  }));

function dropUndefined<T extends object>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export function defaultFaultId(stepIndex: number): string {
  return `f${stepIndex}`;
}

export function defaultOpId(stepIndex: number): string {
  return `op${stepIndex}`;
}

type StepInput = z.output<typeof stepInput>;

function toStep(step: StepInput, index: number): Step {
  if ('settle' in step) return { kind: 'settle', durationMs: step.settle };
  if ('observe' in step) return { kind: 'observe', durationMs: step.observe };
  if ('restore' in step) return { kind: 'restore', id: step.restore };
  if ('wait' in step) {
    return { kind: 'wait', until: step.wait, timeoutMs: step.timeout ?? DEFAULTS.waitTimeoutMs };
  }
  if ('op' in step) {
    return {
      kind: 'op',
      id: step.id ?? defaultOpId(index),
      op: step.op,
      target: step.target ?? OP_DEFAULT_TARGET[step.op],
      ...(step.to === undefined ? {} : { to: step.to }),
    };
  }
  return {
    kind: 'fault',
    id: step.id ?? defaultFaultId(index),
    fault: step.fault,
    target: step.target,
    ...(step.service === undefined ? {} : { service: step.service }),
  };
}
