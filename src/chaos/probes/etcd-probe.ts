import { etcdMembers, etcdStatus } from '../../lab/clients/etcd-client.js';
import { masters } from '../../core/topology.js';
import type { EtcdMemberStatus } from '../history.js';
import { type ProbeContext, everyInterval } from './probe-context.js';

/**
 * Each member's view: answered status (healthy), leader, raft term and index, DB size.
 * "healthy" means the member answered, not etcd's /health (which fails during an election
 * and would make a normal leader change look like lost quorum).
 */
export function etcdProbe(ctx: ProbeContext): Promise<void> {
  const group = masters(ctx.lab.topology);
  const names = new Map<string, string>();
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
  // Generous: a member that answers late (a busy host while a node boots) is slow, not gone.
  const timeoutMs = 1500;
  return everyInterval(ctx, ctx.options.intervalMs, async () => {
    if (names.size < group.length) await refreshNames();
    const at = Date.now();
    const members: EtcdMemberStatus[] = await Promise.all(
      group.map(async (m) => {
        try {
          const s = await etcdStatus(m.ip, ctx.lab.etcdProbe, timeoutMs);
          const leader = s.leaderId && s.leaderId !== '0' ? names.get(s.leaderId) : undefined;
          return {
            member: m.name,
            healthy: true,
            ...(leader ? { leader } : {}),
            raftTerm: s.raftTerm,
            raftIndex: s.raftIndex,
            dbSizeBytes: s.dbSize,
          };
        } catch {
          return { member: m.name, healthy: false };
        }
      }),
    );
    ctx.emit({ type: 'etcd', at, members });
  });
}
