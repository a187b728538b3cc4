import { etcdLinearizableRead, etcdMembers, etcdStatus } from '../../lab/clients/etcd-client.js';
import { masters } from '../../core/topology.js';
import type { EtcdMemberStatus } from '../history.js';
import { type ProbeContext, everyInterval, memberInterval } from './probe-context.js';

/** A member that has not answered within this long is down, not merely slow (a busy host). */
const MEMBER_TIMEOUT_MS = 2500;
/** A linearizable read takes milliseconds: none begun and answered within this is a stall. */
const LINEARIZABLE_FRESH_MS = 1000;

/**
 * Each member's view: answered status (healthy), leader, raft term and index, DB size.
 * "healthy" means the member answered, not etcd's /health (which fails during an election
 * and would make a normal leader change look like lost quorum). Every member has its own
 * loop, so a dead one (whose requests hang until the timeout) never delays the others; one
 * sample per interval combines each member's latest answer.
 */
export function etcdProbe(ctx: ProbeContext): Promise<void>[] {
  const group = masters(ctx.lab.topology);
  const names = new Map<string, string>();
  const latest = new Map<string, EtcdMemberStatus>();
  const refreshNames = async () => {
    for (const m of group) {
      try {
        for (const member of await etcdMembers(m.ip, ctx.lab.etcdProbe, 1000))
          names.set(member.id, member.name);
        return;
      } catch {
        // ask the next member
      }
    }
  };
  const perMember = group.map((m) =>
    everyInterval(ctx, memberInterval(ctx.options), async () => {
      if (names.size < group.length) await refreshNames();
      try {
        const s = await etcdStatus(m.ip, ctx.lab.etcdProbe, MEMBER_TIMEOUT_MS);
        // A replaced member or a restored cluster has new member ids: learn them when one leads.
        if (s.leaderId && s.leaderId !== '0' && !names.get(s.leaderId)) await refreshNames();
        const leader = s.leaderId && s.leaderId !== '0' ? names.get(s.leaderId) : undefined;
        latest.set(m.name, {
          member: m.name,
          healthy: true,
          ...(leader ? { leader } : {}),
          raftTerm: s.raftTerm,
          raftIndex: s.raftIndex,
          dbSizeBytes: s.dbSize,
        });
      } catch {
        latest.set(m.name, { member: m.name, healthy: false });
      }
    }),
  );
  // When each member last served a linearizable read, by when that read began: a read that
  // hangs (no leader) leaves it ageing, where "the last answer was ok" would stay true.
  const linearizableAt = new Map<string, number>();
  const linearizable = group.map((m) =>
    everyInterval(ctx, memberInterval(ctx.options), async () => {
      const began = Date.now();
      if (await etcdLinearizableRead(m.ip, ctx.lab.etcdProbe, MEMBER_TIMEOUT_MS).catch(() => false))
        linearizableAt.set(m.name, began);
    }),
  );
  const sampler = everyInterval(ctx, memberInterval(ctx.options), async () => {
    if (latest.size < group.length) return;
    const at = Date.now();
    ctx.emit({
      type: 'etcd',
      at,
      members: group.map((m) => {
        const member = latest.get(m.name) ?? { member: m.name, healthy: false };
        const fresh = at - (linearizableAt.get(m.name) ?? 0) <= LINEARIZABLE_FRESH_MS;
        return { ...member, linearizable: member.healthy && fresh };
      }),
    });
  });
  return [...perMember, ...linearizable, sampler];
}
