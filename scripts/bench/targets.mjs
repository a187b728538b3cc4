import { inventoryRows } from './inventory.mjs';
import { upgradeRows } from './upgrade.mjs';

// Issue 18's (and 15's) targets as judge rows, from the figures one bench run collected (seconds).
const s = (ms) => (typeof ms === 'number' ? ms / 1000 : null);

export function targetRows(results) {
  const floorDefault = s(results.vrrpFloor?.default?.p95Ms);
  const floorFast = s(results.vrrpFloor?.fast?.p95Ms);
  const rows = [
    { figure: 'warm up (no snapshot)', value: results.fullUpS ?? null, unit: 's', target: 60 },
    {
      figure: 'reset to pristine and whole',
      value: results.reset?.s ?? null,
      unit: 's',
      target: 30,
    },
    {
      figure: 'kill-master0 API unavailable p95 (default)',
      value: s(results.killMaster0?.apiUnavailableMs?.p95),
      unit: 's',
      // Only relative to the floor of this run: 1.1x it.
      target: floorDefault ? Math.round(floorDefault * 1.1 * 100) / 100 : 0,
      floor: floorDefault,
      floorTarget: 1.1,
    },
    {
      figure: 'kill-master0 API unavailable p95 (fast)',
      value: s(results.killMaster0Fast?.apiUnavailableMs?.p95),
      unit: 's',
      target: 1.0,
      floor: floorFast,
      floorTarget: 1.5,
    },
    { figure: 'whole bench', value: results.benchMinutes ?? null, unit: 'min', target: 30 },
    ...upgradeRows(results.upgrade),
    ...inventoryRows(results),
  ];
  return rows;
}
