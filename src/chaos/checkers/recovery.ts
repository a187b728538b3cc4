import {
  type Judgement,
  type NodeRequirement,
  type WholeRequirement,
  judgeWhole,
} from '../../lab/evidence/judge-whole.js';
import type { EvidenceSample } from '../history.js';
import type { CheckContext, FaultWindow } from './verdict.js';

/** Faults that stop every process of a node: all of them must start again. */
const WHOLE_NODE_FAULTS = new Set(['kill', 'stop', 'restart']);
const SERVICE_FAULTS = new Set(['service-stop', 'service-kill']);

/** When a fault's undo began: older histories only know when it finished. */
export function undoBegan(fault: FaultWindow): number | null {
  return fault.undoIssuedAt ?? fault.undoneAt;
}

/**
 * What "recovered" demands after this run's faults: every node of the lab whole, and on each
 * faulted node a kubelet lease renewed after its undo began and a fresh process for whatever
 * the fault stopped. A paused, partitioned or VRRP-blocked node keeps its processes.
 */
export function recoveryRequirement(context: CheckContext): WholeRequirement {
  const nodes = new Map<string, NodeRequirement>(
    context.nodes.map((name) => [
      name,
      { name, role: context.masters.includes(name) ? 'master' : 'worker' },
    ]),
  );
  for (const fault of context.faults) {
    const began = undoBegan(fault);
    for (const target of fault.targets) {
      const node = nodes.get(target);
      if (!node) continue;
      if (began !== null) node.since = Math.max(node.since ?? began, began);
      const stopped = stoppedBy(fault);
      if (!stopped) continue;
      node.stoppedAt = Math.max(node.stoppedAt ?? fault.appliedAt, fault.appliedAt);
      node.restarted =
        stopped === 'all' || node.restarted === 'all'
          ? 'all'
          : [...new Set([...(node.restarted ?? []), ...stopped])];
    }
  }
  return { nodes: [...nodes.values()] };
}

function stoppedBy(fault: FaultWindow): 'all' | string[] | undefined {
  if (fault.operation)
    return fault.services && fault.services.length > 0 ? fault.services : undefined;
  if (WHOLE_NODE_FAULTS.has(fault.fault)) return 'all';
  return SERVICE_FAULTS.has(fault.fault) && fault.service ? [fault.service] : undefined;
}

/**
 * Whole again by the one definition, on a reading taken after every undo so far began: a
 * reading from before an undo can prove nothing about what came after it.
 */
export function recoveredSince(
  reading: EvidenceSample | undefined,
  context: CheckContext,
): Judgement {
  const undos = context.faults.map(undoBegan);
  if (!reading) return { whole: false, missing: ['no evidence read yet'] };
  if (undos.some((u) => u === null)) return { whole: false, missing: ['a fault is still active'] };
  if (reading.at < Math.max(0, ...(undos as number[])))
    return { whole: false, missing: ['no reading since the last undo'] };
  return judgeWhole(reading, recoveryRequirement(context));
}
