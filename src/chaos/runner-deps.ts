import { masters } from '../core/topology.js';
import type { OpenLab } from '../lab/open-lab.js';
import { deployWorkload, removeWorkload } from '../lab/workload.js';
import { expectedVipHolderAfterRestore } from '../provision/keepalived.js';
import type { HistoryEntry } from './history.js';
import { runOperation } from './ops/run-op.js';
import { cleanupRun, finalReadback, finalWrite, hashKvAll } from './post-run.js';
import { prepareStartingState } from './prepare.js';
import { startEvidenceProbe } from './probes/evidence-probe.js';
import { startProbes } from './probes/probe-set.js';

/**
 * What the runner reaches besides the provider: the lab's network endpoints (the API through
 * the VIP, etcd), through the probes, the starting-state check and the read-back. The product
 * always runs with LIVE_RUNNER_DEPS; a unit test of the step loop replaces them, since a fake
 * provider has no API server to answer.
 */
export interface RunnerDeps {
  prepareStartingState: typeof prepareStartingState;
  startProbes: typeof startProbes;
  startEvidenceProbe: typeof startEvidenceProbe;
  finalReadback: typeof finalReadback;
  finalWrite: typeof finalWrite;
  hashKvAll: typeof hashKvAll;
  cleanupRun: typeof cleanupRun;
  runOperation: typeof runOperation;
  deployWorkload: typeof deployWorkload;
  removeWorkload: typeof removeWorkload;
}

export const LIVE_RUNNER_DEPS: RunnerDeps = {
  prepareStartingState,
  startProbes,
  startEvidenceProbe,
  finalReadback,
  finalWrite,
  hashKvAll,
  cleanupRun,
  runOperation,
  deployWorkload,
  removeWorkload,
};

export function latest<T extends HistoryEntry['type']>(
  entries: HistoryEntry[],
  type: T,
): Extract<HistoryEntry, { type: T }> | undefined {
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i];
    if (e?.type === type) return e as Extract<HistoryEntry, { type: T }>;
  }
  return undefined;
}

/**
 * Where the VIP should end up: with preemption the top priority; without, whoever held it
 * during the fault. After a split brain the highest priority of the holders wins the election.
 */
export function expectedHolder(lab: OpenLab, holders: string[] | undefined): string {
  const byPriority = [...masters(lab.topology)].sort((a, b) => b.priority - a.priority);
  const top = byPriority[0]?.name ?? 'master-0';
  if (!holders || holders.length === 0) return top;
  if (holders.length > 1) return byPriority.find((m) => holders.includes(m.name))?.name ?? top;
  return expectedVipHolderAfterRestore(lab.topology, holders[0] ?? top, lab.state.preempt);
}
