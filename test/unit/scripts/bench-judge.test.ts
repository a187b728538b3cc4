import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs helper of the bench, without types
import { judge, renderTable } from '../../../scripts/bench/judge.mjs';
// @ts-expect-error: a plain .mjs helper of the bench, without types
import { targetRows } from '../../../scripts/bench/targets.mjs';
// @ts-expect-error: a plain .mjs helper of the bench, without types
import { upgradeRows } from '../../../scripts/bench/upgrade.mjs';

interface Judged {
  rows: { figure: string; met: boolean; reasons: string[]; floorRatio: number | null }[];
  missed: number;
}
const run = (rows: unknown[]) => judge(rows) as Judged;

describe('the bench judges its own figures', () => {
  it('meets a figure at or under its target and misses one above it', () => {
    const judged = run([
      { figure: 'reset', value: 30, unit: 's', target: 30 },
      { figure: 'up', value: 61, unit: 's', target: 60 },
    ]);
    expect(judged.rows.map((r) => r.met)).toEqual([true, false]);
    expect(judged.missed).toBe(1);
  });

  it('misses a figure that was not measured: no figure, no evidence the target holds', () => {
    expect(run([{ figure: 'up', value: null, unit: 's', target: 60 }]).rows[0]?.reasons).toEqual([
      'not measured',
    ]);
  });

  it('misses a failover under its target but too far above the floor measured in the same run', () => {
    const judged = run([
      { figure: 'fast', value: 0.9, unit: 's', target: 1, floor: 0.5, floorTarget: 1.5 },
    ]);
    expect(judged.rows[0]?.floorRatio).toBeCloseTo(1.8);
    expect(judged.rows[0]?.reasons).toEqual(['1.80x floor > 1.5x']);
    expect(renderTable(judged)).toMatch(/MISSED: 1\.80x floor > 1\.5x/);
  });

  it("holds the default profile to 1.1x this run's floor", () => {
    const rows = targetRows({
      vrrpFloor: { default: { p95Ms: 3300 }, fast: { p95Ms: 650 } },
      killMaster0: { apiUnavailableMs: { p95: 3800 } },
      killMaster0Fast: { apiUnavailableMs: { p95: 900 } },
      fullUpS: 55,
      reset: { s: 20 },
      benchMinutes: 25,
    });
    const judged = run(rows);
    expect(judged.rows.filter((r) => !r.met).map((r) => r.figure)).toEqual([
      'kill-master0 API unavailable p95 (default)',
    ]);
  });
});

describe('the upgrade rows', () => {
  it("judge a run against issue 15's targets, a missing figure counting as a miss", () => {
    const good = {
      wholeUpgradeS: 373,
      apiUnavailableMs: 0,
      workloadUnavailableMs: 0,
      lostWrites: 0,
    };
    expect(judge(upgradeRows(good)).missed).toBe(0);
    const slow = judge(
      upgradeRows({ ...good, wholeUpgradeS: 640, apiUnavailableMs: 1200 }),
    ) as Judged;
    expect(slow.rows.filter((r) => !r.met).map((r) => r.figure)).toEqual([
      'upgrade 1.35 to 1.36, six nodes',
      'upgrade: API unavailable via VIP',
    ]);
    expect(judge(upgradeRows({ ...good, workloadUnavailableMs: null })).missed).toBe(1);
    expect(upgradeRows(undefined)).toEqual([]);
  });
});
