// Issue 15: a rolling minor upgrade of six nodes, timed and judged from its scenario report.
// A lab at 1.35 (built first when the cache lacks it), `scenario run upgrade-minor`, down.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** haLab: the bench's runner of the built CLI ({ ms, status, stdout, stderr }). */
export function measureUpgrade(haLab, lab) {
  const name = `${lab}-up`;
  try {
    const up = haLab(['up', '--name', name, '--no-tui', '--kubernetes-version', '1.35']);
    const dir = mkdtempSync(join(tmpdir(), 'bench-upgrade-minor-'));
    const run = haLab(['scenario', 'run', 'upgrade-minor', '--name', name, '--report-dir', dir], {
      allowFail: true,
    });
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    const figure = (check, key) => report.verdicts.find((v) => v.check === check)?.figures?.[key];
    const ops = report.history.entries.filter((e) => e.type === 'op' && e.op === 'upgrade');
    const done = ops.find((e) => e.phase === 'done');
    // Where the time went: each node's kubeadm step, and the staging before any node is touched.
    const steps = ops
      .filter((e) => e.phase === 'step' && typeof e.durationMs === 'number')
      .filter((e) => /^kubeadm upgrade|^stage|static pods|drain|move the VIP/.test(e.step ?? ''))
      .map((e) => `${e.node ? `${e.node} ` : ''}${e.step}: ${(e.durationMs / 1000).toFixed(1)} s`);
    return {
      upFrom135S: up.ms / 1000,
      passed: report.passed,
      exit: run.status,
      wholeUpgradeS: done ? done.durationMs / 1000 : null,
      apiUnavailableMs: figure('apiUnavailable', 'unavailableMs') ?? null,
      apiRequests: figure('apiUnavailable', 'requests') ?? null,
      workloadUnavailableMs: figure('workloadAvailable', 'unavailableMs') ?? null,
      workloadRequests: figure('workloadAvailable', 'requests') ?? null,
      lostWrites: figure('noLostWrites', 'lostWrites') ?? null,
      failedChecks: report.verdicts.filter((v) => !v.passed).map((v) => `${v.check}: ${v.summary}`),
      steps,
      reports: dir,
    };
  } finally {
    haLab(['down', '--name', name], { allowFail: true });
  }
}

/** Judge rows for the upgrade figures (the issue's targets). */
export function upgradeRows(upgrade) {
  if (!upgrade) return [];
  const s = (ms) => (typeof ms === 'number' ? ms / 1000 : null);
  return [
    {
      figure: 'upgrade 1.35 to 1.36, six nodes',
      value: upgrade.wholeUpgradeS,
      unit: 's',
      target: 600,
    },
    {
      figure: 'upgrade: API unavailable via VIP',
      value: s(upgrade.apiUnavailableMs),
      unit: 's',
      target: 1,
    },
    {
      figure: 'upgrade: workload unavailable',
      value: s(upgrade.workloadUnavailableMs),
      unit: 's',
      target: 0,
    },
    { figure: 'upgrade: lost writes', value: upgrade.lostWrites, unit: '', target: 0 },
  ];
}
