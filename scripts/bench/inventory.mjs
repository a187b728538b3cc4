// Issue 13: an inventory lab on six SSH machines, side by side with the Docker lab of the same
// bench run. The machines and the steps are the inventory e2e's (test/inventory), which writes
// its measurements where HA_LAB_BENCH_OUT says; it runs after the Docker lab is gone.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function measureInventory() {
  const out = join(mkdtempSync(join(tmpdir(), 'bench-inventory-')), 'figures.json');
  const run = spawnSync('npx', ['vitest', 'run', '--project', 'inventory'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 3_600_000,
    env: { ...process.env, HA_LAB_BENCH_OUT: out, TESTCONTAINERS_RYUK_DISABLED: 'true' },
  });
  let figures = {};
  try {
    figures = JSON.parse(readFileSync(out, 'utf8'));
  } catch {
    // the e2e failed before it could write anything: the rows below read as not measured
  }
  return { passed: run.status === 0, ...figures };
}

export function inventoryRows(results) {
  const inv = results.inventory;
  if (!inv) return [];
  const dockerUp = results.fullUpS ?? null;
  const km = inv.killMaster0?.figures ?? {};
  return [
    {
      figure: 'up --inventory on six SSH machines / Docker up (same run)',
      value:
        typeof inv.upS === 'number' && dockerUp
          ? Math.round((inv.upS / dockerUp) * 100) / 100
          : null,
      unit: 'x',
      target: 1.5,
    },
    {
      figure: 'second up --inventory (whole lab, nothing sent)',
      value: inv.secondUpS ?? null,
      unit: 's',
      target: 20,
    },
    {
      figure: 'kill-master0 on the SSH lab: failed runs',
      value: inv.killMaster0 ? (inv.killMaster0.passed ? 0 : 1) : null,
      unit: '',
      target: 0,
    },
    {
      figure: 'kill-master0 on the SSH lab: API unavailable',
      value:
        typeof km.apiUnavailable?.unavailableMs === 'number'
          ? km.apiUnavailable.unavailableMs / 1000
          : null,
      unit: 's',
      // The Docker lab's p95 of the same run: the same limits.
      target:
        typeof results.killMaster0?.apiUnavailableMs?.p95 === 'number'
          ? Math.max(results.killMaster0.apiUnavailableMs.p95 / 1000, 1)
          : 10,
    },
  ];
}
