import type { Command } from 'commander';
import { HaLab } from '../../api/index.js';
import type { CliContext } from '../cli-context.js';
import { nameOption } from '../options.js';

export function registerDown(program: Command, ctx: CliContext): void {
  program
    .command('down')
    .description(
      'remove the lab: every container, network and volume with its label, and its state',
    )
    .addOption(nameOption())
    .option('--purge', 'also delete saved failure bundles')
    .option('--keep-snapshots', 'keep the lab snapshots (for `up --from-snapshot`)')
    .action(async (flags: { name: string; purge?: boolean; keepSnapshots?: boolean }) => {
      const started = Date.now();
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
