// `npm run bench`: measures the targets the issues name, on this machine, and prints them.
// A benchmark, not a test: it reports figures; it fails only when a step itself errors.
//   --quick        skip the soak and the fast-profile lab
//   --soak N       soak iterations (default 20)
//   --repeat N     kill-master0 repetitions for percentiles (default 5)
//   --soak-only    only the soak (a fresh lab, kill-master0 --soak times, memory and disk)
//   --tui-only N   only the dashboard's CPU and key-to-fault latency, on the existing lab N
//   --vrrp-floor-only  only the VRRP floor (scripts/bench/vrrp-floor.mjs), both profiles
//   --json PATH    also write the figures and the judged table there
// It ends with one table of figures against their targets and exits 3 when one is missed.
//   --library-only N  only HaLab.attach() time and the events() delay, on the existing lab N
//   --upgrade-only    only the rolling upgrade (a 1.35 lab, upgrade-minor); --no-upgrade skips it
//   --inventory-only  only a Docker up and, after it, the inventory lab on six SSH machines
//                     (up, second up, kill-master0, down); --no-inventory skips the latter
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { judge, renderTable, writeJson } from './bench/judge.mjs';
import { targetRows } from './bench/targets.mjs';
import { vrrpFloors } from './bench/vrrp-floor.mjs';
import { measureLibrary } from './bench-library.mjs';
import { diskMiB, memoryByNode, stats, sum } from './bench/lab-figures.mjs';
import { measureTui } from './bench/tui.mjs';
import { measureUpgrade, upgradeRows } from './bench/upgrade.mjs';
import { inventoryRows, measureInventory } from './bench/inventory.mjs';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const quick = args.includes('--quick');
const soakRuns = flag('--soak', quick ? 0 : 20);
const repeat = flag('--repeat', 5);
const cli = new URL('../dist/cli/main.js', import.meta.url).pathname;
const results = {};
const lab = `bench-${process.pid.toString(36)}`;
const jsonPath = args.includes('--json') ? args[args.indexOf('--json') + 1] : undefined;
const benchStarted = Date.now();

/** Prints the judged table, keeps the JSON where asked, and exits 3 on a missed target. */
function verdict() {
  results.benchMinutes = Math.round((Date.now() - benchStarted) / 6000) / 10;
  const judged = judge(targetRows(results));
  console.log(renderTable(judged));
  if (jsonPath) writeJson(jsonPath, { results, judged });
  if (judged.missed > 0) process.exitCode = 3;
}

function haLab(argv, { allowFail = false } = {}) {
  const started = Date.now();
  const r = spawnSync('node', [cli, ...argv], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 3_600_000,
  });
  const ms = Date.now() - started;
  if (r.status !== 0 && !allowFail) {
    throw new Error(
      `ha-lab ${argv.join(' ')} exited ${r.status}: ${(r.stderr || '').split('\n').slice(-3).join(' | ')}`,
    );
  }
  return { ms, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function scenario(name, labName, times = 1) {
  const dir = mkdtempSync(join(tmpdir(), `bench-${name}-`));
  const r = haLab(
    ['scenario', 'run', name, '--name', labName, '--report-dir', dir, '--repeat', String(times)],
    { allowFail: true },
  );
  const reports =
    times === 1
      ? [join(dir, 'report.json')]
      : Array.from({ length: times }, (_, i) =>
          join(dir, `run-${String(i + 1).padStart(2, '0')}`, 'report.json'),
        );
  const runs = reports
    .map((p) => {
      try {
        return JSON.parse(readFileSync(p, 'utf8'));
      } catch {
        return undefined;
      }
    })
    .filter(Boolean);
  const figure = (check, key) =>
    runs
      .map((rep) => rep.verdicts.find((v) => v.check === check)?.figures?.[key])
      .filter((v) => typeof v === 'number');
  const probeCpuPercent = runs
    .map((rep) => rep.history?.probeCpu?.percentOfCore)
    .filter((v) => typeof v === 'number');
  const failed = runs.flatMap((rep) =>
    rep.verdicts.filter((v) => !v.passed).map((v) => `${v.check}: ${v.summary}`),
  );
  return {
    exit: r.status,
    passed: runs.filter((x) => x.passed).length,
    runs: runs.length,
    figure,
    probeCpuPercent,
    failed,
    dir,
  };
}

async function soak(name, runs) {
  const before = { memory: sum(await memoryByNode(name)), disk: await diskMiB(name) };
  const started = Date.now();
  const run = scenario('kill-master0', name, runs);
  await new Promise((r) => setTimeout(r, 20_000));
  const after = { memory: sum(await memoryByNode(name)), disk: await diskMiB(name) };
  results.soak = {
    passed: `${run.passed}/${run.runs}`,
    minutes: Math.round((Date.now() - started) / 6000) / 10,
    memoryMiB: { before: before.memory, after: after.memory },
    diskMiB: { before: before.disk, after: after.disk },
    apiUnavailableMs: stats(run.figure('apiUnavailable', 'unavailableMs')),
    vipFailoverMs: stats(run.figure('vipFailover', 'failoverMs')),
    lostWrites: run.figure('noLostWrites', 'lostWrites').reduce((a, b) => a + b, 0),
    reports: run.dir,
  };
}

async function main() {
  console.log(
    `ha-lab bench on ${execFileSync('nproc', { encoding: 'utf8' }).trim()} cores (lab ${lab})`,
  );
  if (args.includes('--tui-only')) {
    // Measure the dashboard against an existing lab: --tui-only NAME.
    results.tui = await measureTui(cli, args[args.indexOf('--tui-only') + 1]);
    console.log(JSON.stringify(results, null, 2));
    return;
  }
  if (args.includes('--library-only')) {
    results.library = await measureLibrary(args[args.indexOf('--library-only') + 1]);
    console.log(JSON.stringify(results, null, 2));
    return;
  }
  haLab(['build']);
  if (args.includes('--upgrade-only')) {
    results.upgrade = measureUpgrade(haLab, lab);
    console.log(JSON.stringify(results, null, 2));
    const judged = judge(upgradeRows(results.upgrade));
    console.log(renderTable(judged));
    if (judged.missed > 0) process.exitCode = 3;
    return;
  }
  if (args.includes('--inventory-only')) {
    try {
      results.fullUpS = haLab(['up', '--name', lab, '--no-tui']).ms / 1000;
    } finally {
      haLab(['down', '--name', lab], { allowFail: true });
    }
    haLab(['build', '--for-hosts']);
    results.inventory = measureInventory();
    console.log(JSON.stringify(results, null, 2));
    const judged = judge(inventoryRows(results));
    console.log(renderTable(judged));
    if (judged.missed > 0) process.exitCode = 3;
    return;
  }
  if (args.includes('--vrrp-floor-only')) {
    results.vrrpFloor = await vrrpFloors(lab);
    console.log(JSON.stringify(results.vrrpFloor, null, 2));
    if (jsonPath) writeJson(jsonPath, { results });
    return;
  }
  // Issue 18: the floor first, on an otherwise idle machine, in the same run as the figures.
  results.vrrpFloor = await vrrpFloors(lab);
  if (args.includes('--soak-only')) {
    try {
      haLab(['up', '--name', lab, '--no-tui']);
      await soak(lab, soakRuns || 20);
    } finally {
      haLab(['down', '--name', lab], { allowFail: true });
    }
    console.log(JSON.stringify(results, null, 2));
    return;
  }
  try {
    // Issue 3: six nodes to systemd running, warm; idle memory; down.
    const nodesUp = haLab(['up', '--name', lab, '--nodes-only', '--no-tui']);
    results.warmUpToSystemdRunningS = nodesUp.ms / 1000;
    // Idle means after boot work is done: wait for the preloaded images' import on every node.
    for (const node of ['master-0', 'master-1', 'master-2', 'worker-0', 'worker-1', 'worker-2']) {
      spawnSync(
        'docker',
        [
          'exec',
          `${lab}-${node}`,
          'sh',
          '-c',
          'for i in $(seq 120); do [ -e /run/ha-lab-preloaded ] && exit 0; sleep 1; done',
        ],
        { stdio: 'ignore' },
      );
    }
    await new Promise((r) => setTimeout(r, 10_000));
    const idle = await memoryByNode(lab);
    results.idleNodesMemoryMiB = { total: sum(idle), perNode: idle };
    results.downS = haLab(['down', '--name', lab]).ms / 1000;

    // Issue 4: full up, warm cache; running lab memory per node.
    const full = haLab(['up', '--name', lab, '--no-tui']);
    results.fullUpS = full.ms / 1000;
    results.fullUpPhases = full.stderr
      .split('\n')
      .filter((l) => l.includes('done in'))
      .map((l) => l.replace(/^\[\s*[\d.]+s\]\s*/, ''));
    // Issue 18: a snapshot of the fresh lab (its cost apart from up's), then a reset to it.
    results.snapshotSaveS = haLab(['snapshot', 'save', '--name', lab]).ms / 1000;
    const reset = haLab(['reset', '--name', lab]);
    results.reset = { s: reset.ms / 1000, summary: reset.stdout.trim() };
    await new Promise((r) => setTimeout(r, 20_000));
    const running = await memoryByNode(lab);
    results.runningLabMemoryMiB = { total: sum(running), perNode: running };

    // Issue 6: the dashboard's CPU while idle-watching, and key press to fault applied.
    results.tui = await measureTui(cli, lab);

    // Issue 14: HaLab.attach() on the running lab, events() delivery.
    results.library = await measureLibrary(lab);

    // Issue 5: kill-master0 percentiles, kill-etcd-leader election time.
    const km = scenario('kill-master0', lab, repeat);
    results.killMaster0 = {
      passed: `${km.passed}/${km.runs}`,
      apiUnavailableMs: stats(km.figure('apiUnavailable', 'unavailableMs')),
      vipFailoverMs: stats(km.figure('vipFailover', 'failoverMs')),
      rejoinMs: stats(km.figure('rejoin', 'rejoinMs')),
      lostWrites: km.figure('noLostWrites', 'lostWrites').reduce((a, b) => a + b, 0),
      indeterminateWrites: stats(km.figure('noLostWrites', 'unknownWrites')),
      runnerCpuPercentOfCore: stats(km.probeCpuPercent),
      failedChecks: km.failed,
      reports: km.dir,
    };
    const kl = scenario('kill-etcd-leader', lab);
    results.killEtcdLeader = {
      passed: `${kl.passed}/${kl.runs}`,
      electionMs: kl.figure('leaderElection', 'electionMs')[0] ?? null,
    };

    // Issue 7: soak, memory and disk steady.
    if (soakRuns > 0) {
      const before = { memory: sum(await memoryByNode(lab)), disk: await diskMiB(lab) };
      const soak = scenario('kill-master0', lab, soakRuns);
      await new Promise((r) => setTimeout(r, 20_000));
      const after = { memory: sum(await memoryByNode(lab)), disk: await diskMiB(lab) };
      results.soak = {
        passed: `${soak.passed}/${soak.runs}`,
        memoryMiB: { before: before.memory, after: after.memory },
        diskMiB: { before: before.disk, after: after.disk },
        apiUnavailableMs: stats(soak.figure('apiUnavailable', 'unavailableMs')),
      };
    }
    haLab(['down', '--name', lab]);

    // The fast timing profile.
    if (!quick) {
      haLab(['up', '--name', lab, '--no-tui', '--timing', 'fast']);
      const fast = scenario('kill-master0', lab, repeat);
      results.killMaster0Fast = {
        passed: `${fast.passed}/${fast.runs}`,
        apiUnavailableMs: stats(fast.figure('apiUnavailable', 'unavailableMs')),
        vipFailoverMs: stats(fast.figure('vipFailover', 'failoverMs')),
        rejoinMs: stats(fast.figure('rejoin', 'rejoinMs')),
        failedChecks: fast.failed,
      };
    }
    haLab(['down', '--name', lab]);
    // Issue 15: the rolling minor upgrade on a lab of its own.
    if (!args.includes('--no-upgrade')) results.upgrade = measureUpgrade(haLab, lab);
    // Issue 13: the inventory lab, once no Docker lab runs beside it.
    if (!args.includes('--no-inventory')) {
      haLab(['down', '--name', lab], { allowFail: true });
      haLab(['build', '--for-hosts']);
      results.inventory = measureInventory();
    }
  } finally {
    haLab(['down', '--name', lab], { allowFail: true });
  }
  const out = JSON.stringify(results, null, 2);
  console.log(out);
  writeFileSync(join(tmpdir(), 'ha-lab-bench.json'), out);
  verdict();
}

main().catch((error) => {
  console.error(`bench failed: ${error.message}`);
  haLab(['down', '--name', lab], { allowFail: true });
  process.exitCode = 1;
});
