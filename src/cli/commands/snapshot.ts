import type { Command } from 'commander';
import { removeSnapshot, listSnapshots } from '../../lab/snapshot/snapshot-admin.js';
import { resetLab } from '../../lab/snapshot/reset.js';
import { saveSnapshot } from '../../lab/snapshot/save.js';
import type { CliContext } from '../cli-context.js';
import { nameOption } from '../options.js';
import { plainProgress } from '../progress-printer.js';

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export function humanBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
  return `${(bytes / 1024 ** 2).toFixed(0)} MiB`;
}

export function registerSnapshot(program: Command, ctx: CliContext): void {
  const snapshot = program
    .command('snapshot')
    .description('save, list and remove snapshots of a whole lab (ha-lab reset returns to one)');
  snapshot
    .command('save [snapshot]')
    .description('freeze all six nodes together and capture them (the lab must be whole)')
    .addOption(nameOption())
    .action(async (name: string | undefined, flags: { name: string }) => {
      const manifest = await saveSnapshot(await ctx.labProvider(flags.name), flags.name, name, {
        events: plainProgress(ctx.stderr, Date.now()),
        signal: ctx.signal,
      });
      ctx.stdout.write(
        `saved snapshot "${manifest.name}" of lab "${manifest.lab}" in ${seconds(manifest.tookMs)} (nodes frozen ${seconds(manifest.frozenMs)}, etcd revision ${manifest.etcd.revision}, ${humanBytes(manifest.bytes)} on disk)\n`,
      );
    });
  snapshot
    .command('list')
    .description('the lab snapshots with the disk each takes')
    .addOption(nameOption())
    .action(async (flags: { name: string }) => {
      const rows = await listSnapshots(await ctx.labProvider(flags.name), flags.name);
      if (rows.length === 0) {
        ctx.stdout.write(`lab "${flags.name}" has no snapshots\n`);
        return;
      }
      ctx.stdout.write('NAME                TAKEN                     DISK       SAVE\n');
      for (const r of rows)
        ctx.stdout.write(
          `${r.name.padEnd(20)}${r.takenAt.padEnd(26)}${humanBytes(r.bytes).padEnd(11)}${seconds(r.tookMs)}${r.missing.length > 0 ? `  DAMAGED: missing ${r.missing.join(', ')}` : ''}\n`,
        );
    });
  snapshot
    .command('rm <snapshot>')
    .description('remove a snapshot: its images, volumes and saved state')
    .addOption(nameOption())
    .action(async (name: string, flags: { name: string }) => {
      const removed = await removeSnapshot(await ctx.labProvider(flags.name), flags.name, name);
      ctx.stdout.write(
        `removed snapshot "${name}" of lab "${flags.name}" (${removed} images and volumes)\n`,
      );
    });
}

export function registerReset(program: Command, ctx: CliContext): void {
  program
    .command('reset')
    .description(
      'bring the lab back to a snapshot and prove it pristine (default: "pristine", else the newest)',
    )
    .addOption(nameOption())
    .option('--snapshot <snapshot>', 'the snapshot to return to')
    .action(async (flags: { name: string; snapshot?: string }) => {
      const result = await resetLab(await ctx.labProvider(flags.name), flags.name, flags.snapshot, {
        events: plainProgress(ctx.stderr, Date.now()),
        signal: ctx.signal,
      });
      const p = result.proof;
      ctx.stdout.write(
        `lab "${flags.name}" reset to snapshot "${result.snapshot}" in ${seconds(result.tookMs)}: whole on evidence read after the reset; etcd hashes revision ${p.snapshotRevision} as the snapshot did (now at ${p.revisionAfter}); canary ${p.canary}; fault journal ${p.faultJournal}\n`,
      );
      ctx.stdout.write(
        `  ${result.phases.map(([phase, ms]) => `${phase} ${seconds(ms)}`).join(', ')}\n`,
      );
    });
}
