import { access } from 'node:fs/promises';
import type { Command } from 'commander';
import { RuntimeError, UsageError } from '../../core/errors.js';
import { labStateDir } from '../../core/paths.js';
import { kubeconfigPath } from '../../lab/actions/kubeadm-actions.js';
import { enableForwarder } from '../../lab/forwarder-access.js';
import { mergeKubeconfig } from '../../lab/kubeconfig-merge.js';
import { openLab } from '../../lab/open-lab.js';
import { validateLabName } from '../../core/topology.js';
import type { CliContext } from '../cli-context.js';
import { nameOption } from '../options.js';

export function registerKubeconfig(program: Command, ctx: CliContext): void {
  program
    .command('kubeconfig')
    .description("print the path of the lab's kubeconfig (server = the VIP)")
    .addOption(nameOption())
    .option('--merge [file]', 'merge it into ~/.kube/config (or FILE) as context ha-lab-NAME')
    .option(
      '--forwarder',
      'reach the API through a forwarder on 127.0.0.1 (Docker Desktop on macOS/Windows)',
    )
    .action(async (flags: { name: string; merge?: string | boolean; forwarder?: boolean }) => {
      const lab = validateLabName(flags.name);
      let path = kubeconfigPath(labStateDir(lab));
      try {
        await access(path);
      } catch {
        throw new UsageError(
          'no-kubeconfig',
          `lab "${lab}" has no kubeconfig: bring it up with \`ha-lab up --name ${lab}\``,
        );
      }
      const opened = flags.forwarder ? await openLab(lab, await ctx.labProvider(lab)) : undefined;
      if (opened) path = (await enableForwarder(opened)).kubeconfig;
      if (flags.merge) {
        const file = typeof flags.merge === 'string' ? flags.merge : undefined;
        const target = await mergeKubeconfig(path, lab, file).catch(
          (error: NodeJS.ErrnoException) => {
            if (!error.code || !error.syscall) throw error;
            throw new RuntimeError(
              'kubeconfig-not-writable',
              `cannot write ${file ?? error.path ?? 'the kubeconfig'} (${error.code} on ${error.syscall} ${error.path ?? ''}): choose a writable file with --merge FILE`,
            );
          },
        );
        ctx.stdout.write(`merged context ha-lab-${lab} into ${target}\n`);
        return;
      }
      ctx.stdout.write(`${path}\n`);
    });
}
