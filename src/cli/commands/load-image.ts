import { join } from 'node:path';
import type { Command } from 'commander';
import { cacheRoot } from '../../core/paths.js';
import { loadImage } from '../../lab/load-image.js';
import { openLab } from '../../lab/open-lab.js';
import { findNode } from '../../core/topology.js';
import type { CliContext } from '../cli-context.js';
import { nameOption } from '../options.js';

export function registerLoadImage(program: Command, ctx: CliContext): void {
  program
    .command('load-image')
    .description('copy a local Docker image into the nodes (no registry needed)')
    .argument('<image>', 'image reference in the local engine')
    .addOption(nameOption())
    .option('--nodes <list>', 'comma-separated nodes (default: all six)')
    .action(async (image: string, flags: { name: string; nodes?: string }) => {
      const lab = await openLab(flags.name, await ctx.labProvider(flags.name));
      const nodes = flags.nodes
        ? flags.nodes.split(',').map((n) => findNode(lab.topology, n.trim()).name)
        : lab.topology.nodes.map((n) => n.name);
      await loadImage(lab, image, nodes, join(cacheRoot(), 'logs', 'load-image.log'));
      ctx.stdout.write(`loaded ${image} into ${nodes.join(', ')}\n`);
    });
}
