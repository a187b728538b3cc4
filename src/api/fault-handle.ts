import './dispose-symbol.js';
import { randomBytes } from 'node:crypto';
import { UsageError } from '../core/errors.js';
import type { FaultRecord } from '../chaos/history.js';
import { type Undo, injectFault } from '../chaos/faults/inject.js';
import { resolveTarget } from '../chaos/faults/resolve-target.js';
import {
  FAULT_KINDS,
  type FaultKind,
  SERVICES,
  type Service,
  TARGETS,
} from '../chaos/scenario/index.js';
import type { OpenLab } from '../lab/open-lab.js';

/** A node name ("master-0" ... "worker-2") or one resolved when applied. */
export type FaultTarget = (typeof TARGETS)[number];

export interface InjectOptions {
  /** For service-stop and service-kill: which service on the node. */
  service?: Service | undefined;
}

/** An applied fault. `undo()` is idempotent; `await using` undoes it at the end of the block. */
export interface FaultHandle extends AsyncDisposable {
  readonly id: string;
  readonly fault: FaultKind;
  /** The nodes it was applied to (a special target such as vip-holder resolved). */
  readonly nodes: string[];
  readonly appliedAt: number;
  undo(): Promise<void>;
}

/**
 * Applies one fault as a scenario step would: journalled first (so `ha-lab heal` can take it
 * back after a crash), on every node the target resolves to, each undo under its time limit.
 */
export async function applyFault(
  lab: OpenLab,
  fault: FaultKind,
  target: FaultTarget,
  options: InjectOptions,
  onRecord: (record: FaultRecord) => void,
): Promise<FaultHandle> {
  if (!(FAULT_KINDS as readonly string[]).includes(fault))
    throw new UsageError(
      'unknown-fault',
      `unknown fault "${fault}": use one of ${FAULT_KINDS.join(', ')}`,
    );
  if (!(TARGETS as readonly string[]).includes(target))
    throw new UsageError(
      'unknown-target',
      `unknown target "${target}": use one of ${TARGETS.join(', ')}`,
    );
  const service = options.service;
  const needsService = fault === 'service-stop' || fault === 'service-kill';
  if (needsService !== (service !== undefined) || (service && !SERVICES.includes(service)))
    throw new UsageError(
      'invalid-service',
      needsService
        ? `${fault} needs a service: one of ${SERVICES.join(', ')}`
        : `${fault} takes no service`,
    );
  const nodes = await resolveTarget(lab, target);
  const id = `api-${randomBytes(3).toString('hex')}`;
  const runId = `api-${Date.now().toString(36)}`;
  const appliedAt = Date.now();
  const settled = await Promise.allSettled(
    nodes.map((node) => injectFault(lab, { id, runId, fault, node, service }, onRecord)),
  );
  const undos = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) {
    // A fault applied to some nodes only is taken back before the error is reported.
    await undoAll(undos).catch(() => undefined);
    throw failed.reason;
  }
  const undo = () => undoAll(undos);
  return { id, fault, nodes, appliedAt, undo, [Symbol.asyncDispose]: undo };
}

async function undoAll(undos: Undo[]): Promise<void> {
  const results = await Promise.allSettled(undos.map((u) => u()));
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}
