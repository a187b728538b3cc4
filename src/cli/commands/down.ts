import type { Command } from 'commander';
import { HaLab, HaLabError, UsageError } from '../../api/index.js';
import { validateLabName } from '../../core/topology.js';
import { downInventory } from '../../lab/down-inventory.js';
import { readLabState, type LabState } from '../../lab/lab-state.js';
import type { CliContext } from '../cli-context.js';
import { openInventory, openInventoryLab } from '../inventory-lab.js';
import { nameOption } from '../options.js';

interface DownFlags {
  name: string;
  purge?: boolean;
  keepSnapshots?: boolean;
  inventory?: string;
  knownHosts?: string;
  acceptNewHostKeys?: boolean;
}

export function registerDown(program: Command, ctx: CliContext): void {
  program
    .command('down')
    .description(
      'remove the lab: every container, network and volume with its label, and its state; on an inventory lab, return every host to how it was found',
    )
    .addOption(nameOption())
    .option('--purge', 'also delete saved failure bundles')
    .option('--keep-snapshots', 'keep the lab snapshots (for `up --from-snapshot`)')
    .option('--inventory <file>', "clean this inventory's hosts (also without the lab's state)")
    .option('--known-hosts <file>', 'with --inventory: known_hosts for the hosts')
    .option('--accept-new-host-keys', 'with --inventory: pin first-seen host keys')
    .action(async (flags: DownFlags) => {
      const started = Date.now();
      const state = await stateUnlessCorrupted(validateLabName(flags.name));
      if (flags.inventory !== undefined || state?.inventory) {
        await downHosts(flags, state, ctx, started);
        return;
      }
      const removed = await HaLab.remove(flags.name, {
        provider: ctx.provider(),
        purge: Boolean(flags.purge),
        keepSnapshots: Boolean(flags.keepSnapshots),
      });
      const snapshots = flags.keepSnapshots
        ? ', snapshots kept'
        : `, ${removed.snapshotParts} snapshot images and volumes`;
      ctx.stdout.write(
        `removed lab "${flags.name}": ${removed.containers} containers, ${removed.networks} networks, ${removed.volumes} volumes${snapshots} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
      );
    });
}

/**
 * `down` is what a corrupted state file's message tells the user to run, so it must not
 * stop on one: a Docker lab is found by its labels without the state; an inventory lab
 * whose state is lost is cleaned with --inventory.
 */
async function stateUnlessCorrupted(lab: string): Promise<LabState | undefined> {
  try {
    return await readLabState(lab);
  } catch (error) {
    if (error instanceof HaLabError && error.code === 'state-corrupted') return undefined;
    throw error;
  }
}

async function downHosts(
  flags: DownFlags,
  state: LabState | undefined,
  ctx: CliContext,
  started: number,
): Promise<void> {
  if (state && !state.inventory) {
    throw new UsageError(
      'not-an-inventory-lab',
      `lab "${flags.name}" is a Docker lab: leave out --inventory (or name the inventory lab with --name)`,
    );
  }
  const keyFlags = {
    ...(flags.knownHosts === undefined ? {} : { knownHosts: flags.knownHosts }),
    ...(flags.knownHosts === undefined && state?.inventory?.knownHosts !== undefined
      ? { knownHosts: state.inventory.knownHosts }
      : {}),
    acceptNewHostKeys: Boolean(flags.acceptNewHostKeys),
  };
  const access =
    flags.inventory !== undefined
      ? await openInventory(flags.inventory, flags.name, keyFlags, ctx.signal)
      : await openInventoryLab(state!, keyFlags, ctx.signal);
  try {
    const result = await downInventory(flags.name, access.topology, access.provider, {
      signal: ctx.signal,
      purge: Boolean(flags.purge),
    });
    for (const host of result.hosts) {
      const what =
        host.removed.length === 0
          ? 'nothing of ha-lab left'
          : `${host.removed.length} things removed`;
      ctx.stdout.write(`  ${host.host}: ${what}\n`);
    }
    ctx.stdout.write(
      `returned ${result.hosts.length} hosts of lab "${flags.name}" to how they were found in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
  } finally {
    access.provider.dispose?.();
  }
}
