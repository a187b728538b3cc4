import { type Command, Option } from 'commander';
import { HaLab, UsageError } from '../../api/index.js';
import {
  DEFAULT_ETCD_RELEASE_URL,
  DEFAULT_KUBERNETES_RELEASE_URL,
} from '../../lab/artifacts/release-download.js';
import { labStatus } from '../../lab/status.js';
import { upFromSnapshot } from '../../lab/snapshot/from-snapshot.js';
import { saveSnapshot } from '../../lab/snapshot/save.js';
import { DEFAULT_SNAPSHOT } from '../../lab/snapshot/snapshot-files.js';
import { humanBytes } from './snapshot.js';
import type { CliContext } from '../cli-context.js';
import { nameOption } from '../options.js';
import { plainProgress } from '../progress-printer.js';
import { printSummary } from '../summary.js';
import { phaseView } from '../phase-view.js';
import { refuseDockerOnlyFlags, runUpInventory } from './up-inventory.js';

interface UpFlags {
  name: string;
  subnet?: string;
  kubernetesVersion?: string;
  keep?: boolean;
  timing: string;
  preempt?: boolean;
  forwarder?: boolean;
  artifactSource: string;
  releaseBaseUrl: string;
  etcdReleaseBaseUrl: string;
  nodesOnly?: boolean;
  tui: boolean;
  snapshot?: boolean;
  fromSnapshot?: string;
  inventory?: string;
  knownHosts?: string;
  acceptNewHostKeys?: boolean;
}

export function registerUp(program: Command, ctx: CliContext): void {
  program
    .command('up')
    .description('build what is missing, start six nodes and bring up the HA cluster')
    .addOption(nameOption())
    .option('--subnet <cidr>', 'lab network /24 (default: a free one is picked)')
    .option('--kubernetes-version <version>', 'Kubernetes 1.34 to 1.36 (default 1.36)')
    .option('--keep', 'keep a half-made lab on failure or Ctrl-C, for debugging')
    .addOption(
      new Option('--timing <profile>', 'keepalived timing profile')
        .choices(['default', 'fast'])
        .default('default'),
    )
    .option('--preempt', 'let master-0 take the VIP back when it returns (a second disruption)')
    .option('--forwarder', 'reach the API through a forwarder on 127.0.0.1 (Docker Desktop)')
    .addOption(
      new Option('--artifact-source <source>', 'where binaries come from')
        .choices(['go-build', 'release'])
        .default('go-build'),
    )
    .option(
      '--release-base-url <url>',
      'Kubernetes release mirror (with --artifact-source release)',
      process.env.HA_LAB_RELEASE_BASE_URL ?? DEFAULT_KUBERNETES_RELEASE_URL,
    )
    .option(
      '--etcd-release-base-url <url>',
      'etcd release mirror (with --artifact-source release)',
      process.env.HA_LAB_ETCD_RELEASE_BASE_URL ?? DEFAULT_ETCD_RELEASE_URL,
    )
    .option('--nodes-only', 'stop once the six nodes run systemd (no cluster)')
    .option('--no-tui', 'plain progress lines even on a terminal')
    .option(
      '--snapshot',
      `then save snapshot "${DEFAULT_SNAPSHOT}" for \`ha-lab reset\` (its cost is reported apart)`,
    )
    .option(
      '--from-snapshot <snapshot>',
      'make the lab again from a snapshot kept by `down --keep-snapshots`',
    )
    .option('--inventory <file>', 'bring the lab up on your own hosts over SSH (see README)')
    .option(
      '--known-hosts <file>',
      'with --inventory: known_hosts for the hosts (default ~/.ssh/known_hosts)',
    )
    .option('--accept-new-host-keys', 'with --inventory: pin first-seen host keys (0600)')
    .action(async (flags: UpFlags) => {
      const started = Date.now();
      if (flags.inventory !== undefined) {
        refuseDockerOnlyFlags({
          subnet: flags.subnet,
          forwarder: flags.forwarder,
          nodesOnly: flags.nodesOnly,
          snapshot: flags.snapshot,
          fromSnapshot: flags.fromSnapshot,
        });
        await runUpInventory({ ...flags, inventory: flags.inventory }, ctx);
        return;
      }
      if (flags.knownHosts !== undefined || flags.acceptNewHostKeys) {
        throw new UsageError(
          'needs-inventory',
          '--known-hosts and --accept-new-host-keys are about SSH hosts: use them with --inventory FILE',
        );
      }
      if (flags.fromSnapshot !== undefined) {
        if (flags.snapshot || flags.nodesOnly)
          throw new UsageError(
            'bad-flags',
            '--from-snapshot makes the lab as its snapshot was: leave out --snapshot and --nodes-only',
          );
        const made = await upFromSnapshot(
          await ctx.reach(),
          flags.name,
          flags.fromSnapshot,
          flags.subnet,
          { events: plainProgress(ctx.stderr, started), signal: ctx.signal },
        );
        printSummary(ctx.stdout, await labStatus(ctx.provider(), flags.name), made.tookMs);
        ctx.stdout.write(
          `made from snapshot "${flags.fromSnapshot}": etcd hashes revision ${made.proof.snapshotRevision} as the snapshot did\n`,
        );
        return;
      }
      const view = flags.tui && process.stderr.isTTY ? await phaseView() : undefined;
      const events = view ? view.sink : plainProgress(ctx.stderr, started);
      let lab: HaLab;
      try {
        lab = await HaLab.up({
          provider: ctx.provider(),
          name: flags.name,
          subnet: flags.subnet,
          kubernetesVersion: flags.kubernetesVersion,
          keep: Boolean(flags.keep),
          timing: flags.timing as 'default' | 'fast',
          preempt: Boolean(flags.preempt),
          forwarder: Boolean(flags.forwarder),
          artifactSource: flags.artifactSource as 'go-build' | 'release',
          releaseBaseUrl: flags.releaseBaseUrl,
          etcdReleaseBaseUrl: flags.etcdReleaseBaseUrl,
          nodesOnly: Boolean(flags.nodesOnly),
          onEvent: events,
          signal: ctx.signal,
        });
      } finally {
        await view?.stop();
      }
      printSummary(ctx.stdout, await lab.status(), Date.now() - started);
      if (flags.snapshot && !flags.nodesOnly) {
        // After the summary, so `up`'s own time never includes the snapshot's.
        const saved = await saveSnapshot(ctx.provider(), flags.name, DEFAULT_SNAPSHOT, {
          events: plainProgress(ctx.stderr, Date.now()),
          signal: ctx.signal,
          waitWholeMs: 120_000,
        });
        ctx.stdout.write(
          `snapshot "${saved.name}" saved in ${(saved.tookMs / 1000).toFixed(1)} s (nodes frozen ${(saved.frozenMs / 1000).toFixed(1)} s, ${humanBytes(saved.bytes)}): \`ha-lab reset --name ${flags.name}\` returns to it\n`,
        );
      }
    });
}
