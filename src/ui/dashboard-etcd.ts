import type { EtcdMemberStatus, EtcdSample } from '../chaos/history.js';
import { patchRows } from './dashboard-rows.js';
import { push } from './dashboard-timeline.js';
import type { DashboardState, EtcdPanelState, EtcdRole } from './dashboard-types.js';

/** The leader most healthy members agree on, unless that leader itself is down. */
function electedLeader(members: readonly EtcdMemberStatus[]): string | undefined {
  const votes = new Map<string, number>();
  for (const m of members) {
    if (m.healthy && m.leader) votes.set(m.leader, (votes.get(m.leader) ?? 0) + 1);
  }
  let best: string | undefined;
  let bestVotes = 0;
  for (const [name, count] of votes) {
    if (count > bestVotes) {
      best = name;
      bestVotes = count;
    }
  }
  const member = members.find((m) => m.member === best);
  return member && !member.healthy ? undefined : best;
}

export function reduceEtcd(state: DashboardState, sample: EtcdSample): DashboardState {
  const prev = state.etcd;
  const leader = electedLeader(sample.members);
  const healthyMembers = sample.members.filter((m) => m.healthy);
  const terms = healthyMembers.flatMap((m) => (m.raftTerm === undefined ? [] : [m.raftTerm]));
  const sizes = healthyMembers.flatMap((m) => (m.dbSizeBytes === undefined ? [] : [m.dbSizeBytes]));
  const leaderSize = sample.members.find((m) => m.member === leader)?.dbSizeBytes;
  const etcd: EtcdPanelState = {
    members: sample.members,
    leader,
    lastLeader: leader ?? prev.lastLeader,
    raftTerm: terms.length > 0 ? Math.max(...terms) : prev.raftTerm,
    dbSizeBytes: leaderSize ?? (sizes.length > 0 ? Math.max(...sizes) : prev.dbSizeBytes),
    healthy: healthyMembers.length,
    total: sample.members.length,
    observed: true,
  };
  let next: DashboardState = { ...state, etcd };
  if (prev.observed) {
    const hadQuorum = prev.healthy > prev.total / 2;
    const hasQuorum = etcd.healthy > etcd.total / 2;
    if (hadQuorum && !hasQuorum) {
      next = push(
        next,
        sample.at,
        'etcd-quorum-lost',
        'bad',
        `etcd QUORUM LOST (${etcd.healthy}/${etcd.total} healthy)`,
      );
    } else if (!hadQuorum && hasQuorum) {
      next = push(
        next,
        sample.at,
        'etcd-quorum-regained',
        'good',
        `etcd quorum back (${etcd.healthy}/${etcd.total} healthy)`,
      );
    }
    if (leader !== prev.leader) {
      if (leader === undefined) {
        next = push(
          next,
          sample.at,
          'etcd-leader-lost',
          'bad',
          `etcd NO LEADER (was ${prev.leader ?? '?'})`,
        );
      } else if (prev.lastLeader !== undefined && prev.lastLeader !== leader) {
        next = push(
          next,
          sample.at,
          'etcd-leader-changed',
          'good',
          `etcd leader ${prev.lastLeader} → ${leader}`,
        );
      } else {
        next = push(next, sample.at, 'etcd-leader-changed', 'good', `etcd leader ${leader}`);
      }
    }
  }
  const byName = new Map(sample.members.map((m) => [m.member, m]));
  return patchRows(
    next,
    (row) => {
      const member = byName.get(row.name);
      if (!member) return undefined;
      const role: EtcdRole = !member.healthy
        ? 'down'
        : leader === undefined
          ? 'unknown'
          : member.member === leader
            ? 'leader'
            : 'follower';
      return { etcd: role };
    },
    sample.at,
    !prev.observed,
  );
}
