import { readFile, rename, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { journalPath } from '../../lab/fault-journal-file.js';

/**
 * Every fault is written here before it is applied, and marked when undone, so that
 * `ha-lab heal` can undo what another (perhaps killed) process left behind.
 */
const entrySchema = z.object({
  id: z.string(),
  runId: z.string(),
  fault: z.string(),
  node: z.string(),
  service: z.string().optional(),
  appliedAt: z.number(),
  state: z.enum(['applying', 'applied', 'undone', 'undo-failed']),
  message: z.string().optional(),
});
export type JournalEntry = z.infer<typeof entrySchema>;
const journalSchema = z.object({ entries: z.array(entrySchema) });

export { journalPath };

export async function readJournal(stateDir: string): Promise<JournalEntry[]> {
  try {
    const parsed = journalSchema.safeParse(
      JSON.parse(await readFile(journalPath(stateDir), 'utf8')),
    );
    return parsed.success ? parsed.data.entries : [];
  } catch {
    return [];
  }
}

let queue: Promise<unknown> = Promise.resolve();

/** Serialised read-modify-write with an atomic rename: concurrent undos never lose an entry. */
export function updateJournal(
  stateDir: string,
  change: (entries: JournalEntry[]) => JournalEntry[],
): Promise<void> {
  const next = queue.then(async () => {
    const entries = change(await readJournal(stateDir));
    const tmp = `${journalPath(stateDir)}.tmp-${process.pid}`;
    await writeFile(tmp, `${JSON.stringify({ entries }, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, journalPath(stateDir));
  });
  queue = next.catch(() => undefined);
  return next;
}

export function recordApplying(
  stateDir: string,
  entry: Omit<JournalEntry, 'state'>,
): Promise<void> {
  return updateJournal(stateDir, (entries) => [
    ...entries.filter(
      (e) => !(e.id === entry.id && e.runId === entry.runId && e.node === entry.node),
    ),
    { ...entry, state: 'applying' },
  ]);
}

export function markEntry(
  stateDir: string,
  key: Pick<JournalEntry, 'id' | 'runId' | 'node'>,
  state: JournalEntry['state'],
  message?: string,
): Promise<void> {
  return updateJournal(stateDir, (entries) =>
    entries.map((e) =>
      e.id === key.id && e.runId === key.runId && e.node === key.node
        ? { ...e, state, ...(message ? { message } : {}) }
        : e,
    ),
  );
}

/** Entries not yet undone: what heal must still take back, newest first. */
export function pendingEntries(entries: JournalEntry[]): JournalEntry[] {
  return entries.filter((e) => e.state !== 'undone').reverse();
}

/** Drops undone entries so the journal stays small across long soaks. */
export function compactJournal(stateDir: string): Promise<void> {
  return updateJournal(stateDir, (entries) => entries.filter((e) => e.state !== 'undone'));
}
