import type { EtcdSample } from '../history.js';

export function majority(size: number): number {
  return Math.floor(size / 2) + 1;
}

/** A member the probe could not list still counts towards the size the majority is taken of. */
export function clusterSize(sample: EtcdSample, masters: string[]): number {
  return Math.max(masters.length, sample.members.length);
}

export function healthyCount(sample: EtcdSample): number {
  return sample.members.filter((m) => m.healthy).length;
}

export function hasQuorum(sample: EtcdSample, masters: string[]): boolean {
  return healthyCount(sample) >= majority(clusterSize(sample, masters));
}

/**
 * Most distinct leaders named within one raft term. Members naming different leaders in
 * different terms are only out of date; two leaders in the same term would be a real
 * split. Without a term every answer is taken as the same term, the cautious reading.
 */
export function leadersInOneTerm(sample: EtcdSample): number {
  const byTerm = new Map<string, Set<string>>();
  for (const member of sample.members) {
    if (!member.healthy || member.leader === undefined || member.leader === '') continue;
    const term = String(member.raftTerm ?? '?');
    const leaders = byTerm.get(term) ?? new Set<string>();
    leaders.add(member.leader);
    byTerm.set(term, leaders);
  }
  return Math.max(0, ...[...byTerm.values()].map((s) => s.size));
}

/**
 * The leader most healthy members name, looking only at the newest term reported; undefined
 * when none is named or two are named equally often (an election still settling).
 */
export function leaderOf(sample: EtcdSample): string | undefined {
  const voters = sample.members.filter((m) => m.healthy && m.leader);
  const newest = Math.max(-1, ...voters.map((m) => m.raftTerm ?? -1));
  const counts = new Map<string, number>();
  for (const member of voters) {
    if (member.raftTerm !== undefined && member.raftTerm < newest) continue;
    counts.set(member.leader!, (counts.get(member.leader!) ?? 0) + 1);
  }
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  const [top, second] = ranked;
  if (!top || (second && second[1] === top[1])) return undefined;
  return top[0];
}
