import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { CheckFailedError, type HaLabError, RuntimeError, UsageError } from '../core/errors.js';
import type { Report } from '../chaos/report/index.js';
import {
  type Scenario,
  parseScenario,
  resolveScenario,
  scenarioModel,
} from '../chaos/scenario/index.js';
import type { SessionResult } from '../chaos/scenario-session.js';

/**
 * What `runScenario` takes: a built-in name ("kill-master0"), a path to a .yaml file, a scenario
 * as its YAML file would read (durations as "10s"), or one already loaded.
 */
export type ScenarioInput = string | Scenario | Record<string, unknown>;

/** One scenario run (or `repeat` runs): every report, where each was written, the outcome. */
export interface ScenarioResult {
  scenario: string;
  /** The last run's report (the only one without `repeat`). */
  report: Report;
  reports: Report[];
  reportDir: string;
  /** Each run's report.json. */
  paths: string[];
  aggregatePath?: string;
  /** Every run finished and every check of every run passed. */
  passed: boolean;
  interrupted: boolean;
  /** Why a run could not run at all, where that happened. */
  error?: string;
}

/** Loads and validates a scenario with the CLI's messages (UsageError, exit 2, on bad input). */
export async function loadScenario(input: ScenarioInput): Promise<Scenario> {
  if (typeof input === 'string') return (await resolveScenario(input)).scenario;
  const loaded = scenarioModel.safeParse(input);
  if (loaded.success) return loaded.data;
  const label = typeof input.name === 'string' ? `scenario ${input.name}` : 'scenario object';
  return parseScenario(stringify(input), label);
}

/** A run count from 1 to 100 (`--repeat`). */
export function checkRepeat(repeat: number | string): number {
  const n = Number(repeat);
  if (!Number.isInteger(n) || n < 1 || n > 100)
    throw new UsageError(
      'invalid-repeat',
      `invalid --repeat "${repeat}": give a whole number from 1 to 100`,
    );
  return n;
}

/** `reports/NAME-STAMP` under the working directory, as `ha-lab scenario run` names it. */
export function defaultReportDir(scenario: string, now = new Date()): string {
  const stamp = now.toISOString().replaceAll(':', '-').replace(/\..+/, '');
  return resolve(`reports/${scenario}-${stamp}`);
}

export function scenarioResult(
  scenario: string,
  reportDir: string,
  session: SessionResult,
): ScenarioResult {
  const report = session.reports.at(-1);
  if (!report) throw new RuntimeError('scenario-error', `scenario ${scenario} produced no report`);
  return {
    scenario,
    report,
    reports: session.reports,
    reportDir,
    paths: session.paths,
    ...(session.aggregatePath ? { aggregatePath: session.aggregatePath } : {}),
    passed: session.passed,
    interrupted: session.interrupted,
    ...(session.error ? { error: session.error } : {}),
  };
}

/**
 * The error a finished run stands for, exactly as the CLI exits on it: a run that could not
 * run is exit 1, a failed check exit 3, a passed run none. (An interruption is the caller's
 * abort reason, so it is left to the caller.)
 */
export function scenarioError(result: ScenarioResult): HaLabError | undefined {
  if (result.passed) return undefined;
  if (result.error)
    return new RuntimeError(
      'scenario-error',
      `scenario ${result.scenario} could not run: ${result.error}`,
    );
  return new CheckFailedError(
    `scenario ${result.scenario} failed a check; see ${result.reportDir}`,
  );
}
