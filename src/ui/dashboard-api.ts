/** Writes go through the VIP too, so their tally sits with the API's availability. */
import type { ApiSample, WriteSample } from '../chaos/history.js';
import { addSample } from './availability-series.js';
import { patchRows } from './dashboard-rows.js';
import { push, replaceLast } from './dashboard-timeline.js';
import type { DashboardState } from './dashboard-types.js';
import { formatDuration } from './format.js';

export function reduceApi(state: DashboardState, sample: ApiSample): DashboardState {
  if (sample.target !== 'vip') {
    return patchRows(
      state,
      (row) => (row.name === sample.target ? { apiReady: sample.ok } : undefined),
      sample.at,
    );
  }
  const prev = state.api;
  let next: DashboardState = {
    ...state,
    api: {
      ...prev,
      series: addSample(prev.series, sample.at, sample.ok, sample.latencyMs),
      up: sample.ok,
      downSince: sample.ok ? undefined : (prev.downSince ?? sample.at),
      lastDetail: sample.detail,
    },
  };
  if (prev.up === sample.ok || prev.up === undefined) return next;
  next = { ...next, api: { ...next.api, lastTransitionAt: sample.at } };
  const last = state.timeline[state.timeline.length - 1];
  const flapping = last?.kind === 'api-flapping';
  if (!sample.ok) {
    const upBriefly =
      (last?.kind === 'api-up' || flapping) &&
      prev.lastTransitionAt !== undefined &&
      sample.at - prev.lastTransitionAt < FLAP_WINDOW_MS;
    if (!upBriefly) {
      next = { ...next, api: { ...next.api, outages: 1 } };
      return push(next, sample.at, 'api-down', 'bad', `API DOWN via VIP (${sample.detail})`);
    }
    const outages = (flapping ? prev.outages : 1) + 1;
    next = { ...next, api: { ...next.api, outages } };
    return replaceLast(
      next,
      'api-flapping',
      'bad',
      `API FLAPPING via VIP: ${outages} outages, now DOWN (${sample.detail})`,
    );
  }
  if (flapping) {
    return replaceLast(
      next,
      'api-flapping',
      'bad',
      `API FLAPPING via VIP: ${prev.outages} outages, now up`,
    );
  }
  const after =
    prev.downSince === undefined ? '' : ` after ${formatDuration(sample.at - prev.downSince)}`;
  return push(next, sample.at, 'api-up', 'good', `API up via VIP${after}`);
}

/**
 * A VIP that flips between two holders makes the API fail every other second; one line that
 * counts the outages says that better than a screenful of down/up pairs.
 */
const FLAP_WINDOW_MS = 2000;

export function reduceWrite(state: DashboardState, sample: WriteSample): DashboardState {
  return {
    ...state,
    writes: { ...state.writes, [sample.outcome]: state.writes[sample.outcome] + 1 },
  };
}
