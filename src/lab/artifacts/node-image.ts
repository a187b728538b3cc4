import { cp, link, copyFile, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { repoRoot } from '../../core/paths.js';
import { renderContainerdConfig } from '../../provision/containerd.js';
import {
  KUBEADM_DROP_IN_PATH,
  KUBELET_UNIT_PATH,
  renderKubeadmDropIn,
  renderKubeletUnit,
} from '../../provision/units.js';
import { LABEL_MANAGED } from '../../core/topology.js';
import { type ArtifactContext, progress } from './artifact-context.js';
import { hashInputs } from './cache-manifest.js';
import type { ExpectedImages } from './component-images.js';
import type { BinarySet } from './go-binaries.js';
import { LABEL_INPUTS } from './component-images.js';

export interface NodeImageInputs {
  kubernetesVersion: string;
  baseImage: string;
  kubernetes: BinarySet;
  etcd: BinarySet;
  /** sha256 per binary file name (from the cache manifests). */
  binarySha: Record<string, string>;
  expected: ExpectedImages;
  /** Image IDs of the component images: a rebuilt component image changes the node image. */
  componentImageIds: string[];
}

export const NODE_BINARIES = ['kubeadm', 'kubelet', 'kubectl'] as const;
export const KUBELET_BIN = '/usr/local/bin/kubelet';
/** etcdutl works on a stopped member's files (snapshot restore); etcdctl talks to members. */
export const ETCD_BINARIES = ['etcd', 'etcdctl', 'etcdutl'] as const;

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path)));
    else out.push(path);
  }
  return out.sort();
}

/**
 * Files rendered into the image (containerd config, kubelet units): part of the content hash.
 * Keys are paths relative to / (an inventory host gets the same files, see host-bundle).
 */
export function renderedFiles(expected: ExpectedImages): Record<string, string> {
  return {
    'etc/containerd/config.toml': renderContainerdConfig({ pauseImage: expected.pause }),
    [KUBELET_UNIT_PATH.slice(1)]: renderKubeletUnit(KUBELET_BIN),
    [KUBEADM_DROP_IN_PATH.slice(1)]: renderKubeadmDropIn(KUBELET_BIN),
  };
}

/** The component images a node imports at boot, as `docker save` archives, by role. */
export interface PreloadArchive {
  file: string;
  tags: string[];
  /** Only masters run the control plane; every node runs pause, kube-proxy and CoreDNS. */
  mastersOnly: boolean;
}

export function preloadArchives(e: ExpectedImages): PreloadArchive[] {
  return [
    { file: 'common.tar', tags: [e.pause, e.coredns, e.proxy], mastersOnly: false },
    {
      file: 'control-plane.tar',
      tags: [e.apiserver, e.controllerManager, e.scheduler],
      mastersOnly: true,
    },
  ];
}

/**
 * The node image tag carries a hash of everything that goes into it, so an unchanged input
 * is never rebuilt and a changed one can never be mistaken for the old image.
 */
export async function nodeImageTag(
  inputs: NodeImageInputs,
): Promise<{ tag: string; inputsHash: string }> {
  const root = repoRoot();
  const parts: string[] = [await readFile(join(root, 'images', 'node.Dockerfile'), 'utf8')];
  for (const file of await listFiles(join(root, 'images', 'node-files'))) {
    parts.push(relative(root, file), await readFile(file, 'utf8'));
  }
  for (const [path, text] of Object.entries(renderedFiles(inputs.expected))) parts.push(path, text);
  parts.push(inputs.baseImage, JSON.stringify(inputs.binarySha), ...inputs.componentImageIds);
  const inputsHash = hashInputs(parts);
  return { tag: `ha-lab/node:${inputs.kubernetesVersion}-${inputsHash.slice(0, 12)}`, inputsHash };
}

export async function ensureNodeImage(
  inputs: NodeImageInputs,
  ctx: ArtifactContext,
): Promise<string> {
  const { tag, inputsHash } = await nodeImageTag(inputs);
  const labels = await ctx.images.labels(tag);
  if (labels?.[LABEL_INPUTS] === inputsHash && !ctx.force) return tag;
  progress(ctx, 'images', `building node image ${tag}`);
  const logFile = join(ctx.logDir, 'build-node-image.log');
  const stage = join(ctx.cacheRoot, 'stage', `node-${inputsHash.slice(0, 12)}`);
  await rm(stage, { recursive: true, force: true });
  await mkdir(join(stage, 'bin'), { recursive: true });
  await mkdir(join(stage, 'preload'), { recursive: true });
  const root = repoRoot();
  await copyFile(join(root, 'images', 'node.Dockerfile'), join(stage, 'node.Dockerfile'));
  await cp(join(root, 'images', 'node-files'), join(stage, 'node-files'), { recursive: true });
  for (const [path, text] of Object.entries(renderedFiles(inputs.expected))) {
    await mkdir(join(stage, 'node-files', path, '..'), { recursive: true });
    await writeFile(join(stage, 'node-files', path), text);
  }
  // Hard links keep staging instant and free; fall back to copies across filesystems.
  const place = async (from: string, to: string) => link(from, to).catch(() => copyFile(from, to));
  for (const name of NODE_BINARIES)
    await place(join(inputs.kubernetes.dir, name), join(stage, 'bin', name));
  for (const name of ETCD_BINARIES)
    await place(join(inputs.etcd.dir, name), join(stage, 'bin', name));
  progress(ctx, 'images', 'saving component images for preloading');
  for (const archive of preloadArchives(inputs.expected)) {
    await ctx.images.save(archive.tags, join(stage, 'preload', archive.file), logFile, ctx.signal);
  }
  try {
    await ctx.images.build({
      contextDir: stage,
      dockerfile: join(stage, 'node.Dockerfile'),
      tag,
      labels: { [LABEL_MANAGED]: 'true', [LABEL_INPUTS]: inputsHash },
      buildArgs: { BASE_IMAGE: inputs.baseImage },
      logFile,
      signal: ctx.signal,
    });
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
  return tag;
}
