import { artifactSource } from '../../api/options.js';
import { UsageError } from '../../core/errors.js';
import { labStatus } from '../../lab/status.js';
import { downInventoryLab } from '../../lab/down-inventory.js';
import { upInventory } from '../../lab/up-inventory.js';
import type { CliContext } from '../cli-context.js';
import { hostBundleSource, openInventory } from '../inventory-lab.js';
import { plainProgress } from '../progress-printer.js';
import { printSummary } from '../summary.js';

/** The `up` flags an inventory lab takes; the others are about Docker machines. */
export interface UpInventoryFlags {
  name: string;
  inventory: string;
  knownHosts?: string;
  acceptNewHostKeys?: boolean;
  kubernetesVersion?: string;
  keep?: boolean;
  timing: string;
  preempt?: boolean;
  /** --artifact-source and its mirrors: the binaries the hosts get come from there. */
  artifactSource?: string;
  releaseBaseUrl?: string;
  etcdReleaseBaseUrl?: string;
}

/** Flags that have no meaning on the user's hosts, refused before anything is touched. */
const DOCKER_ONLY_FLAGS: Record<string, string> = {
  subnet: '--subnet (the hosts have their addresses)',
  forwarder: '--forwarder (the API is reached at the VIP)',
  nodesOnly: '--nodes-only (the hosts are there already)',
  snapshot: '--snapshot (snapshots need a Docker lab)',
  fromSnapshot: '--from-snapshot (snapshots need a Docker lab)',
};

export function refuseDockerOnlyFlags(flags: Record<string, unknown>): void {
  for (const [key, label] of Object.entries(DOCKER_ONLY_FLAGS)) {
    if (flags[key] !== undefined && flags[key] !== false) {
      throw new UsageError('bad-flags', `${label} does not go with --inventory: leave it out`);
    }
  }
}

export async function runUpInventory(flags: UpInventoryFlags, ctx: CliContext): Promise<void> {
  const started = Date.now();
  const events = plainProgress(ctx.stderr, started);
  const source = artifactSource({
    artifactSource: flags.artifactSource as 'go-build' | 'release' | undefined,
    releaseBaseUrl: flags.releaseBaseUrl,
    etcdReleaseBaseUrl: flags.etcdReleaseBaseUrl,
  });
  const access = await openInventory(
    flags.inventory,
    flags.name,
    {
      ...(flags.knownHosts === undefined ? {} : { knownHosts: flags.knownHosts }),
      acceptNewHostKeys: Boolean(flags.acceptNewHostKeys),
    },
    ctx.signal,
  );
  try {
    const result = await upInventory({
      lab: flags.name,
      inventory: access.inventory,
      file: access.file,
      ...(access.knownHosts === undefined ? {} : { knownHosts: access.knownHosts }),
      provider: access.provider,
      connect: access.connect,
      bundle: hostBundleSource(events, ctx.signal, source),
      teardown: (state) =>
        downInventoryLab(state, access.provider, { signal: ctx.signal }).then(() => undefined),
      kubernetesVersion: flags.kubernetesVersion,
      keep: Boolean(flags.keep),
      timing: flags.timing as 'default' | 'fast',
      preempt: Boolean(flags.preempt),
      events,
      signal: ctx.signal,
    });
    const sum = (pick: (h: (typeof result.hosts)[number]) => number) =>
      result.hosts.reduce((total, h) => total + pick(h), 0);
    ctx.stderr.write(
      `hosts: ${sum((h) => h.filesSent)} files sent (${(sum((h) => h.bytesSent) / 1024 ** 2).toFixed(1)} MiB), ${sum((h) => h.filesSkipped)} already there, ${sum((h) => h.packagesInstalled)} packages installed, ${sum((h) => h.imagesImported)} image archives imported\n`,
    );
    const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    for (const h of result.hosts) {
      ctx.stderr.write(
        `  ${h.node}: packages ${secs(h.packagesMs)}, files there after ${secs(h.filesMs)}, image imports ${secs(h.imagesMs)}, ready after ${secs(h.durationMs)}\n`,
      );
    }
    printSummary(ctx.stdout, await labStatus(access.provider, flags.name), Date.now() - started);
  } finally {
    access.provider.dispose?.();
  }
}
