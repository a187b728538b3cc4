import type { Command } from 'commander';
import { RuntimeError, UsageError } from '../../core/errors.js';
import { labTopology, readLabState } from '../../lab/lab-state.js';
import { nodeRunners } from '../../lab/node-access.js';
import { findNode, validateLabName } from '../../core/topology.js';
import type { CliContext } from '../cli-context.js';
import { nameOption } from '../options.js';

async function topologyOf(name: string) {
  const lab = validateLabName(name);
  const state = await readLabState(lab);
  if (!state)
    throw new UsageError(
      'no-such-lab',
      `lab "${lab}" does not exist: start it with \`ha-lab up --name ${lab}\``,
    );
  return labTopology(state);
}

export function registerExec(program: Command, ctx: CliContext): void {
  program
    .command('exec')
    .description('run a command in a node: ha-lab exec master-0 -- systemctl status etcd')
    .addOption(nameOption())
    .argument('<node>', 'master-0..2 or worker-0..2')
    .argument('<command...>', 'the command (after --)')
    .action(async (node: string, command: string[], flags: { name: string }) => {
      const topology = await topologyOf(flags.name);
      findNode(topology, node);
      const runner = nodeRunners(topology, await ctx.labProvider(flags.name))[node];
      if (!runner) throw new RuntimeError('no-runner', `no runner for ${node}`);
      const result = await runner.exec(command, { timeoutMs: 600_000, signal: ctx.signal });
      ctx.stdout.write(result.stdout);
      ctx.stderr.write(result.stderr);
      process.exitCode = result.exitCode === 0 ? 0 : 1;
    });

  program
    .command('logs')
    .description("a node's journal, or one unit's (etcd, keepalived, kubelet, containerd)")
    .addOption(nameOption())
    .argument('<node>', 'master-0..2 or worker-0..2')
    .argument('[unit]', 'systemd unit')
    .option('-n, --lines <n>', 'number of lines', '200')
    .action(
      async (node: string, unit: string | undefined, flags: { name: string; lines: string }) => {
        const topology = await topologyOf(flags.name);
        findNode(topology, node);
        const lines = Number(flags.lines);
        if (!Number.isInteger(lines) || lines <= 0)
          throw new UsageError(
            'invalid-lines',
            `invalid --lines "${flags.lines}": give a positive number`,
          );
        const runner = nodeRunners(topology, await ctx.labProvider(flags.name))[node];
        if (!runner) throw new RuntimeError('no-runner', `no runner for ${node}`);
        const args = [
          'journalctl',
          '--no-pager',
          '-n',
          String(lines),
          ...(unit ? ['-u', unit] : []),
        ];
        const result = await runner.exec(args, { timeoutMs: 60_000, signal: ctx.signal });
        ctx.stdout.write(result.stdout);
        if (result.exitCode !== 0)
          throw new RuntimeError(
            'logs-failed',
            `journalctl on ${node} exited ${result.exitCode}: ${result.stderr.trim()}`,
          );
      },
    );
}
