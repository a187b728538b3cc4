import { samplesOf, type History } from '../history.js';
import { leaderOf } from './etcd-view.js';
import {
  byTime,
  formatDuration,
  offset,
  verdict,
  type CheckContext,
  type Verdict,
} from './verdict.js';

const CHECK = 'leaderElection';

/** From the first fault that hits the etcd leader until the survivors agree on another leader. */
export function checkLeaderElection(
  history: History,
  expectation: { withinMs: number },
  context: CheckContext,
): Verdict {
  const samples = byTime(samplesOf(history, 'etcd'));
  if (samples.length === 0) {
    return verdict(CHECK, false, 'no etcd samples were recorded, so no election can be shown', {
      electionMs: null,
    });
  }
  const leaderBefore = (at: number) => {
    const before = samples.filter((s) => s.at < at);
    return before.length > 0 ? leaderOf(before[before.length - 1]!) : undefined;
  };
  const hit = context.faults
    .map((fault) => ({ fault, leader: leaderBefore(fault.appliedAt) }))
    .find(({ fault, leader }) => leader !== undefined && fault.targets.includes(leader));
  if (!hit) {
    const first = context.faults[0];
    const summary = first
      ? `no fault hit the etcd leader (${leaderBefore(first.appliedAt) ?? 'none agreed'} led when ${first.id} hit ${first.targets.join(', ') || 'nothing'})`
      : 'no fault was applied, so no election was provoked';
    return verdict(CHECK, false, summary, { electionMs: null });
  }
  const { fault } = hit;
  const from = hit.leader!;
  const elected = samples.find((s) => {
    const leader = s.at >= fault.appliedAt ? leaderOf(s) : undefined;
    return leader !== undefined && leader !== from;
  });
  if (!elected) {
    return verdict(
      CHECK,
      false,
      `no leader other than ${from} was elected after ${fault.id} (${fault.fault}) at ${offset(history, fault.appliedAt)}`,
      { electionMs: null, from, to: null },
      fault.appliedAt + expectation.withinMs,
    );
  }
  const electionMs = elected.at - fault.appliedAt;
  const to = leaderOf(elected)!;
  return verdict(
    CHECK,
    electionMs <= expectation.withinMs,
    `etcd leader ${from} → ${to} ${formatDuration(electionMs)} after ${fault.id} (${fault.fault}); limit ${formatDuration(expectation.withinMs)}`,
    { electionMs, from, to, limitMs: expectation.withinMs },
    elected.at,
  );
}
