import {
  ADD_PARTITION_ARP_DROPS,
  ADD_PARTITION_ARP_EXEMPTION,
  REMOVE_PARTITION_ARP,
} from '../core/partition-arp.js';
import { type NodeRunner, run } from './node-runner.js';

/**
 * The network fault primitives, done inside a machine with iptables and arptables: the same
 * on a node container and on a host reached over SSH. Each rule carries a comment tag so its
 * undo removes exactly what the fault added.
 */
const PARTITION_TAG = 'ha-lab-partition';
const VRRP_TAG = 'ha-lab-block-vrrp';

/** Deletes every rule carrying our comment tag; safe to run when none is there. */
function removeTaggedRules(tag: string): string {
  return `for chain in INPUT OUTPUT; do
  while iptables -S "$chain" | grep -q -- '--comment ${tag}'; do
    rule=$(iptables -S "$chain" | grep -- '--comment ${tag}' | head -n1 | sed "s/^-A /-D /")
    eval "iptables $rule"
  done
done`;
}

/** An operator's SSH session into a host, which partitioning that host must leave working. */
export interface SessionExemption {
  /** The operator's address as the host sees it (after any NAT). */
  operator: string;
  /** The host's own address the session arrives at. */
  host: string;
  /** The port sshd answers the session on. */
  port: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * Accepts exactly the session's TCP, and the ARP between the host's address and the next hop
 * towards the operator (the operator itself on the lab subnet, else its gateway), so the
 * session outlives its ARP cache entries. Nothing else is let through: the host's answers
 * about the VIP stay dropped, or the operator's cache would be poisoned as the peers' would.
 * The next hop is read before any rule goes in, so a failure cannot leave the host cut off.
 */
function exemptionRules({ operator, host, port }: SessionExemption): string {
  // The values come from the host's environment and go into a shell script.
  for (const address of [operator, host]) {
    const octets = IPV4.exec(address)?.slice(1) ?? [];
    if (octets.length !== 4 || !octets.every((octet) => Number(octet) <= 255)) {
      throw new TypeError(`not an IPv4 address: ${JSON.stringify(address)}`);
    }
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new TypeError(`not a TCP port: ${port}`);
  }
  return `hop=$(ip -4 route get ${operator} | sed -n 's/.* via \\([0-9.]*\\).*/\\1/p')
hop=\${hop:-${operator}}
iptables -I INPUT 1 -s ${operator} -d ${host} -p tcp --dport ${port} -m comment --comment ${PARTITION_TAG} -j ACCEPT
iptables -I OUTPUT 1 -s ${host} -d ${operator} -p tcp --sport ${port} -m comment --comment ${PARTITION_TAG} -j ACCEPT
host=${host}
${ADD_PARTITION_ARP_EXEMPTION}
`;
}

/**
 * Drops everything to and from the lab subnet (peers, VXLAN, the host at the gateway
 * address), leaving loopback: the machine is cut off from every other machine and the host.
 * ARP is dropped too: iptables does not see it, and a partitioned master that still answered
 * ARP for the VIP would poison its neighbours' caches for after the heal. With `exempt`, the
 * operator's SSH session to a host survives (see exemptionRules), so the heal can reach it;
 * its rules go in first and the drops below them.
 */
export async function partition(
  runner: NodeRunner,
  subnet: string,
  exempt?: SessionExemption,
): Promise<void> {
  const at = exempt ? 2 : 1;
  await run(runner, [
    'sh',
    '-ec',
    `${exempt ? exemptionRules(exempt) : ''}iptables -I INPUT ${at} -s ${subnet} -m comment --comment ${PARTITION_TAG} -j DROP
iptables -I OUTPUT ${at} -d ${subnet} -m comment --comment ${PARTITION_TAG} -j DROP
${ADD_PARTITION_ARP_DROPS}`,
  ]);
}

/**
 * Deletes what partition added and nothing else: on a user's host, arptables may hold rules
 * of its own, so no flush (see core/partition-arp.ts).
 */
export async function healPartition(runner: NodeRunner): Promise<void> {
  await run(runner, [
    'bash',
    '-ec',
    `${REMOVE_PARTITION_ARP}
${removeTaggedRules(PARTITION_TAG)}`,
  ]);
}

/** IP protocol 112 is VRRP: with it dropped both ways, every master believes it is alone. */
export async function blockVrrp(runner: NodeRunner): Promise<void> {
  await run(runner, [
    'sh',
    '-ec',
    `iptables -I INPUT 1 -p 112 -m comment --comment ${VRRP_TAG} -j DROP
iptables -I OUTPUT 1 -p 112 -m comment --comment ${VRRP_TAG} -j DROP`,
  ]);
}

export async function unblockVrrp(runner: NodeRunner): Promise<void> {
  await run(runner, ['bash', '-ec', removeTaggedRules(VRRP_TAG)]);
}
