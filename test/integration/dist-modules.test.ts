import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';

/**
 * Every compiled module loads in plain Node, as the CLI and the package's users load them.
 * vitest transforms imports, so a CommonJS dependency imported by a name Node's ESM loader
 * cannot see (ssh2's `utils`) passes every other test and breaks the real CLI on start.
 * scripts/test.sh compiles dist before the tests; the entry point and worker-thread entries
 * (which start work when loaded) are left out.
 */
const LOAD_ALL = `
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
const root = process.argv[1];
const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter(
  (f) => f.endsWith('.js') && !f.endsWith('cli/main.js') && !f.endsWith('-worker.js'),
);
const bad = [];
for (const f of files) {
  try { await import(join(root, f)); } catch (e) { bad.push(f + ': ' + e.message.split('\\n')[0]); }
}
console.log(JSON.stringify({ loaded: files.length, bad }));
process.exit(0);
`;

describe('the compiled modules', () => {
  it('all load in plain Node (no test transform in between)', async () => {
    const dist = `${ROOT}dist`;
    expect(existsSync(`${dist}/cli/main.js`), 'compile first: npx tsc -p tsconfig.build.json').toBe(
      true,
    );
    const run = await execa('node', ['--input-type=module', '-e', LOAD_ALL, dist], {
      timeout: 60_000,
    });
    const result = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as {
      loaded: number;
      bad: string[];
    };
    expect(result.bad).toEqual([]);
    expect(result.loaded).toBeGreaterThan(200);
  });
});
