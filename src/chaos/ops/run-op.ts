import { UsageError } from '../../core/errors.js';
import { withTimeout } from '../../core/wait.js';
import { readLabState } from '../../lab/lab-state.js';
import type { OpenLab } from '../../lab/open-lab.js';
import { checkUpgrade } from '../../lab/upgrade/upgrade-lab.js';
import { resolveTarget } from '../faults/resolve-target.js';
import type { HistoryEntry, OpRecord } from '../history.js';
import type { OpKind, OpStep, Scenario } from '../scenario/model.js';
import { etcdMemberReplace } from './etcd-member-replace.js';
import { etcdSnapshotRestore } from './etcd-snapshot-restore.js';
import { firstLine, newOpContext, type Operation } from './op-context.js';
import { renewCerts } from './renew-certs.js';
import { upgrade } from './upgrade.js';

export const OPERATIONS: Record<OpKind, Operation> = {
  'etcd-member-replace': etcdMemberReplace,
  'renew-certs': renewCerts,
  'etcd-snapshot-restore': etcdSnapshotRestore,
  upgrade,
};

/** Generous for a slow laptop, bounded so a stuck step cannot park a run. */
export const OP_TIME_LIMIT_MS = 10 * 60_000;
/** An upgrade touches six nodes one at a time, and may build its target's binaries first. */
const UPGRADE_TIME_LIMIT_MS = 30 * 60_000;

export interface OpRunOptions {
  runId: string;
  record: (entry: HistoryEntry) => void;
  log: (line: string) => void;
  /** The engine going away; Ctrl-C does not stop an operation half-way (see runOperation). */
  signal: AbortSignal;
}

/**
 * Runs one day-2 operation to its end, recording when it started, each step, and how it
 * ended. Like an undo it is not cut short by Ctrl-C: a member removed but not yet re-added,
 * or a data dir wiped but not restored, is worse than waiting for the operation to finish
 * under its own time limit.
 */
export async function runOperation(
  lab: OpenLab,
  step: OpStep,
  options: OpRunOptions,
): Promise<void> {
  const operation = OPERATIONS[step.op];
  const targets = await resolveTarget(lab, step.target);
  const target = targets.join(',');
  const startedAt = Date.now();
  const base = { type: 'op' as const, id: step.id, op: step.op, target };
  options.record({ ...base, at: startedAt, phase: 'started', restarts: operation.restarts });
  const end = (phase: OpRecord['phase'], message?: string): OpRecord => ({
    ...base,
    at: Date.now(),
    phase,
    startedAt,
    durationMs: Date.now() - startedAt,
    ...(message ? { message } : {}),
  });
  try {
    const limit = step.op === 'upgrade' ? UPGRADE_TIME_LIMIT_MS : OP_TIME_LIMIT_MS;
    await withTimeout(`operation ${step.op}`, limit, (timeout) =>
      operation.run(
        newOpContext(
          {
            lab,
            id: step.id,
            op: step.op,
            targets,
            to: step.to,
            runId: options.runId,
            signal: AbortSignal.any([options.signal, timeout]),
            record: options.record,
            log: options.log,
          },
          target,
        ),
      ),
    );
    options.record(end('done'));
  } catch (error) {
    options.record(end('failed', firstLine(error)));
    throw error;
  }
}

/** Throws a UsageError (exit 2) when a step's operation cannot run on this lab as it is now. */
export async function checkOperationFits(lab: OpenLab, scenario: Scenario): Promise<void> {
  if (lab.state.inventory) refuseOnHosts(scenario);
  for (const step of scenario.steps) {
    if (step.kind !== 'op' || step.op !== 'upgrade') continue;
    const state = (await readLabState(lab.lab)) ?? lab.state;
    checkUpgrade({ state }, step.to ?? '');
  }
}

/**
 * What an inventory lab cannot run yet, refused before anything is touched (exit 2): the
 * upgrade stages its images through the Docker engine, and so does the workload's image.
 */
function refuseOnHosts(scenario: Scenario): void {
  const upgrade = scenario.steps.some((s) => s.kind === 'op' && s.op === 'upgrade');
  const why = upgrade
    ? 'an upgrade stages its images through a Docker engine'
    : scenario.workload
      ? "the workload's image is loaded through a Docker engine"
      : undefined;
  if (why) {
    throw new UsageError(
      'not-on-inventory',
      `scenario "${scenario.name}" cannot run on an inventory lab (${why}): run it on a Docker lab`,
    );
  }
}
