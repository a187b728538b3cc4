import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeAggregate, writeReport, type Report } from '../../src/chaos/report/index.js';
import {
  engineLostRun,
  failingRun,
  hostileRun,
  HOSTILE_NAME,
  interruptedRun,
  passingRun,
} from '../support/report-pages.js';

/**
 * report.html in a real browser (Debian's chromium, headless): pages built from captured
 * runs, screenshots in light and dark, a print to PDF, the DOM checked for what a reader relies
 * on, and not a single request beyond the file itself. No engine, no lab.
 */

const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts', 'report-html');
const CHROMIUM = '/usr/bin/chromium';
// Without the background-networking flags Chromium phones home at start, which a closed
// network refuses; none of these change how the page renders.
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let work: string;
let context: BrowserContext;
const pages: Record<string, { file: string; report: Report }> = {};

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ha-lab-report-browser-'));
  await mkdir(ARTIFACTS, { recursive: true });
  const runs = {
    passing: passingRun(),
    failing: failingRun(),
    interrupted: interruptedRun(),
    'engine-lost': engineLostRun(),
    hostile: hostileRun(),
  };
  for (const [name, report] of Object.entries(runs))
    pages[name] = { file: (await writeReport(join(work, name), report)).html, report };
  const repeat = [passingRun(), failingRun(), passingRun()];
  const paths: string[] = [];
  for (const [i, r] of repeat.entries())
    paths.push((await writeReport(join(work, 'repeat', `run-0${i + 1}`), r)).json);
  pages.aggregate = {
    file: (await writeAggregate(join(work, 'repeat'), repeat, paths)).html,
    report: repeat[0]!,
  };
  context = await chromium.launchPersistentContext(join(work, 'user-data'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 800 },
  });
});

afterAll(async () => {
  await context?.close();
  await rm(work, { recursive: true, force: true });
});

/** Opens a page, recording every URL it requests; only itself and data: URLs are allowed. */
async function open(
  name: string,
  scheme: 'light' | 'dark' = 'light',
): Promise<{ page: Page; foreign: string[] }> {
  const page = await context.newPage();
  await page.emulateMedia({ colorScheme: scheme });
  const self = pathToFileURL(pages[name]!.file).href;
  const foreign: string[] = [];
  page.on('request', (request) => {
    const url = request.url();
    if (url !== self && !url.startsWith('data:')) foreign.push(url);
  });
  await page.goto(self, { waitUntil: 'load' });
  return { page, foreign };
}

describe('report.html in headless Chromium', () => {
  for (const name of ['passing', 'failing', 'interrupted', 'engine-lost', 'hostile', 'aggregate']) {
    it(`${name}: loads nothing but itself, and is screenshot in light and dark`, async () => {
      for (const scheme of ['light', 'dark'] as const) {
        const { page, foreign } = await open(name, scheme);
        await page.screenshot({ path: join(ARTIFACTS, `${name}-${scheme}.png`) });
        expect(foreign).toEqual([]);
        await page.close();
      }
    });
  }

  it('says at the top how each run ended', async () => {
    for (const [name, outcome] of [
      ['passing', 'passed'],
      ['failing', 'failed'],
      ['interrupted', 'interrupted'],
      ['engine-lost', 'engine-lost'],
    ] as const) {
      const { page } = await open(name);
      const header = page.locator('header#outcome');
      expect(await header.getAttribute('data-outcome')).toBe(outcome);
      // The banner is the first thing on screen.
      expect((await header.boundingBox())!.y).toBeLessThan(100);
      await page.close();
    }
  });

  it('draws a VIP lane per master and a fault band where each fault was active', async () => {
    const { page } = await open('passing');
    const masters = await Promise.all(
      (await page.locator('g.lane-vip').all()).map((g) => g.getAttribute('data-master')),
    );
    expect(masters).toEqual(['master-0', 'master-1', 'master-2']);
    const { x, width, start, end } = await axis(page);
    const report = pages.passing!.report;
    const applied = report.history.entries.find(
      (e) => e.type === 'fault' && e.phase === 'applied',
    )!.at;
    const undone = report.history.entries.find(
      (e) => e.type === 'fault' && e.phase === 'undone',
    )!.at;
    const band = (await page.locator('rect.fault-band').all())[0]!;
    const box = (await band.boundingBox())!;
    const at = (t: number) => x + ((t - start) / (end - start)) * width;
    expect(Math.abs(box.x - at(applied))).toBeLessThanOrEqual(1);
    expect(Math.abs(box.x + box.width - at(undone))).toBeLessThanOrEqual(1);
    await page.close();
  });

  it('lists the failing check first, and its link goes to a mark at the deciding moment (±1 px)', async () => {
    const { page } = await open('failing');
    const first = page.locator('#checks tbody tr').first();
    expect(await first.getAttribute('class')).toContain('fail');
    const check = (await first.getAttribute('data-check'))!;
    const verdict = pages.failing!.report.verdicts.find((v) => v.check === check)!;
    expect(verdict.passed).toBe(false);
    const href = (await first.locator('a.decided').getAttribute('href'))!;
    const mark = page.locator(href);
    expect(await mark.count()).toBe(1);
    const { x, width, start, end } = await axis(page);
    const expected = x + ((verdict.decidedAt! - start) / (end - start)) * width;
    const box = (await mark.boundingBox())!;
    expect(Math.abs(box.x + box.width / 2 - expected)).toBeLessThanOrEqual(1);
    await first.locator('a.decided').click();
    expect(page.url().endsWith(href)).toBe(true);
    await page.close();
  });

  it('shows a hostile scenario name as text, running nothing', async () => {
    const { page } = await open('hostile');
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs += 1;
      void d.dismiss();
    });
    expect(await page.locator('script, img, iframe').count()).toBe(0);
    expect(await page.locator('header#outcome h1').innerText()).toContain(HOSTILE_NAME);
    expect(await page.title()).toContain(HOSTILE_NAME);
    expect(dialogs).toBe(0);
    await page.close();
  });

  it("links the aggregate page to every run's page, and those pages exist", async () => {
    const { page, foreign } = await open('aggregate');
    const links = await Promise.all(
      (await page.locator('#runs a').all()).map(
        async (a) => new URL((await a.getAttribute('href'))!, page.url()).href,
      ),
    );
    expect(links).toHaveLength(3);
    await page.locator('#runs a').first().click();
    await page.waitForLoadState('load');
    expect(await page.locator('header#outcome').getAttribute('data-outcome')).toBe('passed');
    expect(foreign.filter((u) => !links.includes(u))).toEqual([]);
    await page.close();
  });

  it('prints the failing run to a PDF', async () => {
    const { page } = await open('failing');
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({
      path: join(ARTIFACTS, 'failing.pdf'),
      landscape: true,
      printBackground: true,
    });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(10_000);
    await page.close();
  });
});

/** Where the time axis is on screen, and the span of time it shows. */
async function axis(page: Page): Promise<{ x: number; width: number; start: number; end: number }> {
  const plot = page.locator('#plot-area');
  const box = (await plot.boundingBox())!;
  return {
    x: box.x,
    width: box.width,
    start: Number(await plot.getAttribute('data-start')),
    end: Number(await plot.getAttribute('data-end')),
  };
}
