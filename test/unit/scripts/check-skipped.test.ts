import { execa } from 'execa';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SCRIPT = join(import.meta.dirname, '..', '..', '..', 'scripts', 'check-skipped.mjs');
let dir: string;

function report(statuses: string[]) {
  return JSON.stringify({
    testResults: [
      {
        name: `${process.cwd()}/test/e2e/x.test.ts`,
        assertionResults: statuses.map((status, i) => ({ status, fullName: `case ${i}` })),
      },
    ],
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'check-skipped-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('check-skipped (CI fails on a skipped test)', () => {
  it('passes when every test ran', async () => {
    await writeFile(join(dir, 'ok.json'), report(['passed', 'passed']));
    const r = await execa('node', [SCRIPT, join(dir, 'ok.json')], { reject: false });
    expect(r.exitCode).toBe(0);
  });

  it('fails and names each skipped or todo test', async () => {
    await writeFile(join(dir, 'holes.json'), report(['passed', 'skipped', 'todo']));
    const r = await execa('node', [SCRIPT, join(dir, 'holes.json')], { reject: false });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('test/e2e/x.test.ts: case 1');
    expect(r.stderr).toContain('test/e2e/x.test.ts: case 2');
  });
});
