import type { Command } from 'commander';
import { ExitCode, HaLab } from '../../api/index.js';
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
      const lab = await HaLab.attach(flags.name, { provider: await ctx.labProvider(flags.name) });
      const status = await lab.status();
      ctx.stdout.write(flags.json ? `${JSON.stringify(status, null, 2)}\n` : renderStatus(status));
      // A lab that is up but not whole is a failed verification, for scripts that poll status.
      if (!status.healthy) process.exitCode = ExitCode.checkFailed;
    });
}
