import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Where the fault journal lives (the chaos layer writes it). The lab layer reads only this
 * much of it: a snapshot is refused while a fault is not undone, and a reset lab starts with
 * no journal at all.
 */
export function journalPath(stateDir: string): string {
  return join(stateDir, 'faults.json');
}

/** Entries not marked undone; an unreadable journal counts as one (it may hold anything). */
export async function pendingFaults(stateDir: string): Promise<number> {
  let text: string;
  try {
    text = await readFile(journalPath(stateDir), 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return 0;
    throw error;
  }
  try {
    const entries = (JSON.parse(text) as { entries?: { state?: string }[] }).entries ?? [];
    return entries.filter((e) => e.state !== 'undone').length;
  } catch {
    return 1;
  }
}

export async function clearFaultJournal(stateDir: string): Promise<void> {
  await rm(journalPath(stateDir), { force: true });
}
