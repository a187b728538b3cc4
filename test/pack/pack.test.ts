import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { copyFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labContainers, removeLab } from '../support/library-labs.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const lab = `lib-pack-${process.pid.toString(36)}`;
const helperLabs = [`lib-fail-${process.pid.toString(36)}`, `lib-sig-${process.pid.toString(36)}`];
let work = '';
let project = '';

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ha-lab-pack-'));
});

afterAll(async () => {
  for (const name of [lab, ...helperLabs]) await removeLab(name);
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the packed tarball, installed into another project', () => {
  it('brings a lab up from its own vitest suite, survives kill master-0 and leaves nothing', async () => {
    // npm pack runs prepack (the build), so the tarball holds this worktree's code.
    const packed = execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const tarball = join(work, (JSON.parse(packed) as { filename: string }[])[0]!.filename);
    project = join(work, 'consumer');
    await run('mkdir', ['-p', join(project, 'test'), join(project, 'helper')]);
    const vitestVersion = (
      JSON.parse(readFileSync(join(root, 'node_modules', 'vitest', 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
    await writeFile(
      join(project, 'package.json'),
      JSON.stringify({
        name: 'ha-lab-consumer',
        private: true,
        type: 'module',
        scripts: { test: 'vitest run' },
        dependencies: { 'ha-lab': `file:${tarball}` },
        devDependencies: { vitest: vitestVersion },
      }),
    );
    await writeFile(
      join(project, 'vitest.config.js'),
      "export default { test: { include: ['test/**/*.test.js'], testTimeout: 1_800_000, hookTimeout: 600_000 } };\n",
    );
    for (const file of [
      'test/lab.test.js',
      'helper/provided.test.js',
      'setup-nodes-only.js',
      'vitest.helper.config.js',
      'types-check.ts',
    ])
      await copyFile(
        join(import.meta.dirname, 'consumer', file.replace(/^test\//, '')),
        join(project, file),
      );
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], {
      cwd: project,
      maxBuffer: 64 * 1024 * 1024,
    });
    // Installed from the tarball, not linked to this repository.
    const installed = await readdir(join(project, 'node_modules', 'ha-lab'));
    expect(installed).toContain('dist');
    expect(installed).not.toContain('test');
    expect(installed).not.toContain('src');

    // The package's types, as a TypeScript consumer resolves them through "exports".
    await run(
      'node',
      [
        join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
        ...['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext'],
        ...['--target', 'es2022', '--lib', 'es2023,esnext.disposable', '--skipLibCheck'],
        'types-check.ts',
      ],
      { cwd: project },
    );

    const reportDir = join(work, 'report');
    const suite = await run('npx', ['vitest', 'run', '--reporter=verbose'], {
      cwd: project,
      env: { ...process.env, LIB_LAB_NAME: lab, LIB_REPORT_DIR: reportDir },
      maxBuffer: 64 * 1024 * 1024,
    }).catch((error: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(
        `the consumer's suite failed:\n${error.stdout ?? ''}\n${error.stderr ?? error.message}`,
      );
    });
    expect(suite.stdout).toMatch(/1 passed/);
    expect(await readdir(reportDir)).toEqual(
      expect.arrayContaining(['report.json', 'junit.xml', 'summary.md']),
    );
    // The consumer's suite removed its lab itself.
    expect(await labContainers(lab)).toEqual([]);
  });

  it('ha-lab/vitest removes the lab it brought up when the suite fails', async () => {
    expect(project, 'the first test installs the consumer').not.toBe('');
    const name = helperLabs[0]!;
    const failed = await run('npx', ['vitest', 'run', '--config', 'vitest.helper.config.js'], {
      cwd: project,
      env: { ...process.env, HA_LAB_UP_NAME: name, LIB_FAIL: '1' },
    }).then(
      () => 0,
      (error: { code?: number }) => error.code ?? -1,
    );
    expect(failed).toBe(1);
    expect(await labContainers(name)).toEqual([]);
  });

  it('ha-lab/vitest removes the lab it brought up on Ctrl-C', async () => {
    expect(project, 'the first test installs the consumer').not.toBe('');
    const name = helperLabs[1]!;
    const marker = join(work, 'sig-marker');
    const child = spawn(
      'node',
      [
        join(project, 'node_modules', 'vitest', 'vitest.mjs'),
        'run',
        '--config',
        'vitest.helper.config.js',
      ],
      {
        cwd: project,
        env: { ...process.env, HA_LAB_UP_NAME: name, LIB_HANG: '1', LIB_MARKER: marker },
        stdio: 'ignore',
      },
    );
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    const until = Date.now() + 600_000;
    while (!existsSync(marker) && Date.now() < until) await delay(1000);
    expect(existsSync(marker), 'the suite started with the lab provided').toBe(true);
    expect((await labContainers(name)).length).toBe(6);
    child.kill('SIGINT');
    const code = await Promise.race([exited, delay(180_000).then(() => 'timeout' as const)]);
    expect(code).not.toBe('timeout');
    expect(code).not.toBe(0);
    // The removal runs in a process of its own after vitest has exited: give it time to finish.
    await expect.poll(() => labContainers(name), { timeout: 240_000, interval: 2000 }).toEqual([]);
  });
});
