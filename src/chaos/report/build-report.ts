import type { Verdict } from '../checkers/verdict.js';
import type { History } from '../history.js';
import type { Scenario } from '../scenario/model.js';
import { REPORT_SCHEMA_VERSION, type Report } from './schema.js';

export interface ReportInput {
  labName: string;
  scenario: Scenario;
  verdicts: Verdict[];
  history: History;
  /** The user stopped the run (Ctrl-C); verdicts may cover a partial history. */
  interrupted: boolean;
  /** Why the run itself failed (not a check): a fault could not be applied, a wait timed out. */
  error?: string | undefined;
  startedAt: number;
  endedAt: number;
}

/** A run passes only if it ran to the end and every check passed; zero checks prove nothing. */
export function buildReport(input: ReportInput): Report {
  const passed =
    !input.interrupted &&
    input.error === undefined &&
    input.verdicts.length > 0 &&
    input.verdicts.every((v) => v.passed);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    labName: input.labName,
    scenario: input.scenario,
    passed,
    interrupted: input.interrupted,
    ...(input.error === undefined ? {} : { error: input.error }),
    startedAt: input.startedAt,
    endedAt: input.endedAt,
    durationMs: Math.max(0, input.endedAt - input.startedAt),
    verdicts: input.verdicts,
    history: input.history,
  };
}

export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
