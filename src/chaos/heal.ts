import type { OpenLab } from '../lab/open-lab.js';
import { withTimeout } from '../core/wait.js';
import { faultKind } from './faults/fault-kinds.js';
import { compactJournal, markEntry, pendingEntries, readJournal } from './faults/fault-journal.js';
import { UNDO_TIME_LIMIT_MS } from './faults/inject.js';

export interface HealResult {
  undone: string[];
  failed: string[];
}

/** Undoes every fault the journal still lists, newest first, e.g. after a kill -9 of a run. */
export async function heal(lab: OpenLab): Promise<HealResult> {
  const undone: string[] = [];
  const failed: string[] = [];
  for (const entry of pendingEntries(await readJournal(lab.stateDir))) {
    const label = `${entry.fault} on ${entry.node}${entry.service ? `/${entry.service}` : ''}`;
    try {
      const spec = { fault: entry.fault, node: entry.node, service: entry.service };
      await withTimeout(`undo of ${label}`, UNDO_TIME_LIMIT_MS, () =>
        faultKind(entry.fault).undo(lab, spec),
      );
      await markEntry(lab.stateDir, entry, 'undone');
      undone.push(label);
    } catch (error) {
      await markEntry(lab.stateDir, entry, 'undo-failed', (error as Error).message.split('\n')[0]);
      failed.push(label);
    }
  }
  await compactJournal(lab.stateDir);
  return { undone, failed };
}
