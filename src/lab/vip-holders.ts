import { type Topology, labLink } from '../core/topology.js';
import type { NodeRunner } from '../runtime/node-runner.js';

type VipPlace = Pick<Topology, 'vip' | 'vipNetwork'>;

/** Does this node hold the VIP on the lab's link right now (asked of its own kernel)? */
export async function holdsVip(runner: NodeRunner, topology: VipPlace): Promise<boolean> {
  const vip = topology.vip;
  const dev = labLink(topology).interface;
  const result = await runner.exec(['ip', '-4', '-o', 'addr', 'show', 'dev', dev], {
    timeoutMs: 5000,
  });
  return result.exitCode === 0 && result.stdout.includes(` ${vip}/`);
}

/** Every one of `names` that holds the VIP; a node that cannot be asked holds nothing. */
export async function vipHolders(
  runners: Record<string, NodeRunner>,
  names: readonly string[],
  topology: VipPlace,
): Promise<string[]> {
  const held = await Promise.all(
    names.map(async (name) => {
      const runner = runners[name];
      return runner && (await holdsVip(runner, topology).catch(() => false)) ? name : undefined;
    }),
  );
  return held.filter((n): n is string => Boolean(n));
}
