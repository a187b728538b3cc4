import { samplesOf, type FaultRecord, type History } from '../history.js';
import { MASTER_NAMES, NODE_TARGETS } from '../scenario/names.js';
import { leaderOf } from './etcd-view.js';
import { byTime, type CheckContext, type FaultWindow } from './verdict.js';
import { soleHolderBefore } from './vip-view.js';

export interface ContextOptions {
  masters?: string[];
  nodes?: string[];
}

/**
 * Rebuilds the faults from their records. A fault on several nodes may be one record
 * with comma-separated targets or one record per node under the same id. A runner should
 * record resolved node names; a special target left in a record is resolved here from the
 * samples, so the checkers never see "vip-holder".
 */
export function buildCheckContext(history: History, options: ContextOptions = {}): CheckContext {
  const masters = options.masters ?? MASTER_NAMES;
  const nodes = options.nodes ?? NODE_TARGETS;
  const windows = new Map<string, FaultWindow>();
  for (const record of byTime(samplesOf(history, 'fault'))) {
    const window = windows.get(record.id) ?? {
      id: record.id,
      fault: record.fault,
      targets: [],
      appliedAt: record.at,
      ...(record.service ? { service: record.service } : {}),
      undoneAt: null,
      undoIssuedAt: null,
      undoFailed: false,
    };
    if (record.phase === 'applied') {
      if (record.method) window.method = record.method;
      window.appliedAt = Math.min(window.appliedAt, record.at);
      for (const target of resolveTargets(history, record, masters, nodes)) {
        if (!window.targets.includes(target)) window.targets.push(target);
      }
    } else if (record.phase === 'undone') {
      window.undoneAt = Math.max(window.undoneAt ?? record.at, record.at);
      const issued = record.issuedAt ?? record.at;
      window.undoIssuedAt = Math.max(window.undoIssuedAt ?? issued, issued);
    } else {
      window.undoFailed = true;
    }
    windows.set(record.id, window);
  }
  for (const window of operationWindows(history)) windows.set(window.id, window);
  const faults = [...windows.values()].sort((a, b) => a.appliedAt - b.appliedAt);
  return { masters, nodes, faults };
}

function resolveTargets(
  history: History,
  record: FaultRecord,
  masters: string[],
  nodes: readonly string[],
): string[] {
  return record.target
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0)
    .flatMap((target) => {
      if (target === 'all-masters') return masters;
      if (target === 'all-nodes') return nodes;
      if (target === 'vip-holder') {
        const holder = soleHolderBefore(byTime(samplesOf(history, 'vip')), record.at);
        return holder ? [holder] : [];
      }
      if (target === 'etcd-leader') {
        const before = byTime(samplesOf(history, 'etcd')).filter((s) => s.at < record.at);
        const leader = before.length > 0 ? leaderOf(before[before.length - 1]!) : undefined;
        return leader ? [leader] : [];
      }
      return [target];
    });
}

/**
 * Operations as windows: from `started` to `done` the lab was disturbed on purpose, and the
 * end is when it must recover, exactly as after an undo. A failed operation counts as a
 * failed undo; one still running at the end, as a fault never undone.
 */
function operationWindows(history: History): FaultWindow[] {
  const windows = new Map<string, FaultWindow>();
  for (const record of byTime(samplesOf(history, 'op'))) {
    if (record.phase === 'started') {
      windows.set(record.id, {
        id: record.id,
        fault: record.op,
        targets: record.target.split(',').filter((t) => t.length > 0),
        appliedAt: record.at,
        undoneAt: null,
        undoIssuedAt: null,
        undoFailed: false,
        operation: true,
        services: record.restarts ?? [],
      });
      continue;
    }
    const window = windows.get(record.id);
    if (!window || record.phase === 'step') continue;
    window.undoneAt = record.at;
    window.undoIssuedAt = record.at;
    window.undoFailed = record.phase === 'failed';
  }
  return [...windows.values()];
}
