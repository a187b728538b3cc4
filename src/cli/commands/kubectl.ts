import type { Command } from 'commander';
import { runLabKubectl } from '../../lab/kubectl.js';
import type { CliContext } from '../cli-context.js';
import { nameOption } from '../options.js';

export function registerKubectl(program: Command, ctx: CliContext): void {
  program
    .command('kubectl')
    .description("the lab's own kubectl against the lab: ha-lab kubectl get nodes")
    .addOption(nameOption())
    .argument('[args...]', 'kubectl arguments')
    .allowUnknownOption()
    .helpOption(false)
    .action(async (args: string[], flags: { name: string }) => {
      // Build messages (a cold cache) go to stderr; kubectl owns the terminal.
      const events = (e: { kind: string; message?: string }) => {
        if (e.message) ctx.stderr.write(`ha-lab: ${e.message}\n`);
      };
      process.exitCode = await runLabKubectl(flags.name, args, events, ctx.signal);
    });
}
