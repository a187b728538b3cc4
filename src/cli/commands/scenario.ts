import { resolve } from 'node:path';
import type { Command } from 'commander';
import {
  ExitCode,
  HaLab,
  InterruptedError,
  checkRepeat,
  loadScenario,
  scenarioError,
} from '../../api/index.js';
import { listBuiltinScenarios } from '../../chaos/scenario/index.js';
import type { CliContext } from '../cli-context.js';
import { nameOption } from '../options.js';

export function registerScenario(program: Command, ctx: CliContext): void {
  const scenario = program.command('scenario').description('chaos scenarios that prove failover');
  scenario
    .command('list')
    .description('the built-in scenarios')
    .action(async () => {
      for (const s of await listBuiltinScenarios())
        ctx.stdout.write(`${s.name.padEnd(30)} ${s.scenario.description}\n`);
    });
  scenario
    .command('run')
    .description('run a scenario (built-in name or YAML file); exit 3 when a check fails')
    .argument('<scenario>', 'name or path to a .yaml file')
    .addOption(nameOption())
    .option('--report-dir <dir>', 'where report.json, junit.xml and summary.md go')
    .option('--repeat <n>', 'run N times and aggregate percentiles', '1')
    .action(
      async (nameOrFile: string, flags: { name: string; reportDir?: string; repeat: string }) => {
        const repeat = checkRepeat(flags.repeat);
        const loaded = await loadScenario(nameOrFile);
        const lab = await HaLab.attach(flags.name, { provider: await ctx.reach() });
        const started = Date.now();
        const log = (line: string) =>
          ctx.stderr.write(
            `[${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s] ${line}\n`,
          );
        const result = await lab.runScenario(loaded, {
          ...(flags.reportDir ? { reportDir: resolve(flags.reportDir) } : {}),
          repeat,
          signal: ctx.signal,
          log,
        });
        ctx.stdout.write(
          `${result.passed ? 'PASSED' : 'FAILED'} ${loaded.name}: reports in ${result.reportDir}\n`,
        );
        if (result.interrupted) {
          const reason = ctx.signal.reason;
          throw reason instanceof InterruptedError ? reason : new InterruptedError('SIGINT');
        }
        const failure = scenarioError(result);
        if (failure) throw failure;
        process.exitCode = ExitCode.ok;
      },
    );
}
