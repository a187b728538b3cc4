import type { VipSample } from '../chaos/history.js';
import { patchRows } from './dashboard-rows.js';
import { push } from './dashboard-timeline.js';
import type { DashboardState, VipState } from './dashboard-types.js';

function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

export function reduceVip(state: DashboardState, sample: VipSample): DashboardState {
  const prev = state.vip;
  const holders = sample.holders;
  let next: DashboardState = {
    ...state,
    vip: {
      holders,
      unknown: sample.unknown,
      lastHolder: holders.length === 1 ? holders[0] : prev.lastHolder,
      observed: true,
    },
  };
  if (prev.observed && !sameMembers(prev.holders, holders)) {
    next = vipTransition(next, prev, sample);
  }
  return patchRows(
    next,
    (row) => ({ hasVip: holders.includes(row.name) }),
    sample.at,
    !prev.observed,
  );
}

function vipTransition(state: DashboardState, prev: VipState, sample: VipSample): DashboardState {
  const { at, holders, unknown } = sample;
  const wasSplit = prev.holders.length >= 2;
  const isSplit = holders.length >= 2;
  if (isSplit) {
    return wasSplit
      ? push(state, at, 'split-brain-begins', 'bad', `SPLIT BRAIN now ${holders.join(' + ')}`)
      : push(
          state,
          at,
          'split-brain-begins',
          'bad',
          `SPLIT BRAIN: ${holders.join(' + ')} hold the VIP`,
        );
  }
  const holder = holders[0];
  if (wasSplit) {
    const text = holder
      ? `split brain over: ${holder} holds the VIP`
      : 'split brain over: no master holds the VIP';
    return push(state, at, 'split-brain-ends', holder ? 'good' : 'bad', text);
  }
  if (holder === undefined) {
    const why = unknown.length > 0 ? ` (${unknown.join(', ')} unreachable)` : '';
    return push(state, at, 'vip-lost', 'bad', `VIP LOST: no master holds it${why}`);
  }
  const from = prev.lastHolder;
  if (from !== undefined && from !== holder) {
    return push(state, at, 'vip-moved', 'good', `VIP moved ${from} → ${holder}`);
  }
  return push(state, at, 'vip-acquired', 'good', `VIP held by ${holder}`);
}
