import { samplesOf, type EtcdSample, type History } from '../history.js';
import { DEFAULTS } from '../scenario/names.js';
import {
  clusterSize,
  hasQuorum,
  healthyCount,
  leaderOf,
  leadersInOneTerm,
  majority,
} from './etcd-view.js';
import { longestSpanWithout } from './spans.js';
import {
  byTime,
  formatDuration,
  offset,
  verdict,
  type CheckContext,
  type Verdict,
} from './verdict.js';

const CHECK = 'etcdQuorum';

/**
 * kept: every etcd sample shows an answering majority and at most one leader per term; the
 * majority agrees on one leader except during elections no longer than `electionLimitMs`; and
 * linearizable reads succeed somewhere at least that often. A majority that answers but has
 * no leader, or serves no linearizable read, for longer has not kept quorum in any useful way.
 * lost: the scenario takes a majority down on purpose, so a sample without quorum must
 * appear; otherwise the fault did not do what the scenario claims.
 */
export function checkEtcdQuorum(
  history: History,
  expectation: 'kept' | 'lost',
  context: CheckContext,
  electionLimitMs: number = DEFAULTS.leaderElectionMs,
): Verdict {
  const samples = byTime(samplesOf(history, 'etcd'));
  if (samples.length === 0) {
    return verdict(CHECK, false, 'no etcd samples were recorded, so quorum cannot be judged', {
      samples: 0,
    });
  }
  const lost = samples.filter((s) => !hasQuorum(s, context.masters));
  const leaderless = longestSpanWithout(
    samples,
    (s) => agreedLeader(s, context.masters),
    history.endedAt,
  );
  const linearizableGap = samples.some((s) => s.members.some((m) => m.linearizable !== undefined))
    ? longestSpanWithout(samples, (s) => s.members.some((m) => m.linearizable), history.endedAt)
    : undefined;
  const figures = {
    samples: samples.length,
    minHealthy: Math.min(...samples.map(healthyCount)),
    maxLeaders: Math.max(...samples.map(leadersInOneTerm)),
    samplesWithoutQuorum: lost.length,
    lostMs: longestSpanWithout(samples, (s) => hasQuorum(s, context.masters), history.endedAt).ms,
    leaderlessMs: leaderless.ms,
    linearizableGapMs: linearizableGap?.ms ?? null,
    electionLimitMs,
  };
  if (expectation === 'lost') {
    return lost.length > 0
      ? verdict(
          CHECK,
          true,
          `quorum lost as expected from ${offset(history, lost[0]!.at)} (for up to ${formatDuration(figures.lostMs)})`,
          figures,
          lost[0]!.at,
        )
      : verdict(
          CHECK,
          false,
          `quorum loss was expected but a majority stayed healthy in all ${samples.length} samples`,
          figures,
        );
  }
  const twoLeaders = samples.filter((s) => leadersInOneTerm(s) > 1);
  if (lost.length > 0) {
    return verdict(
      CHECK,
      false,
      `quorum lost at ${offset(history, lost[0]!.at)}: ${healthyCount(lost[0]!)} healthy member(s) in ${lost.length} of ${samples.length} samples`,
      figures,
      lost[0]!.at,
    );
  }
  if (twoLeaders.length > 0) {
    return verdict(
      CHECK,
      false,
      `${leadersInOneTerm(twoLeaders[0]!)} leaders in one term at ${offset(history, twoLeaders[0]!.at)}`,
      figures,
      twoLeaders[0]!.at,
    );
  }
  if (figures.leaderlessMs > electionLimitMs) {
    return verdict(
      CHECK,
      false,
      `a majority answered but agreed on no leader for ${formatDuration(figures.leaderlessMs)}; elections may take ${formatDuration(electionLimitMs)}`,
      figures,
      leaderless.from,
    );
  }
  if (figures.linearizableGapMs !== null && figures.linearizableGapMs > electionLimitMs) {
    return verdict(
      CHECK,
      false,
      `no linearizable read succeeded for ${formatDuration(figures.linearizableGapMs)} (from ${offset(history, linearizableGap?.from ?? history.startedAt)}); limit ${formatDuration(electionLimitMs)}`,
      figures,
      linearizableGap?.from,
    );
  }
  return verdict(
    CHECK,
    true,
    `a healthy majority, at most one leader a term and no election longer than ${formatDuration(figures.leaderlessMs)} in all ${samples.length} samples (at least ${figures.minHealthy} healthy; linearizable reads never stopped for more than ${formatDuration(figures.linearizableGapMs ?? 0)})`,
    figures,
  );
}

/**
 * A majority of the cluster names one leader in the newest term it reports, and that leader
 * is alive: it answers, or the majority naming it still serves linearizable reads. Followers
 * keep naming a dead leader until their election timeout fires, but their linearizable reads
 * then fail (each needs the leader's confirmation). A leader that is being stopped closes its
 * client port at once and drains its clients' watches for up to its request timeout (7 s)
 * before it hands over, still leading raft all along (captured: stop-master0-leader-draining).
 */
function agreedLeader(sample: EtcdSample, masters: string[]): boolean {
  const leader = leaderOf(sample);
  if (!leader) return false;
  const naming = sample.members.filter((m) => m.healthy && m.leader === leader);
  const needed = majority(clusterSize(sample, masters));
  if (naming.length < needed) return false;
  if (sample.members.some((m) => m.member === leader && m.healthy)) return true;
  return naming.filter((m) => m.linearizable === true).length >= needed;
}

/** The longest stretch of samples for which `holds` was false (to the end if it never returned). */
