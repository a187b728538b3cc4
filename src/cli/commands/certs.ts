import type { Command } from 'commander';
import { ExitCode } from '../../core/errors.js';
import { type CertEntry, checkLabCerts, WARN_DAYS } from '../../lab/certs-check.js';
import { openLab } from '../../lab/open-lab.js';
import type { CliContext } from '../cli-context.js';
import { nameOption } from '../options.js';

export function registerCerts(program: Command, ctx: CliContext): void {
  const certs = program.command('certs').description("the lab's certificates");
  certs
    .command('check')
    .description(
      `expiry of every certificate, from the files and from live handshakes on 6443, 2379 and 2380 (exit 3 when one has expired or a server serves an older one than its file)`,
    )
    .addOption(nameOption())
    .option('--json', 'machine-readable output')
    .action(async (flags: { name: string; json?: boolean }) => {
      const lab = await openLab(flags.name, await ctx.labProvider(flags.name));
      const entries = await checkLabCerts(lab, ctx.signal);
      ctx.stdout.write(
        flags.json ? `${JSON.stringify(entries, null, 2)}\n` : renderCerts(entries, Date.now()),
      );
      const bad = entries.some((e) => e.status === 'expired' || e.status === 'stale');
      if (bad) process.exitCode = ExitCode.checkFailed;
      else if (entries.some((e) => e.status === 'error')) process.exitCode = ExitCode.runtime;
    });
}

export function renderCerts(entries: CertEntry[], now: number): string {
  const rows = entries.map((e) => [
    e.source,
    e.subject ?? '-',
    e.notAfter === null ? '-' : new Date(e.notAfter).toISOString().replace(/\.\d+Z$/, 'Z'),
    e.notAfter === null ? '-' : `${Math.floor((e.notAfter - now) / 86_400_000)}d`,
    e.status + (e.detail ? ` (${e.detail})` : ''),
  ]);
  const header = ['CERTIFICATE', 'SUBJECT', 'NOT AFTER', 'LEFT', 'STATUS'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  const counts = (['expired', 'stale', 'expiring', 'error'] as const)
    .map((s) => [s, entries.filter((e) => e.status === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  const summary =
    counts.length === 0
      ? `all ${entries.length} certificates valid for more than ${WARN_DAYS} days`
      : `${entries.length} certificates: ${counts.join(', ')}`;
  return `${[line(header), ...rows.map(line)].join('\n')}\n\n${summary}\n`;
}
