import { UsageError } from '../../core/errors.js';
import { etcdMembers, etcdStatus } from '../../lab/clients/etcd-client.js';
import type { OpenLab } from '../../lab/open-lab.js';
import { vipHolders } from '../../lab/vip-holders.js';
import { findNode, masters } from '../../core/topology.js';

/** Which masters hold the VIP right now (asked inside each node). */
export async function currentVipHolders(lab: OpenLab): Promise<string[]> {
  return vipHolders(
    lab.runners,
    masters(lab.topology).map((m) => m.name),
    lab.topology,
  );
}

/** The etcd leader's member name, asked of any member that answers. */
export async function currentEtcdLeader(lab: OpenLab): Promise<string | undefined> {
  for (const m of masters(lab.topology)) {
    try {
      const [status, members] = await Promise.all([
        etcdStatus(m.ip, lab.etcdProbe, 2000),
        etcdMembers(m.ip, lab.etcdProbe, 2000),
      ]);
      const leader = members.find((x) => x.id === status.leaderId);
      if (leader) return leader.name;
    } catch {
      // try the next member
    }
  }
  return undefined;
}

/** Turns a scenario target (a node, etcd-leader, vip-holder, all-masters, all-nodes) into node names. */
export async function resolveTarget(lab: OpenLab, target: string): Promise<string[]> {
  switch (target) {
    case 'all-nodes':
      return lab.topology.nodes.map((n) => n.name);
    case 'all-masters':
      return masters(lab.topology).map((m) => m.name);
    case 'vip-holder': {
      const holders = await currentVipHolders(lab);
      if (holders.length !== 1)
        throw new UsageError(
          'no-vip-holder',
          `cannot pick the VIP holder: ${holders.length} masters hold it`,
        );
      return holders;
    }
    case 'etcd-leader': {
      const leader = await currentEtcdLeader(lab);
      if (!leader)
        throw new UsageError(
          'no-etcd-leader',
          'cannot pick the etcd leader: no member reports one',
        );
      return [leader];
    }
    default:
      return [findNode(lab.topology, target).name];
  }
}
