import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import type { Problem } from './checks.js';
import type { Inventory } from './model.js';

/**
 * The files an inventory names, checked before any connection: a private key others can read
 * is refused (as OpenSSH refuses it), and a missing file is named with the field that names it.
 * A key shared by several hosts is reported once, on the first host that uses it.
 */
export async function fileProblems(inventory: Inventory): Promise<Problem[]> {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const [index, host] of inventory.hosts.entries()) {
    const file = host.identityFile;
    if (file === undefined || seen.has(file)) continue;
    seen.add(file);
    const problem = await privateKeyProblem(file);
    if (problem) problems.push({ path: ['hosts', index, 'identityFile'], message: problem });
  }
  if (inventory.knownHosts !== undefined) {
    const problem = await readableProblem(inventory.knownHosts);
    if (problem) problems.push({ path: ['knownHosts'], message: problem });
  }
  return problems;
}

async function privateKeyProblem(file: string): Promise<string | undefined> {
  const unreadable = await readableProblem(file);
  if (unreadable) return unreadable;
  const mode = (await stat(file)).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    return `${file} is open to group or others (mode ${mode.toString(8).padStart(4, '0')}): run chmod 600 ${file}`;
  }
  return undefined;
}

async function readableProblem(file: string): Promise<string | undefined> {
  try {
    const info = await stat(file);
    if (!info.isFile()) return `${file} is not a file`;
    await access(file, constants.R_OK);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return `cannot read ${file} (no such file)`;
    if (code === 'EACCES') return `cannot read ${file} (permission denied)`;
    return `cannot read ${file} (${(error as Error).message})`;
  }
}
