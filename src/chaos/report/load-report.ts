import { readFile } from 'node:fs/promises';
import { firstLine, UsageError } from '../../core/errors.js';
import type { History, HistoryEntry } from '../history.js';
import type { PageReport, PageVerdict } from './html/page.js';
import { historySchema } from './schema.js';

/**
 * Reads a saved report.json for `ha-lab report html`, including ones earlier versions of
 * ha-lab wrote: a missing field gets a neutral default and an entry of a shape this version
 * does not know is left out (and the page says how many), rather than refusing the file.
 */
export async function readReportFile(path: string): Promise<PageReport> {
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EISDIR')
      throw new UsageError(
        'report-is-directory',
        `${path} is a directory: give the report.json in it, or run \`ha-lab report open ${path}\``,
      );
    throw new UsageError(
      'report-unreadable',
      `cannot read ${path} (${code ?? 'error'}): give the path of a report.json that \`ha-lab scenario run\` wrote`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new UsageError(
      'report-not-json',
      `${path} is not valid JSON (${firstLine((error as Error).message)}): give a report.json that \`ha-lab scenario run\` wrote`,
    );
  }
  return normalizeReport(parsed, path);
}

type Loose = Record<string, unknown>;

const isObject = (v: unknown): v is Loose =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

const entrySchema = historySchema.shape.entries.element;

export function normalizeReport(value: unknown, source: string): PageReport {
  if (isObject(value) && Array.isArray(value.checks) && typeof value.runs === 'number')
    throw new UsageError(
      'report-is-aggregate',
      `${source} is a --repeat aggregate, not one run's report: give a run's report.json (run-NN/report.json beside it)`,
    );
  if (!isObject(value) || (!isObject(value.history) && !Array.isArray(value.verdicts)))
    throw new UsageError(
      'not-a-report',
      `${source} is not an ha-lab report (it has neither a history nor verdicts): give a report.json that \`ha-lab scenario run\` wrote`,
    );
  const notices: string[] = [];
  const history = normalizeHistory(value.history, value, notices);
  const verdicts = Array.isArray(value.verdicts)
    ? value.verdicts.flatMap((v) => normalizeVerdict(v))
    : [];
  if (Array.isArray(value.verdicts) && verdicts.length < value.verdicts.length)
    notices.push(`${value.verdicts.length - verdicts.length} verdict(s) of unknown shape left out`);
  const scenario = isObject(value.scenario) ? value.scenario : {};
  const interrupted = value.interrupted === true;
  const error = str(value.error);
  const startedAt = num(value.startedAt) ?? history.startedAt;
  const endedAt = num(value.endedAt) ?? history.endedAt;
  return {
    labName: str(value.labName) ?? 'unknown',
    scenario: {
      name: str(scenario.name) ?? 'unnamed scenario',
      description: str(scenario.description) ?? '',
    },
    passed:
      typeof value.passed === 'boolean'
        ? value.passed
        : !interrupted &&
          error === undefined &&
          verdicts.length > 0 &&
          verdicts.every((v) => v.passed),
    interrupted,
    ...(error === undefined ? {} : { error }),
    startedAt,
    durationMs: num(value.durationMs) ?? Math.max(0, endedAt - startedAt),
    verdicts,
    history,
    ...(notices.length > 0 ? { notices } : {}),
  };
}

function normalizeHistory(value: unknown, report: Loose, notices: string[]): History {
  const h = isObject(value) ? value : {};
  const rawEntries = Array.isArray(h.entries) ? h.entries : [];
  const entries: HistoryEntry[] = [];
  for (const e of rawEntries) {
    const parsed = entrySchema.safeParse(e);
    if (parsed.success) entries.push(parsed.data as HistoryEntry);
  }
  if (entries.length < rawEntries.length)
    notices.push(
      `${rawEntries.length - entries.length} history entries of a shape this version does not know were left out of the drawing`,
    );
  const times = entries.map((e) => e.at);
  const startedAt = num(h.startedAt) ?? num(report.startedAt) ?? Math.min(...times, Date.now());
  const endedAt = num(h.endedAt) ?? num(report.endedAt) ?? Math.max(startedAt, ...times);
  const optional = <K extends 'finalReadback' | 'finalWriteOk' | 'hashKv' | 'expectedVipHolder'>(
    key: K,
  ) => {
    const parsed = historySchema.shape[key].safeParse(h[key]);
    return parsed.success && parsed.data !== undefined ? { [key]: parsed.data } : {};
  };
  return {
    startedAt,
    endedAt,
    entries,
    ...optional('finalReadback'),
    ...optional('finalWriteOk'),
    ...optional('hashKv'),
    ...optional('expectedVipHolder'),
  };
}

function normalizeVerdict(value: unknown): PageVerdict[] {
  if (!isObject(value) || typeof value.check !== 'string') return [];
  const figures = isObject(value.figures)
    ? Object.fromEntries(
        Object.entries(value.figures).filter(
          ([, v]) => v === null || ['number', 'string', 'boolean'].includes(typeof v),
        ),
      )
    : {};
  const decidedAt = num(value.decidedAt);
  return [
    {
      check: value.check,
      passed: value.passed === true,
      summary: str(value.summary) ?? '',
      figures: figures as PageVerdict['figures'],
      ...(decidedAt === undefined ? {} : { decidedAt }),
    },
  ];
}
