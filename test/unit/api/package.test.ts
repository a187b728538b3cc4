import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface Pack {
  files: { path: string }[];
}
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  exports: Record<string, string | { types: string; import: string }>;
  bin: Record<string, string>;
};

// What `npm pack` would put in the tarball, without building or writing it.
function packedFiles(): string[] {
  if (!existsSync('dist/api/index.js')) throw new Error('dist/ is missing: run `npm run build`');
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return (JSON.parse(out) as Pack[])[0]!.files.map((f) => f.path);
}

describe('the npm package', () => {
  const files = packedFiles();

  it('holds no tests, fixtures, test scripts or benchmarks', () => {
    const offenders = files.filter(
      (f) =>
        /(^|\/)(test|tests|__tests__|fixtures|examples)\//.test(f) ||
        /\.test\.[cm]?[jt]sx?$/.test(f) ||
        /^scripts\/(test\.sh|bench\.mjs|check-.*|capture-fixture\.mjs|bootstrap\.sh)$/.test(f) ||
        /^(src|node_modules|reports)\//.test(f),
    );
    expect(offenders).toEqual([]);
  });

  it('holds only the folders a user needs at run time', () => {
    const roots = new Set(files.map((f) => f.split('/')[0]));
    expect([...roots].sort()).toEqual(
      [
        'README.md',
        'dist',
        'go',
        'images',
        'package.json',
        'scenarios',
        'schemas',
        'scripts',
      ].sort(),
    );
  });

  it('holds every export with its types, the bin, and every built-in scenario', () => {
    const targets = Object.values(pkg.exports).flatMap((t) =>
      typeof t === 'string' ? [t] : [t.types, t.import],
    );
    targets.push(...Object.values(pkg.bin));
    for (const target of targets) expect(files).toContain(target.replace(/^\.\//, ''));
    for (const scenario of readdirSync('scenarios'))
      expect(files).toContain(`scenarios/${scenario}`);
    expect(files).toContain('images/node.Dockerfile');
  });

  it('exports the API and the vitest helper as ESM with types first', () => {
    for (const key of ['.', './vitest']) {
      const target = pkg.exports[key];
      expect(typeof target).toBe('object');
      expect(Object.keys(target as object)).toEqual(['types', 'import']);
    }
  });
});

describe('docs/api.md', () => {
  it('is what `npm run docs:api` generates from the current sources', { timeout: 60_000 }, () => {
    const r = spawnSync('node', ['scripts/api-reference.mjs', '--check'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
