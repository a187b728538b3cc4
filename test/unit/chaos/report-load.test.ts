import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode, UsageError } from '../../../src/core/errors.js';
import { renderHtml, renderJson, writeReport } from '../../../src/chaos/report/index.js';
import { readReportFile } from '../../../src/chaos/report/load-report.js';
import { desktopOpener } from '../../../src/cli/commands/report.js';
import { type InProcessRun, runWithoutEngine } from '../../support/in-process-cli.js';
import { passingRun } from '../../support/report-pages.js';

const OLDER = join(import.meta.dirname, '..', '..', 'fixtures', 'reports', 'older-version.json');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ha-lab-report-load-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('reading a saved report.json', () => {
  it('reads back what writeReport wrote, so the rebuilt page is the same page', async () => {
    const report = passingRun();
    const paths = await writeReport(join(dir, 'same'), report);
    const loaded = await readReportFile(paths.json);
    expect(renderHtml(loaded)).toBe(await readFile(paths.html, 'utf8'));
  });

  it('accepts a report of an earlier version, leaving out what it does not know, and says so', async () => {
    const loaded = await readReportFile(OLDER);
    expect(loaded.scenario).toEqual({ name: 'kill-master0', description: '' });
    expect(loaded.interrupted).toBe(false);
    expect(loaded.durationMs).toBe(10_000);
    expect(loaded.verdicts.map((v) => v.check)).toEqual(['vipFailover', 'noLostWrites']);
    expect(loaded.verdicts[1]!.figures).toEqual({ writes: 3 });
    expect(loaded.history.entries.map((e) => e.type)).toEqual([
      'vip',
      'fault',
      'vip',
      'api',
      'write',
    ]);
    const html = renderHtml(loaded);
    expect(html).toContain('1 history entries of a shape this version does not know');
    expect(html).toContain('1 verdict(s) of unknown shape left out');
    expect(html).toContain('data-outcome="failed"');
  });

  const bad = [
    {
      what: 'a missing file',
      setup: async () => join(dir, 'nope.json'),
      says: /cannot read .*nope\.json \(ENOENT\)/,
    },
    {
      what: 'malformed JSON',
      setup: () => put('bad.json', '{"history": ['),
      says: /is not valid JSON/,
    },
    {
      what: 'a JSON that is no report',
      setup: () => put('other.json', '{"name": "x"}'),
      says: /is not an ha-lab report/,
    },
    {
      what: 'an aggregate',
      setup: () => put('aggregate.json', '{"scenario": "k", "runs": 3, "checks": []}'),
      says: /is a --repeat aggregate/,
    },
    {
      what: 'a directory',
      setup: async () => (await mkdir(join(dir, 'd'), { recursive: true }), join(dir, 'd')),
      says: /is a directory/,
    },
  ];
  for (const c of bad) {
    it(`refuses ${c.what} with one line that says what to do (exit 2)`, async () => {
      const error = await readReportFile(await c.setup()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).exitCode).toBe(ExitCode.usage);
      expect((error as Error).message).toMatch(c.says);
      expect((error as Error).message).not.toContain('\n');
      expect((error as Error).message).toMatch(/: give /);
    });
  }
});

async function put(name: string, text: string): Promise<string> {
  await writeFile(join(dir, name), text);
  return join(dir, name);
}

/** Runs `ha-lab ARGS` in-process: what it printed, and the exit status main() would map. */
function run(args: string[]): Promise<InProcessRun> {
  return runWithoutEngine(args, 'report commands must not reach the engine');
}

describe('ha-lab report', () => {
  it('html rebuilds report.html beside a saved report.json and prints its path', async () => {
    const runDir = join(dir, 'rebuild');
    await mkdir(runDir, { recursive: true });
    await writeFile(join(runDir, 'report.json'), renderJson(passingRun()));
    const result = await run(['report', 'html', join(runDir, 'report.json')]);
    expect(result.exit).toBe(0);
    expect(result.stdout.trim()).toBe(join(runDir, 'report.html'));
    expect(await readFile(join(runDir, 'report.html'), 'utf8')).toContain('FAILOVER PROVEN');
  });

  it('html of a malformed file exits 2 with what to do', async () => {
    const result = await run(['report', 'html', await put('broken.json', 'not json')]);
    expect(result.exit).toBe(ExitCode.usage);
    expect(result.message).toMatch(/broken\.json is not valid JSON .*: give a report\.json/);
  });

  it('open prints the page of a directory an earlier version wrote, building it first', async () => {
    const runDir = join(dir, 'older');
    await mkdir(runDir, { recursive: true });
    await writeFile(join(runDir, 'report.json'), await readFile(OLDER, 'utf8'));
    const result = await run(['report', 'open', runDir]);
    expect(result.exit).toBe(0);
    expect(result.stdout.trim()).toBe(join(runDir, 'report.html'));
    expect(await readFile(join(runDir, 'report.html'), 'utf8')).toContain('kill-master0');
  });

  it('open of a directory without a report exits 2', async () => {
    await mkdir(join(dir, 'empty'), { recursive: true });
    const result = await run(['report', 'open', join(dir, 'empty')]);
    expect(result.exit).toBe(ExitCode.usage);
    expect(result.message).toMatch(/no report\.html or report\.json in .*empty/);
  });

  it('opens the page only where a desktop can', () => {
    expect(desktopOpener('linux', {})).toBeUndefined();
    expect(desktopOpener('linux', { DISPLAY: ':0' })).toBe('xdg-open');
    expect(desktopOpener('linux', { WAYLAND_DISPLAY: 'wayland-0' })).toBe('xdg-open');
    expect(desktopOpener('darwin', {})).toBe('open');
  });
});
