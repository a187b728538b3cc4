import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { withTimeout } from '../../core/wait.js';
import { LiveSession } from '../../chaos/live-session.js';
import { openLab } from '../../lab/open-lab.js';
import type { CliContext } from '../cli-context.js';
import { loadUi } from '../load-ui.js';
import { nameOption } from '../options.js';
import { asTyped } from '../prog-name.js';

export async function runTui(labName: string, ctx: CliContext): Promise<void> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new UsageError(
      'no-tty',
      'ha-lab tui needs a terminal; in scripts use `ha-lab status --json`',
    );
  }
  const lab = await openLab(labName, await ctx.labProvider(labName));
  const { startDashboard } = await loadUi();
  const session = new LiveSession(lab);
  await session.start();
  let undoOnQuit = true;
  const reportRoot = resolve('reports');
  const handle = startDashboard({
    labName: lab.lab,
    nodes: lab.topology.nodes.map((n) => ({
      name: n.name,
      role: n.role,
      ip: n.ip,
      ...(n.host ? { host: n.host.name } : {}),
    })),
    subscribe: (listener) => session.subscribe(listener as never),
    controller: {
      applyFault: (request) => session.apply(request),
      restoreAll: () => session.restoreAll(),
      listScenarios: () => session.listScenarios(),
      runScenario: async (name) => {
        await session.runScenario(name, reportRoot);
      },
      quit: (undo) => {
        undoOnQuit = undo;
      },
    },
  });
  const onAbort = () => handle.unmount();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  await handle.waitUntilExit();
  ctx.signal.removeEventListener('abort', onAbort);
  const pending = session.activeFaultCount();
  await withTimeout('closing the dashboard', 120_000, () => session.close(undoOnQuit));
  const left = session.activeFaultCount();
  if (pending > 0) ctx.stderr.write(asTyped(quitSummary(pending - left, left, lab.lab)));
}

/** What quitting did with the faults of the dashboard and of a scenario it started. */
export function quitSummary(undid: number, left: number, lab: string): string {
  const parts = [
    ...(undid > 0 ? [`undid ${undid} fault(s)`] : []),
    ...(left > 0
      ? [`left ${left} fault(s) applied; \`ha-lab heal --name ${lab}\` undoes them`]
      : []),
  ];
  return `${parts.join('; ')}\n`;
}

export function registerTui(program: Command, ctx: CliContext): void {
  program
    .command('tui')
    .description('the live dashboard: watch the lab, kill and restore nodes, run scenarios')
    .addOption(nameOption())
    .action(async (flags: { name: string }) => runTui(flags.name, ctx));
}
