import { homedir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument, type Document } from 'yaml';
import type * as z from 'zod';
import { UsageError } from '../../core/errors.js';
import { formatPath, lineOfPath } from '../../core/yaml-locate.js';
import { hostNodeIp, inventoryProblems, type Problem } from './checks.js';
import { fileProblems } from './files.js';
import type { Inventory } from './model.js';
import { inventoryInputSchema, type InventoryInput } from './schema.js';

export interface ParseOptions {
  /** Where relative identityFile and knownHosts paths start (default: the file's directory). */
  baseDir?: string;
}

/**
 * Parses inventory text. `fileLabel` is how the file is named in messages ("lab.yaml"); every
 * problem becomes one line `file:line: field: what is wrong`, all of them in one UsageError,
 * so a file is fixed in one go. Touches no file: loadInventory also checks the key files.
 */
export function parseInventory(
  text: string,
  fileLabel: string,
  options: ParseOptions = {},
): Inventory {
  const parsed = analyse(text, fileLabel);
  if (!parsed.ok) throw invalid(fileLabel, parsed.problems, parsed.lineOf);
  return toInventory(parsed.input, fileLabel, options.baseDir ?? dirname(resolve(fileLabel)));
}

/** Reads, parses and checks an inventory file, including that each key file is private. */
export async function loadInventory(path: string): Promise<Inventory> {
  const label = displayPath(path);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(error);
    throw new UsageError('invalid-inventory', `${label}: cannot read the inventory (${reason})`, {
      cause: error,
    });
  }
  const parsed = analyse(text, label);
  if (!parsed.ok) throw invalid(label, parsed.problems, parsed.lineOf);
  const inventory = toInventory(parsed.input, label, dirname(resolve(path)));
  const problems = await fileProblems(inventory);
  if (problems.length > 0) throw invalid(label, problems, parsed.lineOf);
  return inventory;
}

type Parsed =
  | { ok: true; input: InventoryInput; lineOf: LineOf }
  | { ok: false; problems: Problem[]; lineOf: LineOf };
type LineOf = (path: readonly PropertyKey[]) => number;

function analyse(text: string, fileLabel: string): Parsed {
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineOf: LineOf = (path) => lineOfPath(doc, lineCounter, path);
  const syntax = doc.errors[0];
  if (syntax) {
    const line = lineCounter.linePos(syntax.pos[0]).line;
    const message = syntax.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new UsageError('invalid-inventory', `${fileLabel}:${line}: ${message}`);
  }
  const raw: unknown = doc.toJS();
  if (raw === null || raw === undefined) {
    throw new UsageError(
      'invalid-inventory',
      `${fileLabel}:1: the file is empty; an inventory needs vip and hosts`,
    );
  }
  const result = inventoryInputSchema.safeParse(raw);
  if (!result.success) {
    return { ok: false, problems: result.error.issues.map((issue) => explain(issue, raw)), lineOf };
  }
  const problems = inventoryProblems(result.data);
  return problems.length > 0
    ? { ok: false, problems, lineOf }
    : { ok: true, input: result.data, lineOf };
}

/** A zod issue as the person editing the file should read it. */
function explain(issue: z.core.$ZodIssue, raw: unknown): Problem {
  const path = [...issue.path];
  if (issue.code === 'unrecognized_keys')
    return { path: [...path, issue.keys[0] ?? ''], message: issue.message };
  const missing = valueAt(raw, path) === undefined;
  if (
    missing &&
    (issue.code === 'invalid_type' ||
      issue.code === 'invalid_value' ||
      issue.code === 'invalid_union')
  ) {
    return { path, message: 'is required' };
  }
  return { path, message: issue.message };
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let node = input;
  for (const segment of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[segment];
  }
  return node;
}

function invalid(fileLabel: string, problems: Problem[], lineOf: LineOf): UsageError {
  const lines = problems
    .map((problem) => ({ ...problem, line: lineOf(problem.path) }))
    .sort((a, b) => a.line - b.line)
    .map(
      (p) =>
        `${fileLabel}:${p.line}: ${p.path.length > 0 ? `${formatPath(p.path)}: ` : ''}${p.message}`,
    );
  return new UsageError('invalid-inventory', lines.join('\n'));
}

function toInventory(input: InventoryInput, file: string, baseDir: string): Inventory {
  return {
    file,
    vip: { ...input.vip },
    hosts: input.hosts.map((host) => ({
      name: host.name,
      address: host.address,
      port: host.port,
      user: host.user,
      ...(host.identityFile === undefined
        ? {}
        : { identityFile: userPath(host.identityFile, baseDir) }),
      agent: host.agent === true,
      role: host.role,
      // Checked by inventoryProblems: every host has an IPv4 cluster address.
      nodeIp: hostNodeIp(host)!,
      ...(host.internalAddress === undefined ? {} : { internalAddress: host.internalAddress }),
      ...(host.powerOff === undefined ? {} : { powerOff: [...host.powerOff] }),
      ...(host.powerOn === undefined ? {} : { powerOn: [...host.powerOn] }),
    })),
    ...(input.knownHosts === undefined ? {} : { knownHosts: userPath(input.knownHosts, baseDir) }),
  };
}

/** `~/x` as the shell would expand it; relative paths mean the same from any working directory. */
function userPath(path: string, baseDir: string): string {
  if (path === '~') return homedir();
  if (path.startsWith('~/')) return join(homedir(), path.slice(2));
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') || rel === '' ? path : rel;
}
