import type { Command } from 'commander';
import { RuntimeError } from '../../core/errors.js';
import { heal } from '../../chaos/heal.js';
import { openLab } from '../../lab/open-lab.js';
import type { CliContext } from '../cli-context.js';
import { nameOption } from '../options.js';

export function registerHeal(program: Command, ctx: CliContext): void {
  program
    .command('heal')
    .description('undo every fault still recorded for the lab (e.g. after a killed scenario run)')
    .addOption(nameOption())
    .action(async (flags: { name: string }) => {
      const lab = await openLab(flags.name, await ctx.labProvider(flags.name), {
        requireReady: false,
      });
      const result = await heal(lab);
      ctx.stdout.write(
        result.undone.length === 0 && result.failed.length === 0 ? 'nothing to heal\n' : '',
      );
      for (const u of result.undone) ctx.stdout.write(`undone: ${u}\n`);
      if (result.failed.length > 0)
        throw new RuntimeError(
          'heal-failed',
          `could not undo: ${result.failed.join(', ')}; see \`ha-lab status --name ${flags.name}\``,
        );
    });
}
