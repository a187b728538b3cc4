import type { NodeRunner } from '../runtime/node-runner.js';

/** Does this node hold the VIP on eth0 right now (asked of its own kernel)? */
export async function holdsVip(runner: NodeRunner, vip: string): Promise<boolean> {
  const result = await runner.exec(['ip', '-4', '-o', 'addr', 'show', 'dev', 'eth0'], {
    timeoutMs: 5000,
  });
  return result.exitCode === 0 && result.stdout.includes(` ${vip}/`);
}

/** Every one of `names` that holds the VIP; a node that cannot be asked holds nothing. */
export async function vipHolders(
  runners: Record<string, NodeRunner>,
  names: readonly string[],
  vip: string,
): Promise<string[]> {
  const held = await Promise.all(
    names.map(async (name) => {
      const runner = runners[name];
      return runner && (await holdsVip(runner, vip).catch(() => false)) ? name : undefined;
    }),
  );
  return held.filter((n): n is string => Boolean(n));
}
