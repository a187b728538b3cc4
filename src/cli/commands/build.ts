import type { Command } from 'commander';
import { cacheRoot } from '../../core/paths.js';
import { join } from 'node:path';
import { ensureArtifacts } from '../../lab/artifacts/ensure-artifacts.js';
import { ensureHostBundle } from '../../lab/artifacts/host-bundle.js';
import { resolveKubernetesVersion } from '../../lab/versions.js';
import type { CliContext } from '../cli-context.js';
import { plainProgress } from '../progress-printer.js';

export function registerBuild(program: Command, ctx: CliContext): void {
  program
    .command('build')
    .description(
      '(re)build binaries and images into the cache (up builds what is missing by itself)',
    )
    .option('--kubernetes-version <version>', 'Kubernetes 1.34 to 1.36 (default 1.36)')
    .option('--force', 'rebuild even what the cache holds')
    .option(
      '--for-hosts',
      'also keep the host bundle, so `up --inventory` works later without an engine',
    )
    .action(async (flags: { kubernetesVersion?: string; force?: boolean; forHosts?: boolean }) => {
      const version = resolveKubernetesVersion(flags.kubernetesVersion);
      const provider = await ctx.reach();
      const started = Date.now();
      const events = plainProgress(ctx.stderr, started);
      const artifactCtx = {
        cacheRoot: cacheRoot(),
        logDir: join(cacheRoot(), 'logs'),
        events,
        signal: ctx.signal,
        force: Boolean(flags.force),
        images: provider.images,
      };
      const artifacts = await ensureArtifacts(
        { version, source: { kind: 'go-build' } },
        artifactCtx,
      );
      if (flags.forHosts) {
        const bundle = await ensureHostBundle(artifacts, artifactCtx);
        ctx.stdout.write(`host bundle ready: ${bundle.dir}\n`);
      }
      ctx.stdout.write(
        `node image ${artifacts.nodeImage} ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
      );
    });
}
