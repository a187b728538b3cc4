import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { readReportFile } from './load-report.js';
import { writeHtmlPage } from './write-report.js';

/** `ha-lab report html`: report.html rebuilt from a saved report.json (beside it by default). */
export async function rebuildPage(reportJson: string, out?: string): Promise<string> {
  const report = await readReportFile(reportJson);
  const page = out ?? join(dirname(reportJson), 'report.html');
  await writeHtmlPage(page, report);
  return page;
}

/**
 * `ha-lab report open`: the page of a report directory, a --repeat's aggregate page first.
 * A directory an earlier ha-lab wrote has only report.json: its page is built on the way.
 */
export async function locatePage(path: string): Promise<string> {
  const info = await stat(path).catch(() => undefined);
  if (!info)
    throw new UsageError(
      'no-report-dir',
      `${path} does not exist: give the directory \`ha-lab scenario run\` printed ("reports in ...")`,
    );
  if (info.isFile()) {
    if (path.endsWith('.html')) return path;
    if (basename(path) === 'report.json') return rebuildPage(path);
    throw new UsageError(
      'not-a-report-dir',
      `${path} is neither a report directory nor a report.html or report.json: give the directory \`ha-lab scenario run\` printed`,
    );
  }
  for (const name of ['aggregate.html', 'report.html']) {
    const page = join(path, name);
    if (await isFile(page)) return page;
  }
  if (await isFile(join(path, 'report.json'))) return rebuildPage(join(path, 'report.json'));
  throw new UsageError(
    'no-report-in-dir',
    `no report.html or report.json in ${path}: give the directory \`ha-lab scenario run\` printed ("reports in ...")`,
  );
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}
