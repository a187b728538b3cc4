import type { Command } from 'commander';
import { ExitCode, HaLabError, RuntimeError } from '../../core/errors.js';
import { saveFailureBundle } from '../../lab/failure-bundle.js';
import { openLab } from '../../lab/open-lab.js';
import { type UpgradeSteps, upgradeLab } from '../../lab/upgrade/upgrade-lab.js';
import type { CliContext } from '../cli-context.js';
import { nameOption } from '../options.js';

/** Where the README explains finishing or rolling back a failed upgrade by hand. */
const BY_HAND = 'README, "When an upgrade fails"';

export function registerUpgrade(program: Command, ctx: CliContext): void {
  program
    .command('upgrade')
    .description(
      "rolling HA upgrade in kubeadm's order: masters without the VIP first, one graceful VIP move, then workers (drain and uncordon each)",
    )
    .requiredOption(
      '--to <version>',
      'the Kubernetes version to go to: the next minor (1.36) or a later patch',
    )
    .addOption(nameOption())
    .action(async (flags: { to: string; name: string }) => {
      const lab = await openLab(flags.name, await ctx.labProvider(flags.name));
      const started = Date.now();
      const failed: { step?: string; node?: string } = {};
      const steps: UpgradeSteps = {
        signal: ctx.signal,
        log: (line) => ctx.stderr.write(`${line}\n`),
        async step(name, node, work) {
          const at = Date.now();
          const where = node ? `${node}: ` : '';
          try {
            const value = await work();
            const clock = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
            ctx.stderr.write(
              `[${clock}s] ${where}${name} (${((Date.now() - at) / 1000).toFixed(1)} s)\n`,
            );
            return value;
          } catch (error) {
            failed.step = name;
            if (node) failed.node = node;
            throw error;
          }
        },
      };
      try {
        const outcome = await upgradeLab(lab, flags.to, steps);
        const behind = outcome.versions.filter((v) => v.version !== outcome.to);
        for (const v of behind)
          ctx.stderr.write(
            `${v.node} ${v.component} runs ${v.version ?? 'nothing'}${v.error ? ` (${v.error})` : ''}\n`,
          );
        ctx.stdout.write(
          `upgraded ${lab.lab} from ${outcome.from} to ${outcome.to} in ${((Date.now() - started) / 1000).toFixed(1)} s (order: ${outcome.order.join(', ')})\n`,
        );
        if (behind.length > 0) process.exitCode = ExitCode.checkFailed;
      } catch (error) {
        // Bad input (an unknown version, a path kubeadm refuses) and Ctrl-C pass through as they are.
        if ((error instanceof HaLabError && failed.step === undefined) || ctx.signal.aborted)
          throw error;
        const bundle = await saveFailureBundle(lab, error, 'upgrade').catch(() => undefined);
        const where = failed.step
          ? `"${failed.step}"${failed.node ? ` on ${failed.node}` : ''}`
          : 'the upgrade';
        throw new RuntimeError(
          'upgrade-failed',
          `${where} failed: ${(error as Error).message.split('\n')[0]}; the lab is left as it is for inspection${bundle ? ` (logs: ${bundle})` : ''}; run the same command again to resume, or see the ${BY_HAND}`,
          { cause: error },
        );
      }
    });
}
