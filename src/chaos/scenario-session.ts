import { join } from 'node:path';
import { saveFailureBundle } from '../lab/failure-bundle.js';
import type { OpenLab } from '../lab/open-lab.js';
import type { HistoryEntry } from './history.js';
import { type Report, buildReport, writeAggregate, writeReport } from './report/index.js';
import { checkOperationFits } from './ops/run-op.js';
import { runScenario } from './runner.js';
import type { Scenario } from './scenario/index.js';

export interface SessionOptions {
  lab: OpenLab;
  scenario: Scenario;
  reportDir: string;
  repeat: number;
  signal: AbortSignal;
  log: (line: string) => void;
  onEntry?: (entry: HistoryEntry) => void;
  /**
   * Runs before each run (`--fresh`: the lab reset to its snapshot), so no run starts from
   * another's damage. A failure here ends the session: a run on an unknown lab proves nothing.
   */
  beforeRun?: (run: number) => Promise<void>;
}

export interface SessionResult {
  reports: Report[];
  /** Where each run's report.json is. */
  paths: string[];
  aggregatePath?: string;
  passed: boolean;
  interrupted: boolean;
  error?: string;
}

/**
 * Runs a scenario once or N times and writes every report as it finishes, so nothing is lost
 * to a later failure or Ctrl-C (an interrupted run still writes its partial report).
 */
export async function runScenarioSession(options: SessionOptions): Promise<SessionResult> {
  const reports: Report[] = [];
  const paths: string[] = [];
  let error: string | undefined;
  // An operation the lab cannot take (an upgrade to a version kubeadm refuses) is bad input:
  // refused before anything is touched, not a failed run.
  await checkOperationFits(options.lab, options.scenario);
  for (let i = 0; i < options.repeat; i++) {
    const dir =
      options.repeat === 1
        ? options.reportDir
        : join(options.reportDir, `run-${String(i + 1).padStart(2, '0')}`);
    if (options.beforeRun) await options.beforeRun(i + 1);
    options.log(`run ${i + 1}/${options.repeat}: ${options.scenario.name}`);
    const result = await runScenario({
      lab: options.lab,
      scenario: options.scenario,
      signal: options.signal,
      log: options.log,
      ...(options.onEntry ? { onEntry: options.onEntry } : {}),
    });
    const report = buildReport({
      labName: options.lab.lab,
      scenario: options.scenario,
      verdicts: result.verdicts,
      history: result.history,
      interrupted: result.interrupted,
      error: result.error,
      startedAt: result.startedAt,
      endedAt: result.endedAt,
    });
    const written = await writeReport(dir, report);
    reports.push(report);
    paths.push(written.json);
    for (const v of report.verdicts)
      options.log(`  ${v.passed ? 'PASS' : 'FAIL'} ${v.check}: ${v.summary}`);
    if (!report.passed && !result.interrupted) {
      const bundle = await saveFailureBundle(
        options.lab,
        result.error ?? 'a check failed',
        'scenario',
        join(dir, 'bundle'),
      ).catch(() => undefined);
      if (bundle) options.log(`  log bundle: ${bundle}`);
    }
    error ??= result.error;
    if (result.interrupted) break;
  }
  const interrupted = reports.some((r) => r.interrupted);
  let aggregatePath: string | undefined;
  if (options.repeat > 1 && reports.length > 0)
    aggregatePath = (await writeAggregate(options.reportDir, reports, paths)).json;
  return {
    reports,
    paths,
    ...(aggregatePath ? { aggregatePath } : {}),
    passed: reports.length === options.repeat && reports.every((r) => r.passed),
    interrupted,
    ...(error ? { error } : {}),
  };
}
