import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction } from '../support/action-runner.js';
import { labContainers, removeLab } from '../support/library-labs.js';

const root = resolve(import.meta.dirname, '../..');
const lab = `lib-action-${process.pid.toString(36)}`;
let work = '';
let actionDir = '';

/**
 * The action as a runner checks it out: the repository's files (this worktree's HEAD plus its
 * built dist/), with the npm packages of this checkout. Their install time is set before the
 * lockfile's, so the wrapper's bootstrap neither reinstalls nor recompiles.
 */
async function checkoutAction(): Promise<string> {
  const dir = join(work, 'action');
  const files = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
  for (const file of files) {
    await mkdir(dirname(join(dir, file)), { recursive: true });
    await cp(join(root, file), join(dir, file));
  }
  await cp(join(root, 'dist'), join(dir, 'dist'), { recursive: true });
  execFileSync('ln', ['-s', join(root, 'node_modules'), join(dir, 'node_modules')]);
  const past = new Date(0);
  await utimes(join(dir, 'package-lock.json'), past, past);
  for (const file of files.filter((f) => f.startsWith('src/')))
    await utimes(join(dir, file), past, past);
  // The guard the bootstrap would otherwise trip on: never `npm ci` into a shared node_modules.
  execFileSync('bash', [
    '-c',
    `[[ ! "${dir}/package-lock.json" -nt "${dir}/node_modules/.package-lock.json" ]]`,
  ]);
  return dir;
}

beforeAll(async () => {
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
  work = await mkdtemp(join(tmpdir(), 'ha-lab-action-run-'));
  actionDir = await checkoutAction();
});

afterAll(async () => {
  await removeLab(lab);
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the composite action, its steps run as a runner runs them', () => {
  it('brings a lab up, runs kill-master0, uploads JUnit and the reports, sets outputs, removes the lab', async () => {
    const workspace = join(work, 'workspace');
    await mkdir(workspace);
    const run = await runAction(
      actionDir,
      { scenarios: 'kill-master0', 'lab-name': lab, 'report-dir': 'ha-lab-reports' },
      workspace,
    );
    const context = `\n--- action log (tail) ---\n${run.log.slice(-4000)}`;
    const reportsArtifact = join(run.artifactDir, `ha-lab-reports-${lab}`);
    const report = JSON.parse(
      await readFile(join(reportsArtifact, 'kill-master0', 'report.json'), 'utf8'),
    ) as {
      passed: boolean;
      verdicts: { check: string; passed: boolean; figures: Record<string, unknown> }[];
    };
    // Whether kill-master0 passes on this machine is the e2e's question; this one is whether
    // the action reports it faithfully: outputs, artifacts and its own verdict step.
    expect(
      run.steps.map((s) => `${s.name}: ${s.outcome}`),
      context,
    ).toEqual([
      'Cache key of the build inputs: success',
      'Cache built Kubernetes, etcd and node images: success',
      'Bring the lab up: success',
      'Run the scenarios: success',
      'Upload JUnit: success',
      'Upload the reports: success',
      'Remove the lab: success',
      `Verdict: ${report.passed ? 'success' : 'failure'}`,
    ]);
    expect(run.outputs.passed).toBe(String(report.passed));
    const failover = report.verdicts.find((v) => v.check === 'vipFailover')?.figures.failoverMs;
    expect(run.outputs['failover-ms']).toBe(typeof failover === 'number' ? String(failover) : '');
    expect(Number(run.outputs['failover-ms'])).toBeGreaterThan(0);
    expect(run.outputs['api-unavailable-ms']).toMatch(/^\d+$/);
    expect(run.outputs['report-dir']).toBe(join(workspace, 'ha-lab-reports'));
    expect(run.artifacts[`ha-lab-junit-${lab}`]).toEqual(['kill-master0/junit.xml']);
    expect(run.artifacts[`ha-lab-reports-${lab}`]).toEqual(
      expect.arrayContaining([
        'kill-master0/junit.xml',
        'kill-master0/report.json',
        'kill-master0/summary.md',
        'kill-master0/report.html',
      ]),
    );
    const junit = await readFile(
      join(run.artifactDir, `ha-lab-junit-${lab}`, 'kill-master0', 'junit.xml'),
      'utf8',
    );
    const failures =
      report.verdicts.length -
      report.verdicts.filter((v) => report.passed || (v as { passed?: boolean }).passed).length;
    expect(junit).toContain(`failures="${failures}"`);
    expect(await labContainers(lab)).toEqual([]);
  });
});
