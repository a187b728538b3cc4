import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { parse } from 'yaml';

export interface ActionStep {
  id?: string;
  name?: string;
  if?: string;
  shell?: string;
  run?: string;
  uses?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}

export interface ActionMetadata {
  name: string;
  description: string;
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

export interface StepRun {
  name: string;
  outcome: 'success' | 'failure' | 'skipped';
  uses?: string;
}

export interface ActionRun {
  outputs: Record<string, string>;
  steps: StepRun[];
  /** Artifact name -> files uploaded (relative to the artifact's root). */
  artifacts: Record<string, string[]>;
  artifactDir: string;
  log: string;
}

export async function readAction(actionDir: string): Promise<ActionMetadata> {
  return parse(await readFile(join(actionDir, 'action.yml'), 'utf8')) as ActionMetadata;
}

/**
 * Runs a composite action's steps the way a GitHub runner does: `${{ }}` expressions over
 * inputs, github, runner and earlier steps' outputs substituted; each `run:` in bash with
 * `-eo pipefail`, GITHUB_OUTPUT a fresh file per step; `if:` with success()/always()/failure();
 * actions/cache skipped; actions/upload-artifact copies the matched files to a local folder.
 */
export async function runAction(
  actionDir: string,
  given: Record<string, string>,
  workspace: string,
  env: Record<string, string> = {},
): Promise<ActionRun> {
  const action = await readAction(actionDir);
  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(action.inputs))
    inputs[name] = given[name] ?? spec.default ?? '';
  const temp = await mkdtemp(join(tmpdir(), 'ha-lab-runner-'));
  const artifactDir = join(temp, 'artifacts');
  const outputs: Record<string, Record<string, string>> = {};
  const steps: StepRun[] = [];
  const artifacts: Record<string, string[]> = {};
  let failed = false;
  let log = '';
  const expand = (text: string) =>
    text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_m, expr: string) => evaluate(expr));
  const evaluate = (expr: string): string => {
    let m: RegExpExecArray | null;
    if ((m = /^inputs\.([\w-]+)$/.exec(expr))) return inputs[m[1]!] ?? '';
    if ((m = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expr)))
      return outputs[m[1]!]?.[m[2]!] ?? '';
    if (expr === 'github.action_path') return actionDir;
    if (expr === 'runner.os') return 'Linux';
    throw new Error(`the harness does not know the expression "${expr}"`);
  };
  for (const [index, step] of action.runs.steps.entries()) {
    const name = step.name ?? step.id ?? `step ${index + 1}`;
    const condition = (step.if ?? 'success()').trim();
    const runs =
      condition === 'always()'
        ? true
        : condition === 'success()'
          ? !failed
          : condition === 'failure()'
            ? failed
            : undefined;
    if (runs === undefined)
      throw new Error(`the harness does not know the condition "${condition}"`);
    if (!runs) {
      steps.push({ name, outcome: 'skipped', ...(step.uses ? { uses: step.uses } : {}) });
      continue;
    }
    if (step.uses) {
      const uses = step.uses;
      if (uses.startsWith('actions/upload-artifact@')) {
        const w = Object.fromEntries(
          Object.entries(step.with ?? {}).map(([k, v]) => [k, expand(String(v))]),
        );
        artifacts[w.name!] = await upload(workspace, w.path!, join(artifactDir, w.name!));
      } else if (!uses.startsWith('actions/cache@'))
        throw new Error(`the harness cannot run ${uses}`);
      steps.push({ name, outcome: 'success', uses });
      continue;
    }
    const outputFile = join(temp, `output-${index}`);
    await writeFile(outputFile, '');
    const script = join(temp, `step-${index}.sh`);
    await writeFile(script, expand(step.run ?? ''));
    const stepEnv = Object.fromEntries(
      Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(String(v))]),
    );
    const code = await new Promise<number>((resolve) => {
      const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
        cwd: workspace,
        env: {
          ...process.env,
          ...env,
          ...stepEnv,
          GITHUB_ACTION_PATH: actionDir,
          GITHUB_WORKSPACE: workspace,
          GITHUB_OUTPUT: outputFile,
          GITHUB_STEP_SUMMARY: join(temp, 'summary.md'),
          RUNNER_OS: 'Linux',
          RUNNER_TEMP: temp,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
      child.on('close', (status) => resolve(status ?? 1));
    });
    if (step.id) outputs[step.id] = parseOutputs(await readFile(outputFile, 'utf8'));
    if (code !== 0) failed = true;
    steps.push({ name, outcome: code === 0 ? 'success' : 'failure' });
  }
  const result: Record<string, string> = {};
  for (const [name, spec] of Object.entries(action.outputs)) result[name] = expand(spec.value);
  return { outputs: result, steps, artifacts, artifactDir, log };
}

/** GITHUB_OUTPUT lines: `key=value` and `key<<DELIM ... DELIM`. */
export function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([\w-]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1);
      out[heredoc[1]!] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (line.includes('='))
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
  }
  return out;
}

/** upload-artifact's `path`: a folder, or `folder/**\/name`. Copies what matched. */
async function upload(workspace: string, pattern: string, to: string): Promise<string[]> {
  const deep = /^(.*)\/\*\*\/([^/*]+)$/.exec(pattern);
  const base = join(workspace, deep ? deep[1]! : pattern);
  const files = (await walk(base)).filter((f) => !deep || basename(f) === deep[2]);
  await mkdir(to, { recursive: true });
  for (const file of files) await cp(file, join(to, relative(base, file)), { recursive: true });
  return files.map((f) => relative(base, f)).sort();
}

async function walk(dir: string): Promise<string[]> {
  if (!(await stat(dir).catch(() => undefined))?.isDirectory()) return [];
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await walk(path)));
    else found.push(path);
  }
  return found;
}
