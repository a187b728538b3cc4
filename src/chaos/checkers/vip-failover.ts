import { samplesOf, type History } from '../history.js';
import {
  byTime,
  formatDuration,
  offset,
  verdict,
  type CheckContext,
  type Verdict,
} from './verdict.js';
import { soleHolderBefore } from './vip-view.js';

const CHECK = 'vipFailover';

/**
 * From the first fault that hits the master holding the VIP, how long until exactly one
 * other master, one the fault did not hit, holds it. Only the first such fault counts:
 * later ones happen on a cluster that has already moved the VIP once.
 */
export function checkVipFailover(
  history: History,
  expectation: { withinMs: number },
  context: CheckContext,
): Verdict {
  const samples = byTime(samplesOf(history, 'vip'));
  if (samples.length === 0) {
    return verdict(CHECK, false, 'no VIP samples were recorded, so failover cannot be shown', {
      failoverMs: null,
    });
  }
  if (context.faults.length === 0) {
    return verdict(CHECK, false, 'no fault was applied, so there was nothing to fail over from', {
      failoverMs: null,
    });
  }
  const hit = context.faults
    .map((fault) => ({ fault, holder: soleHolderBefore(samples, fault.appliedAt) }))
    .find(({ fault, holder }) => holder !== undefined && fault.targets.includes(holder));
  if (!hit) {
    const first = context.faults[0]!;
    const holder = soleHolderBefore(samples, first.appliedAt) ?? 'no single master';
    return verdict(
      CHECK,
      false,
      `no fault hit the VIP holder (${holder} held it when ${first.id} hit ${first.targets.join(', ') || 'nothing'})`,
      { failoverMs: null },
    );
  }
  const { fault } = hit;
  const from = hit.holder!;
  const taken = samples.find(
    (s) =>
      s.at >= fault.appliedAt &&
      s.holders.length === 1 &&
      s.holders[0] !== from &&
      context.masters.includes(s.holders[0]!) &&
      !fault.targets.includes(s.holders[0]!),
  );
  if (!taken) {
    return verdict(
      CHECK,
      false,
      `the VIP never moved from ${from} to exactly one other live master after ${fault.id} (${fault.fault}) at ${offset(history, fault.appliedAt)}`,
      { failoverMs: null, from, to: null, faultId: fault.id },
      // When the limit ran out without a new holder.
      fault.appliedAt + expectation.withinMs,
    );
  }
  const failoverMs = taken.at - fault.appliedAt;
  const to = taken.holders[0]!;
  const passed = failoverMs <= expectation.withinMs;
  return verdict(
    CHECK,
    passed,
    `VIP moved ${from} → ${to} ${formatDuration(failoverMs)} after ${fault.id} (${fault.fault}); limit ${formatDuration(expectation.withinMs)}`,
    { failoverMs, from, to, faultId: fault.id, limitMs: expectation.withinMs },
    taken.at,
  );
}
