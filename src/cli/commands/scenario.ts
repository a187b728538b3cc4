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
import { resetLab } from '../../lab/snapshot/reset.js';
import { saveSnapshot } from '../../lab/snapshot/save.js';
import { DEFAULT_SNAPSHOT, listManifests } from '../../lab/snapshot/snapshot-files.js';
import type { CliContext } from '../cli-context.js';
import { nameOption } from '../options.js';

/**
 * `--fresh`: every run starts from the lab's snapshot, proven pristine by `reset`. A lab with no
 * snapshot gets one first, which `snapshot save` takes only from a whole lab.
 */
async function freshRuns(
  ctx: CliContext,
  lab: string,
  log: (line: string) => void,
): Promise<(run: number) => Promise<void>> {
  const provider = await ctx.labProvider(lab);
  const quiet = () => undefined;
  if ((await listManifests(lab)).length === 0) {
    log(`no snapshot of lab "${lab}": saving "${DEFAULT_SNAPSHOT}" first`);
    const saved = await saveSnapshot(provider, lab, DEFAULT_SNAPSHOT, {
      events: quiet,
      signal: ctx.signal,
      waitWholeMs: 120_000,
    });
    log(
      `  saved in ${(saved.tookMs / 1000).toFixed(1)} s (frozen ${(saved.frozenMs / 1000).toFixed(1)} s)`,
    );
  }
  return async (run) => {
    const result = await resetLab(provider, lab, undefined, { events: quiet, signal: ctx.signal });
    log(
      `reset before run ${run} to "${result.snapshot}" in ${(result.tookMs / 1000).toFixed(1)} s: pristine (etcd revision ${result.proof.snapshotRevision} hashes match, canary ${result.proof.canary})`,
    );
  };
}

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
    .option(
      '--fresh',
      'reset the lab to its snapshot before each run (one is saved first if it has none)',
    )
    .action(
      async (
        nameOrFile: string,
        flags: { name: string; reportDir?: string; repeat: string; fresh?: boolean },
      ) => {
        const repeat = checkRepeat(flags.repeat);
        const loaded = await loadScenario(nameOrFile);
        const lab = await HaLab.attach(flags.name, { provider: await ctx.labProvider(flags.name) });
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
          ...(flags.fresh ? { beforeRun: await freshRuns(ctx, flags.name, log) } : {}),
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
