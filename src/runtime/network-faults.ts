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

/**
 * Drops everything to and from the lab subnet (peers, VXLAN, the host at the gateway
 * address), leaving loopback: the machine is cut off from every other machine and the host.
 * ARP is dropped too: iptables does not see it, and a partitioned master that still answered
 * ARP for the VIP would poison its neighbours' caches for after the heal.
 */
export async function partition(runner: NodeRunner, subnet: string): Promise<void> {
  await run(runner, [
    'sh',
    '-ec',
    `iptables -I INPUT 1 -s ${subnet} -m comment --comment ${PARTITION_TAG} -j DROP
iptables -I OUTPUT 1 -d ${subnet} -m comment --comment ${PARTITION_TAG} -j DROP
arptables -A INPUT -j DROP
arptables -A OUTPUT -j DROP`,
  ]);
}

export async function healPartition(runner: NodeRunner): Promise<void> {
  // ha-lab is the only user of arptables in a machine, so flushing it is the exact undo.
  await run(runner, ['bash', '-ec', `arptables -F\n${removeTaggedRules(PARTITION_TAG)}`]);
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
