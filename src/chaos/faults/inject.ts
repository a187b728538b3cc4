import { containerName } from '../../core/topology.js';
import { withTimeout } from '../../core/wait.js';
import type { OpenLab } from '../../lab/open-lab.js';
import type { FaultRecord } from '../history.js';
import { faultKind } from './fault-kinds.js';
import { markEntry, recordApplying } from './fault-journal.js';

export type Undo = () => Promise<void>;

export interface FaultRequest {
  id: string;
  runId: string;
  fault: string;
  node: string;
  service?: string | undefined;
}

export const UNDO_TIME_LIMIT_MS = 60_000;

/** Faults done through the machine's power (the engine, or an inventory's power commands). */
const POWER_FAULTS = new Set(['kill', 'stop', 'restart', 'pause']);

/**
 * Applies one fault to one node and returns its undo (pumba's model). The fault is journalled
 * before it is applied; the undo runs under its own time limit, is idempotent, and records
 * whether it worked.
 */
export async function injectFault(
  lab: OpenLab,
  request: FaultRequest,
  onRecord: (record: FaultRecord) => void,
): Promise<Undo> {
  const kind = faultKind(request.fault);
  // Whoever watches (a report, a dashboard being closed) must never break an apply or an undo.
  const report = (record: FaultRecord) => {
    try {
      onRecord(record);
    } catch {
      // the record is lost to that watcher; the journal below still has the truth
    }
  };
  const key = { id: request.id, runId: request.runId, node: request.node };
  const spec = { fault: request.fault, node: request.node, service: request.service };
  await recordApplying(lab.stateDir, {
    ...key,
    fault: request.fault,
    ...(request.service ? { service: request.service } : {}),
    appliedAt: Date.now(),
  });
  const target = request.service ? `${request.node}/${request.service}` : request.node;
  const base = {
    type: 'fault' as const,
    id: request.id,
    fault: request.fault,
    target: request.node,
    ...(request.service ? { service: request.service } : {}),
  };
  // The fault's time is when it was issued: a SIGKILL takes effect before the call returns.
  const issuedAt = Date.now();
  await kind.apply(lab, spec);
  const method = POWER_FAULTS.has(request.fault)
    ? lab.provider.powerMethod?.(containerName(lab.lab, request.node))
    : undefined;
  report({ ...base, at: issuedAt, phase: 'applied', ...(method ? { method } : {}) });
  await markEntry(lab.stateDir, key, 'applied');
  let undone: Promise<void> | undefined;
  return () => {
    undone ??= (async () => {
      const undoIssuedAt = Date.now();
      try {
        await withTimeout(`undo of ${request.fault} on ${target}`, UNDO_TIME_LIMIT_MS, () =>
          kind.undo(lab, spec),
        );
        report({ ...base, at: Date.now(), issuedAt: undoIssuedAt, phase: 'undone' });
        await markEntry(lab.stateDir, key, 'undone');
      } catch (error) {
        const message = (error as Error).message.split('\n')[0] ?? 'undo failed';
        report({ ...base, at: Date.now(), phase: 'undo-failed', message });
        await markEntry(lab.stateDir, key, 'undo-failed', message);
        undone = undefined;
        throw error;
      }
    })();
    return undone;
  };
}
