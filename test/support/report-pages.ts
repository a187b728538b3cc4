import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runChecks } from '../../src/chaos/checkers/index.js';
import type { History, HistoryEntry } from '../../src/chaos/history.js';
import { buildReport, type Report } from '../../src/chaos/report/index.js';
import { ENGINE_LOST_NOTE } from '../../src/chaos/engine-loss.js';
import {
  expectationsInputSchema,
  parseScenario,
  type Scenario,
} from '../../src/chaos/scenario/index.js';

/**
 * Reports of every kind a run can end in, built from histories captured on real runs: what
 * the page tests (unit and browser) render.
 */

const ROOT = join(import.meta.dirname, '..', '..');
const HISTORIES = join(ROOT, 'test', 'fixtures', 'histories');

export function loadFixture(name: string): { history: History; expect: unknown } {
  return JSON.parse(readFileSync(join(HISTORIES, `${name}.json`), 'utf8')) as {
    history: History;
    expect: unknown;
  };
}

export function builtinScenario(name: string): Scenario {
  const file = join(ROOT, 'scenarios', `${name}.yaml`);
  return parseScenario(readFileSync(file, 'utf8'), `scenarios/${name}.yaml`);
}

export function reportOf(
  fixture: string,
  options: {
    scenario?: Scenario;
    interrupted?: boolean;
    error?: string;
    /** Keep only the first `cutMs` of the history, as a run stopped then would have. */
    cutMs?: number;
    extraEntries?: HistoryEntry[];
  } = {},
): Report {
  const loaded = loadFixture(fixture);
  const cut = options.cutMs === undefined ? undefined : loaded.history.startedAt + options.cutMs;
  const history: History = {
    ...loaded.history,
    ...(cut === undefined ? {} : { endedAt: cut }),
    entries: [
      ...loaded.history.entries.filter((e) => cut === undefined || e.at <= cut),
      ...(options.extraEntries ?? []),
    ],
  };
  if (cut !== undefined) {
    // A run stopped early never read anything back.
    delete history.finalReadback;
    delete history.finalWriteOk;
    delete history.hashKv;
  }
  return buildReport({
    labName: 'ha-lab',
    scenario: options.scenario ?? builtinScenario('kill-master0'),
    verdicts: runChecks(history, expectationsInputSchema.parse(loaded.expect)),
    history,
    interrupted: options.interrupted ?? false,
    error: options.error,
    startedAt: history.startedAt,
    endedAt: history.endedAt,
  });
}

/** A real kill-master0 run with fresh recovery evidence: every check passes. */
export const passingRun = () => reportOf('captured/kill-master0-fresh-evidence');

/** A real kill-etcd-leader run judged with a 100 ms election limit: leaderElection fails. */
export const failingRun = () =>
  reportOf('captured/kill-etcd-leader-too-strict', {
    scenario: builtinScenario('kill-etcd-leader'),
  });

/** The passing run stopped with Ctrl-C 15 s in, while master-0 was down. */
export const interruptedRun = () =>
  reportOf('captured/kill-master0-fresh-evidence', { interrupted: true, cutMs: 15_000 });

/** The engine restarted 12 s in: the runner's note and error, as runner.ts records them. */
export function engineLostRun(): Report {
  const { history } = loadFixture('captured/kill-master0-fresh-evidence');
  const at = history.startedAt + 12_000;
  return reportOf('captured/kill-master0-fresh-evidence', {
    cutMs: 12_000,
    error: `${ENGINE_LOST_NOTE} (an engine restart stops every node unless it runs with live-restore): bring the lab back with \`ha-lab up --name ha-lab\`, then retry`,
    extraEntries: [{ type: 'note', at, message: ENGINE_LOST_NOTE }],
  });
}

export const HOSTILE_NAME = '<script>alert("name")</script>kill-"master0"&';

/** A user's scenario whose name, description and error try to inject markup and leak a key. */
export function hostileRun(): Report {
  const base = builtinScenario('kill-master0');
  return reportOf('captured/kill-master0-passes', {
    scenario: {
      ...base,
      name: HOSTILE_NAME,
      description: '<img src=x onerror=alert(1)> <style>body{display:none}</style>',
    },
    error:
      'kubeadm said: token: abcdef.0123456789abcdef and -----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAK\n-----END RSA PRIVATE KEY----- <script>alert(2)</script>',
  });
}
