import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { EventSink } from '../../core/events.js';
import { cacheRoot } from '../../core/paths.js';
import { containerName } from '../../core/topology.js';
import { nodeFileSha256, run } from '../../runtime/node-runner.js';
import { checkEntry } from '../artifacts/cache-manifest.js';
import type { ExpectedImages } from '../artifacts/component-images.js';
import { type Artifacts, ensureArtifacts } from '../artifacts/ensure-artifacts.js';
import { runnerFor } from '../node-access.js';
import type { OpenLab } from '../open-lab.js';
import type { KubernetesVersion } from '../versions.js';

/** Where a node keeps the new version's binaries until its turn (like a downloaded package). */
export function stagingDir(version: string): string {
  return `/var/tmp/ha-lab-upgrade/${version}`;
}

/** The node-side binaries an upgrade installs: kubeadm first, kubelet and kubectl after drain. */
export const UPGRADED_BINARIES = ['kubeadm', 'kubelet', 'kubectl'] as const;

/** Reading a staged binary's sha256 on a node takes well under a second; bound it anyway. */
const SHA_LIMIT = { timeoutMs: 60_000 };

/** Copies to at most this many nodes at once: each copy is a few hundred MB through the engine. */
const PARALLEL_NODES = 3;

export interface StagedUpgrade {
  artifacts: Artifacts;
  /** sha256 of each staged binary, from the cache manifest: checked on the node before use. */
  sha: Record<string, string>;
}

/** The target's binaries and images, from the cache (built now from Go modules if missing). */
export async function targetArtifacts(
  lab: OpenLab,
  version: KubernetesVersion,
  events: EventSink,
  signal: AbortSignal,
): Promise<StagedUpgrade> {
  const root = cacheRoot();
  const artifacts = await ensureArtifacts(
    { version, source: { kind: 'go-build' } },
    { cacheRoot: root, logDir: join(root, 'logs'), events, signal, images: lab.provider.images },
  );
  const check = await checkEntry(artifacts.kubernetes.dir);
  if (!check.ok) throw new Error(`the cached ${version.version} binaries failed their check`);
  return { artifacts, sha: check.manifest.files };
}

/** Masters run every component image; workers only kube-proxy, CoreDNS and pause. */
export function imagesFor(role: 'master' | 'worker', expected: ExpectedImages): string[] {
  const common = [expected.proxy, expected.coredns, expected.pause];
  if (role === 'worker') return common;
  return [expected.apiserver, expected.controllerManager, expected.scheduler, ...common];
}

/**
 * Puts the new binaries and images on every node before any node is touched, so the rolling
 * part only installs what is already there (nothing is pulled). A file the node already has
 * with the right sha256, or an image its containerd already has, is skipped: a second
 * attempt after a failure resumes instead of copying everything again.
 */
export async function stageOnNodes(
  lab: OpenLab,
  staged: StagedUpgrade,
  logFile: string,
  signal: AbortSignal,
): Promise<{ copiedFiles: number; importedImages: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'ha-lab-upgrade-'));
  const version = staged.artifacts.kubernetesVersion;
  const archives: Record<string, Promise<string>> = {};
  let copiedFiles = 0;
  let importedImages = 0;
  try {
    const queue = [...lab.topology.nodes];
    const worker = async () => {
      for (let node = queue.shift(); node; node = queue.shift()) {
        signal.throwIfAborted();
        const runner = runnerFor(lab.runners, node.name);
        const machine = containerName(lab.lab, node.name);
        const target = stagingDir(version);
        await run(runner, ['mkdir', '-p', '-m', '0700', target]);
        for (const name of UPGRADED_BINARIES) {
          const want = staged.sha[name];
          if (!want) throw new Error(`the cache manifest has no sha256 for ${name}`);
          if ((await nodeFileSha256(runner, `${target}/${name}`, SHA_LIMIT)) === want) continue;
          await lab.provider.copyIn(machine, join(staged.artifacts.kubernetes.dir, name), target);
          const got = await nodeFileSha256(runner, `${target}/${name}`, SHA_LIMIT);
          if (got !== want)
            throw new Error(`${node.name}: ${name} arrived with sha256 ${got}, expected ${want}`);
          copiedFiles += 1;
        }
        const images = imagesFor(node.role, staged.artifacts.expected);
        const present = await run(runner, ['ctr', '-n', 'k8s.io', 'images', 'ls', '-q']);
        const missing = images.filter((i) => !present.split('\n').includes(i));
        if (missing.length === 0) continue;
        const archive = await archiveFor(node.role, missing, archives, dir, lab, logFile, signal);
        await lab.provider.copyIn(machine, archive, '/var/tmp/');
        const inNode = `/var/tmp/${basename(archive)}`;
        await run(
          runner,
          ['sh', '-ec', `ctr -n k8s.io images import "$1" >/dev/null; rm -f "$1"`, 'sh', inNode],
          {
            timeoutMs: 300_000,
          },
        );
        importedImages += missing.length;
      }
    };
    await Promise.all(Array.from({ length: PARALLEL_NODES }, worker));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return { copiedFiles, importedImages };
}

/**
 * One archive per role and image set, saved once and copied to every node that lacks it. The
 * promise is kept, not the path: a second node asking while the save runs waits for it.
 */
function archiveFor(
  role: string,
  images: string[],
  archives: Record<string, Promise<string>>,
  dir: string,
  lab: OpenLab,
  logFile: string,
  signal: AbortSignal,
): Promise<string> {
  const key = `${role}:${images.join(',')}`;
  const existing = archives[key];
  if (existing) return existing;
  const file = join(dir, `${role}-${Object.keys(archives).length}.tar`);
  const saved = lab.provider.images.save(images, file, logFile, signal).then(() => file);
  archives[key] = saved;
  return saved;
}
