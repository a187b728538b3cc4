import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument } from 'yaml';
import { UsageError } from '../../core/errors.js';
import { scenarioInputSchema } from './input-schema.js';
import { explainIssue } from './issue-message.js';
import { formatPath, lineOfPath } from '../../core/yaml-locate.js';
import type { Scenario } from './model.js';

/**
 * Parses scenario text. `fileLabel` is how the file is named in messages
 * ("scenarios/kill-master0.yaml"); every problem becomes one UsageError line
 * `file:line: field: what is wrong`.
 */
export function parseScenario(text: string, fileLabel: string): Scenario {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const syntax = doc.errors[0];
  if (syntax) {
    const line = lineCounter.linePos(syntax.pos[0]).line;
    throw invalid(`${fileLabel}:${line}: ${firstSentence(syntax.message)}`);
  }
  const input: unknown = doc.toJS();
  if (input === null || input === undefined) {
    throw invalid(
      `${fileLabel}:1: the file is empty; a scenario needs name, description and steps`,
    );
  }
  const result = scenarioInputSchema.safeParse(input);
  if (result.success) return result.data;

  const problems = result.error.issues
    .map((issue) => explainIssue(issue, input))
    .map((problem) => ({ ...problem, line: lineOfPath(doc, lineCounter, problem.path) }))
    .sort((a, b) => a.line - b.line);
  // Every problem, one line each, so a file is fixed in one go rather than one error a run.
  const lines = problems.map((problem) => {
    const field = problem.path.length > 0 ? `${formatPath(problem.path)}: ` : '';
    return `${fileLabel}:${problem.line}: ${field}${problem.message}`;
  });
  throw invalid(lines.join('\n'));
}

export interface LoadOptions {
  /** Built-in scenarios are looked up by name, so the name must be the file's basename. */
  nameMustMatchFile?: boolean;
}

export async function loadScenarioFile(path: string, options: LoadOptions = {}): Promise<Scenario> {
  const label = displayPath(path);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error);
    throw new UsageError('invalid-scenario', `${label}: cannot read scenario (${reason})`, {
      cause: error,
    });
  }
  const scenario = parseScenario(text, label);
  const expected = basename(path, extname(path));
  if (options.nameMustMatchFile && scenario.name !== expected) {
    throw invalid(`${label}:1: name: "${scenario.name}" must equal the file name "${expected}"`);
  }
  return scenario;
}

export interface BuiltinScenario {
  name: string;
  path: string;
  scenario: Scenario;
}

/** Every scenarios/*.yaml, sorted by name; a broken one fails the whole listing loudly. */
export async function listBuiltinScenarios(
  dir: string = builtinScenarioDir(),
): Promise<BuiltinScenario[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort();
  return Promise.all(
    files.map(async (file) => {
      const path = join(dir, file);
      const scenario = await loadScenarioFile(path, { nameMustMatchFile: true });
      return { name: scenario.name, path, scenario };
    }),
  );
}

/** A path to a .yaml file, or the name of a built-in scenario. */
export async function resolveScenario(
  nameOrPath: string,
  dir: string = builtinScenarioDir(),
): Promise<{ path: string; scenario: Scenario }> {
  if (/\.ya?ml$/.test(nameOrPath) || nameOrPath.includes('/')) {
    return { path: nameOrPath, scenario: await loadScenarioFile(nameOrPath) };
  }
  const path = join(dir, `${nameOrPath}.yaml`);
  if (!existsSync(path)) {
    const names = (await readdir(dir))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => basename(f, '.yaml'));
    throw new UsageError(
      'unknown-scenario',
      `unknown scenario "${nameOrPath}": use a .yaml path or one of ${names.sort().join(', ')}`,
    );
  }
  return { path, scenario: await loadScenarioFile(path, { nameMustMatchFile: true }) };
}

/** scenarios/ ships next to src/ and dist/ (package.json "files"); both sit three levels up. */
export function builtinScenarioDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'scenarios');
}

function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') || rel === '' ? path : rel;
}

function firstSentence(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function invalid(message: string): UsageError {
  return new UsageError('invalid-scenario', message);
}
