import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as z from 'zod';
import { afterAll, describe, expect, it } from 'vitest';
import { parseOutputs, readAction, runAction } from '../../support/action-runner.js';

const temps: string[] = [];
afterAll(async () => {
  for (const dir of temps) await rm(dir, { recursive: true, force: true });
});
async function temp(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ha-lab-action-'));
  temps.push(dir);
  return dir;
}

// GitHub's metadata syntax for a composite action, as far as action.yml uses it.
const step = z.union([
  z.strictObject({
    id: z
      .string()
      .regex(/^[a-z][\w-]*$/)
      .optional(),
    name: z.string(),
    if: z.string().optional(),
    shell: z.literal('bash'),
    run: z.string().min(1),
    env: z.record(z.string(), z.string()).optional(),
  }),
  z.strictObject({
    id: z.string().optional(),
    name: z.string(),
    if: z.string().optional(),
    uses: z.string().regex(/^[\w-]+\/[\w-]+@v\d+$/),
    with: z.record(z.string(), z.string()).optional(),
  }),
]);
const metadata = z.strictObject({
  name: z.string(),
  description: z.string(),
  author: z.string().optional(),
  branding: z.strictObject({ icon: z.string(), color: z.string() }).optional(),
  inputs: z.record(
    z.string().regex(/^[a-z][\w-]*$/),
    z.strictObject({ description: z.string(), required: z.boolean(), default: z.string() }),
  ),
  outputs: z.record(z.string(), z.strictObject({ description: z.string(), value: z.string() })),
  runs: z.strictObject({ using: z.literal('composite'), steps: z.array(step).min(1) }),
});

describe('action.yml', () => {
  it('is a composite action in GitHub metadata syntax, with every expression resolvable', async () => {
    const action = metadata.parse(await readAction('.'));
    const ids = action.runs.steps.map((s) => s.id).filter(Boolean);
    expect(new Set(ids).size).toBe(ids.length);
    const text = await readFile('action.yml', 'utf8');
    for (const [, expr] of text.matchAll(/\$\{\{\s*([^}]+?)\s*\}\}/g)) {
      const input = /^inputs\.([\w-]+)$/.exec(expr!);
      const output = /^steps\.([\w-]+)\.outputs\.[\w-]+$/.exec(expr!);
      if (input) expect(Object.keys(action.inputs)).toContain(input[1]);
      else if (output) expect(ids).toContain(output[1]);
      else expect(['github.action_path', 'runner.os']).toContain(expr);
    }
    // Inputs reach scripts only through env: an expression inside `run:` would be injectable.
    for (const s of action.runs.steps) if ('run' in s) expect(s.run).not.toMatch(/\$\{\{/);
  });

  it('has the inputs and outputs the README documents, and caches ~/.cache/ha-lab', async () => {
    const action = metadata.parse(await readAction('.'));
    expect(Object.keys(action.inputs)).toEqual(
      expect.arrayContaining(['scenarios', 'kubernetes-version', 'timing', 'report-dir']),
    );
    expect(Object.keys(action.outputs)).toEqual(
      expect.arrayContaining(['passed', 'failover-ms', 'api-unavailable-ms']),
    );
    const cache = action.runs.steps.find((s) => 'uses' in s && s.uses.startsWith('actions/cache'));
    expect(cache && 'with' in cache ? cache.with?.path : undefined).toBe('~/.cache/ha-lab');
    const uploads = action.runs.steps.filter(
      (s) => 'uses' in s && s.uses.startsWith('actions/upload-artifact'),
    );
    expect(uploads.map((s) => s.if)).toEqual(['always()', 'always()']);
  });
});

describe('examples/workflow.yml', () => {
  const actionlint = () =>
    execFileSync('bash', ['scripts/ensure-actionlint.sh'], { encoding: 'utf8' }).trim();

  it('passes actionlint (built from its Go module)', { timeout: 600_000 }, () => {
    const r = spawnSync(actionlint(), ['-no-color', 'examples/workflow.yml'], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('actionlint would catch a broken copy of it', { timeout: 600_000 }, async () => {
    const dir = await temp();
    const broken = (await readFile('examples/workflow.yml', 'utf8')).replace(
      'steps.ha-lab.outputs.passed',
      'steps.ha-lab.outputs.passed }} ${{ matrix.nothing',
    );
    await writeFile(join(dir, 'workflow.yml'), broken);
    const r = spawnSync(actionlint(), ['-no-color', join(dir, 'workflow.yml')], {
      encoding: 'utf8',
    });
    expect(r.status).not.toBe(0);
    expect(r.stdout).toMatch(/matrix/);
  });
});

describe('the runner harness', () => {
  it('parses GITHUB_OUTPUT lines and heredocs', () => {
    expect(parseOutputs('a=1\nb<<EOF\nx\ny\nEOF\nc=z=3\n')).toEqual({
      a: '1',
      b: 'x\ny',
      c: 'z=3',
    });
  });

  it('runs steps as a runner would: env expressions, outputs, success() after a failure, uploads', async () => {
    const dir = await temp();
    const workspace = join(dir, 'ws');
    await mkdir(workspace);
    await writeFile(
      join(dir, 'action.yml'),
      [
        'name: t',
        'description: t',
        'inputs:',
        '  word: { description: w, required: false, default: hello }',
        'outputs:',
        '  said: { description: s, value: "${{ steps.say.outputs.said }}" }',
        'runs:',
        '  using: composite',
        '  steps:',
        '    - { uses: actions/cache@v4, name: cache, with: { path: x, key: y } }',
        '    - id: say',
        '      name: say',
        '      shell: bash',
        '      env: { WORD: "${{ inputs.word }}" }',
        '      run: |',
        '        mkdir -p out/a && echo "$WORD" > out/a/junit.xml',
        '        echo "said=$WORD from $(basename "$GITHUB_ACTION_PATH")" >> "$GITHUB_OUTPUT"',
        '        false',
        '    - { name: never, shell: bash, run: "touch never" }',
        '    - { name: up, if: always(), uses: actions/upload-artifact@v4, with: { name: j, path: "out/**/junit.xml" } }',
        '',
      ].join('\n'),
    );
    const run = await runAction(dir, { word: 'bye' }, workspace);
    expect(run.outputs.said).toBe(`bye from ${dir.split('/').at(-1)}`);
    expect(run.steps.map((s) => s.outcome)).toEqual(['success', 'failure', 'skipped', 'success']);
    expect(run.artifacts).toEqual({ j: ['a/junit.xml'] });
    expect((await readFile(join(run.artifactDir, 'j', 'a', 'junit.xml'), 'utf8')).trim()).toBe(
      'bye',
    );
  });
});

describe('scripts/action-outputs.mjs', () => {
  it('sets passed and the worst figures over every report.json', async () => {
    const dir = await temp();
    const report = (passed: boolean, failoverMs: number, unavailableMs: number) =>
      JSON.stringify({
        passed,
        verdicts: [
          { check: 'vipFailover', passed, figures: { failoverMs } },
          { check: 'apiUnavailable', passed, figures: { unavailableMs } },
        ],
      });
    for (const [name, content] of [
      ['a', report(true, 1200, 2100)],
      ['b', report(true, 1900, 800)],
    ] as const) {
      await mkdir(join(dir, name));
      await writeFile(join(dir, name, 'report.json'), content);
    }
    const outputs = (status: string) =>
      parseOutputs(
        execFileSync('node', ['scripts/action-outputs.mjs', dir, status], { encoding: 'utf8' }),
      );
    expect(outputs('0')).toMatchObject({
      passed: 'true',
      'failover-ms': '1900',
      'api-unavailable-ms': '2100',
      reports: '2',
    });
    expect(outputs('3').passed).toBe('false');
    await writeFile(join(dir, 'b', 'report.json'), report(false, 9000, 0));
    expect(outputs('0')).toMatchObject({ passed: 'false', 'failover-ms': '9000' });
  });
});
