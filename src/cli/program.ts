import { Command, Option } from 'commander';
import { UsageError } from '../core/errors.js';
import { registerBuild } from './commands/build.js';
import { registerCerts } from './commands/certs.js';
import { registerDoctor } from './commands/doctor.js';
import { registerDown } from './commands/down.js';
import { registerExec } from './commands/exec.js';
import { registerHeal } from './commands/heal.js';
import { registerUpgrade } from './commands/upgrade.js';
import { registerReport } from './commands/report.js';
import { registerScenario } from './commands/scenario.js';
import { registerKubeconfig } from './commands/kubeconfig.js';
import { registerKubectl } from './commands/kubectl.js';
import { registerLoadImage } from './commands/load-image.js';
import { registerReset, registerSnapshot } from './commands/snapshot.js';
import { registerStatus } from './commands/status.js';
import { registerTui, runTui } from './commands/tui.js';
import { readLabState } from '../lab/lab-state.js';
import { registerUp } from './commands/up.js';
import type { CliContext } from './cli-context.js';

/** The command tree. Each command parses flags and calls one use case; nothing else. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('ha-lab')
    .description(
      'A real highly available Kubernetes control plane on one machine, broken on purpose.',
    )
    .version('0.1.0')
    .addOption(new Option('--debug', 'print stack traces of errors'))
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeErr: (text) => ctx.usageErrors.push(text.trim()) });
  registerUp(program, ctx);
  registerDown(program, ctx);
  registerStatus(program, ctx);
  registerExec(program, ctx);
  registerKubeconfig(program, ctx);
  registerKubectl(program, ctx);
  registerDoctor(program, ctx);
  registerBuild(program, ctx);
  registerScenario(program, ctx);
  registerReport(program, ctx);
  registerHeal(program, ctx);
  registerUpgrade(program, ctx);
  registerCerts(program, ctx);
  registerLoadImage(program, ctx);
  registerSnapshot(program, ctx);
  registerReset(program, ctx);
  registerTui(program, ctx);
  // `ha-lab` alone on a terminal opens the dashboard when the default lab is up. Because the
  // root has an action, commander would call a mistyped command "too many arguments"; say what
  // it is instead (set after registering, so subcommands still reject extra arguments).
  program.allowExcessArguments(true);
  program.action(async () => {
    const [unknown] = program.args;
    if (unknown !== undefined)
      throw new UsageError(
        'unknown-command',
        `unknown command "${unknown}": see \`ha-lab --help\` for the commands`,
      );
    const state = await readLabState('ha-lab').catch(() => undefined);
    if (process.stdout.isTTY && process.stdin.isTTY && state?.phase === 'ready')
      return runTui('ha-lab', ctx);
    program.outputHelp();
  });
  return program;
}
