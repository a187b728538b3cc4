import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { aggregateRuns, renderAggregateMarkdown, type RunAggregate } from './aggregate.js';
import { renderJson } from './build-report.js';
import { renderAggregateHtml } from './html/aggregate-page.js';
import { renderHtml, type PageReport } from './html/page.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { redactSecrets } from '../../provision/redact.js';
import type { Report } from './schema.js';

export interface ReportPaths {
  json: string;
  junit: string;
  markdown: string;
  html: string;
}

/**
 * Writes report.json, junit.xml, summary.md and report.html into `dir`. Each file appears whole or
 * not at all: a CI step reading it while a Ctrl-C lands never sees half an XML file.
 */
export async function writeReport(dir: string, report: Report): Promise<ReportPaths> {
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const paths = {
    json: join(dir, 'report.json'),
    junit: join(dir, 'junit.xml'),
    markdown: join(dir, 'summary.md'),
    html: join(dir, 'report.html'),
  };
  // Notes and errors can quote command output: no secret may reach a report.
  await writeAtomic(paths.json, redactSecrets(renderJson(report)));
  await writeAtomic(paths.junit, redactSecrets(renderJunit(report)));
  await writeAtomic(paths.markdown, redactSecrets(renderMarkdown(report)));
  await writeAtomic(paths.html, redactSecrets(renderHtml(report)));
  return paths;
}

/**
 * aggregate.json, aggregate.md and aggregate.html next to the per-run directories of a
 * --repeat; `reportPaths` (each run's report.json) lets the page link to each run's page.
 */
export async function writeAggregate(
  dir: string,
  reports: Report[],
  reportPaths: string[],
): Promise<{ aggregate: RunAggregate; json: string; markdown: string; html: string }> {
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const aggregate = aggregateRuns(reports);
  const json = join(dir, 'aggregate.json');
  const markdown = join(dir, 'aggregate.md');
  await writeAtomic(json, `${JSON.stringify(aggregate, null, 2)}\n`);
  await writeAtomic(markdown, renderAggregateMarkdown(aggregate));
  const html = join(dir, 'aggregate.html');
  const runs = reports.map((report, i) => {
    const page = join(dirname(reportPaths[i] ?? dir), 'report.html');
    return { href: relative(dir, page).split(sep).join('/'), report };
  });
  await writeAtomic(html, redactSecrets(renderAggregateHtml(aggregate, runs)));
  return { aggregate, json, markdown, html };
}

/** One run's page alone, e.g. rebuilt from a saved report.json by `ha-lab report html`. */
export async function writeHtmlPage(path: string, report: PageReport): Promise<void> {
  await writeAtomic(path, redactSecrets(renderHtml(report)));
}

async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, text, { mode: 0o644 });
    // The mode given to writeFile is masked by the umask; reports are meant to be readable.
    await chmod(tmp, 0o644);
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}
