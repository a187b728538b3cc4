import { resolve } from 'node:path';
import type { Command } from 'commander';
import { locatePage, rebuildPage } from '../../chaos/report/page-file.js';
import { runHost } from '../../runtime/host-commands.js';
import type { CliContext } from '../cli-context.js';

export function registerReport(program: Command, ctx: CliContext): void {
  const report = program.command('report').description("a scenario run's report.html");
  report
    .command('open')
    .description("print the path of a run's report.html (and open it where a desktop can)")
    .argument('<dir>', 'a report directory, as `scenario run` printed it')
    .action(async (dir: string) => {
      const page = resolve(await locatePage(resolve(dir)));
      ctx.stdout.write(`${page}\n`);
      const opener = desktopOpener(process.platform, process.env);
      if (!opener) return;
      // Opening is a convenience: the path is already printed, so a failure is only a note.
      await runHost(opener, [page], { timeoutMs: 15_000, signal: ctx.signal }).catch(
        (error: unknown) =>
          ctx.stderr.write(`could not open it with ${opener} (${(error as Error).message})\n`),
      );
    });
  report
    .command('html')
    .description('rebuild report.html from a saved report.json (also from earlier versions)')
    .argument('<report>', 'a report.json')
    .option('-o, --out <file>', 'where to write the page (default: report.html beside it)')
    .action(async (json: string, flags: { out?: string }) => {
      const page = await rebuildPage(
        resolve(json),
        flags.out === undefined ? undefined : resolve(flags.out),
      );
      ctx.stdout.write(`${page}\n`);
    });
}

/** The desktop's "open this file" command; none on a machine without a desktop session. */
export function desktopOpener(
  platform: NodeJS.Platform,
  env: Record<string, string | undefined>,
): string | undefined {
  if (platform === 'darwin') return 'open';
  if (platform === 'win32') return undefined;
  return env.DISPLAY || env.WAYLAND_DISPLAY ? 'xdg-open' : undefined;
}
