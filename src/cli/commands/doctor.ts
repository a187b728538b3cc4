import type { Command } from 'commander';
import { cacheRoot } from '../../core/paths.js';
import { doctorReport } from '../../lab/doctor.js';
import type { CliContext } from '../cli-context.js';

export function registerDoctor(program: Command, ctx: CliContext): void {
  program
    .command('doctor')
    .description('check the engine, cgroups, privileges, disk and memory, and what will be built')
    .option('--json', 'machine-readable output')
    .option('--kubernetes-version <version>', 'the version to plan a build for')
    .action(async (flags: { json?: boolean; kubernetesVersion?: string }) => {
      const report = await doctorReport(ctx.provider(), cacheRoot(), flags.kubernetesVersion);
      if (flags.json) {
        ctx.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        return;
      }
      for (const line of report.lines) ctx.stdout.write(`${line}\n`);
    });
}
