import type { Command } from 'commander';
import { ExitCode, UsageError } from '../../core/errors.js';
import { labStatus } from '../../lab/status.js';
import type { CliContext } from '../cli-context.js';
import { nameOption } from '../options.js';
import { renderStatus } from '../summary.js';

export function registerStatus(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description('nodes, VIP holders, etcd members, API readiness (exit 3 when unhealthy)')
    .addOption(nameOption())
    .option('--json', 'machine-readable output (schemas/status.schema.json)')
    .action(async (flags: { name: string; json?: boolean }) => {
      const status = await labStatus(await ctx.reach(), flags.name);
      if (!status.exists) {
        throw new UsageError(
          'no-such-lab',
          `lab "${flags.name}" does not exist: start it with \`ha-lab up --name ${flags.name}\``,
        );
      }
      ctx.stdout.write(flags.json ? `${JSON.stringify(status, null, 2)}\n` : renderStatus(status));
      // A lab that is up but not whole is a failed verification, for scripts that poll status.
      if (!status.healthy) process.exitCode = ExitCode.checkFailed;
    });
}
