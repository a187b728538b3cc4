import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../../core/paths.js';
import { runHost } from '../../runtime/host-commands.js';
import {
  ETCD_VERSION,
  KUBERNETES_COMMANDS,
  kubernetesLdflags,
  type KubernetesVersion,
} from '../versions.js';
import { type BuildContext, progress, warn } from './artifact-context.js';
import { buildEntry, checkEntry, entryDir, hashInputs } from './cache-manifest.js';
import { corednsModuleDir, goVersion, kubernetesModuleDir } from './go-modules.js';

export interface BinarySet {
  component: string;
  version: string;
  dir: string;
  files: string[];
}

const BUILD_SCRIPT = () => join(repoRoot(), 'scripts', 'build-go-binaries.sh');

async function moduleFingerprint(dir: string): Promise<string[]> {
  const parts = [await readFile(join(dir, 'go.mod'), 'utf8')];
  try {
    parts.push(await readFile(join(dir, 'go.sum'), 'utf8'));
  } catch {
    // a generated module gets its go.sum from `go mod tidy`; go.mod pins the versions
  }
  return parts;
}

/**
 * Reuses a verified cache entry or builds it. A corrupted entry (sha256 mismatch, missing
 * file) is reported and rebuilt rather than used.
 */
async function ensureEntry(
  ctx: BuildContext,
  component: string,
  version: string,
  inputs: string[],
  build: (scratch: string, logFile: string) => Promise<void>,
): Promise<BinarySet> {
  const inputsHash = hashInputs([component, version, await goVersion(), ...inputs]);
  const dir = entryDir(ctx.cacheRoot, 'bin', component, version, inputsHash);
  const check = await checkEntry(dir);
  if (check.ok && !ctx.force) {
    return { component, version, dir, files: Object.keys(check.manifest.files) };
  }
  if (!check.ok && check.reason !== 'not built yet') {
    warn(ctx, `cache entry ${component} ${version} is corrupted (${check.reason}): rebuilding`);
  }
  const logFile = join(ctx.logDir, `build-${component}-${version}.log`);
  progress(ctx, 'artifacts', `building ${component} ${version} from Go modules (log: ${logFile})`);
  const manifest = await buildEntry(
    dir,
    { component, version, inputsHash, source: 'go-build' },
    (scratch) => build(scratch, logFile),
  );
  return { component, version, dir, files: Object.keys(manifest.files) };
}

export async function ensureKubernetesBinaries(
  version: KubernetesVersion,
  ctx: BuildContext,
): Promise<BinarySet> {
  const logFile = join(ctx.logDir, `build-kubernetes-${version.version}.log`);
  const moduleDir = await kubernetesModuleDir(version.version, ctx, logFile);
  const ldflags = kubernetesLdflags(version);
  return ensureEntry(
    ctx,
    'kubernetes',
    version.version,
    [...(await moduleFingerprint(moduleDir)), ldflags],
    async (scratch) => {
      await runHost(
        BUILD_SCRIPT(),
        [
          moduleDir,
          `${scratch}/`,
          ldflags,
          ...KUBERNETES_COMMANDS.map((c) => `k8s.io/kubernetes/cmd/${c}`),
        ],
        { logFile, signal: ctx.signal },
      );
    },
  );
}

export async function ensureEtcdBinaries(ctx: BuildContext): Promise<BinarySet> {
  const moduleDir = join(repoRoot(), 'go', 'etcd');
  const ldflags = `-X go.etcd.io/etcd/api/v3/version.GitSHA=${ETCD_VERSION}`;
  return ensureEntry(
    ctx,
    'etcd',
    ETCD_VERSION,
    [...(await moduleFingerprint(moduleDir)), ldflags],
    async (scratch, logFile) => {
      await runHost(
        BUILD_SCRIPT(),
        [moduleDir, join(scratch, 'etcd'), ldflags, 'go.etcd.io/etcd/server/v3'],
        { logFile, signal: ctx.signal },
      );
      await runHost(
        BUILD_SCRIPT(),
        [moduleDir, join(scratch, 'etcdctl'), ldflags, 'go.etcd.io/etcd/etcdctl/v3'],
        { logFile, signal: ctx.signal },
      );
      // Since etcd 3.6 only etcdutl restores a snapshot (etcdctl's restore was removed).
      await runHost(
        BUILD_SCRIPT(),
        [moduleDir, join(scratch, 'etcdutl'), ldflags, 'go.etcd.io/etcd/etcdutl/v3'],
        { logFile, signal: ctx.signal },
      );
    },
  );
}

export async function ensureCorednsBinary(version: string, ctx: BuildContext): Promise<BinarySet> {
  const logFile = join(ctx.logDir, `build-coredns-${version}.log`);
  const moduleDir = await corednsModuleDir(version, ctx, logFile);
  const inputs = [
    ...(await moduleFingerprint(moduleDir)),
    await readFile(join(moduleDir, 'main.go'), 'utf8'),
  ];
  return ensureEntry(ctx, 'coredns', version, inputs, async (scratch) => {
    await runHost(BUILD_SCRIPT(), [moduleDir, join(scratch, 'coredns'), '', '.'], {
      logFile,
      signal: ctx.signal,
    });
  });
}

export async function ensurePauseBinary(version: string, ctx: BuildContext): Promise<BinarySet> {
  const moduleDir = join(repoRoot(), 'go', 'pause');
  const inputs = [
    await readFile(join(moduleDir, 'main.go'), 'utf8'),
    await readFile(join(moduleDir, 'go.mod'), 'utf8'),
  ];
  return ensureEntry(ctx, 'pause', version, inputs, async (scratch, logFile) => {
    await runHost(BUILD_SCRIPT(), [moduleDir, join(scratch, 'pause'), '', '.'], {
      logFile,
      signal: ctx.signal,
    });
  });
}

/** The workload scenarios keep answering (go/probe-app): no dependencies, so no go.sum. */
export async function ensureProbeAppBinary(ctx: BuildContext): Promise<BinarySet> {
  const moduleDir = join(repoRoot(), 'go', 'probe-app');
  const inputs = [
    await readFile(join(moduleDir, 'main.go'), 'utf8'),
    await readFile(join(moduleDir, 'go.mod'), 'utf8'),
  ];
  return ensureEntry(ctx, 'probe-app', 'local', inputs, async (scratch, logFile) => {
    await runHost(BUILD_SCRIPT(), [moduleDir, join(scratch, 'probe-app'), '', '.'], {
      logFile,
      signal: ctx.signal,
    });
  });
}
