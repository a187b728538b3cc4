import type { Command } from 'commander';
import { pingEngine } from '../../runtime/docker-client.js';
import { labStatus } from '../../lab/status.js';
import type { CliContext } from '../cli-context.js';
import { nameOption } from '../program.js';
import { renderStatus } from '../summary.js';

export function registerStatus(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description('nodes, VIP holders, etcd members, API readiness (exit 3 when unhealthy)')
    .addOption(nameOption())
    .option('--json', 'machine-readable output (schemas/status.schema.json)')
    .action(async (flags: { name: string; json?: boolean }) => {
      await pingEngine();
      const status = await labStatus(flags.name);
      ctx.stdout.write(flags.json ? `${JSON.stringify(status, null, 2)}\n` : renderStatus(status));
    });
}
