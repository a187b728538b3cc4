import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runHost } from '../../runtime/host-commands.js';
import { debianMirror } from '../debs/mirror.js';
import type { KubernetesVersion } from '../versions.js';
import type { ArtifactContext } from './artifact-context.js';
import { progress } from './artifact-context.js';
import { checkEntry } from './cache-manifest.js';
import {
  ensureComponentImages,
  type ExpectedImages,
  parseImageList,
  tagOf,
} from './component-images.js';
import {
  type BinarySet,
  ensureCorednsBinary,
  ensureEtcdBinaries,
  ensureKubernetesBinaries,
  ensurePauseBinary,
} from './go-binaries.js';
import { ensureNodeImage } from './node-image.js';
import {
  downloadEtcdBinaries,
  downloadKubernetesBinaries,
  type ReleaseSource,
} from './release-download.js';

export const BASE_IMAGE = 'ha-lab/debian-base:bookworm';

export interface ArtifactRequest {
  version: KubernetesVersion;
  /** Where the Kubernetes and etcd binaries come from: Go modules (default) or official releases. */
  source: { kind: 'go-build' } | ({ kind: 'release' } & ReleaseSource);
}

export interface Artifacts {
  kubernetesVersion: string;
  nodeImage: string;
  expected: ExpectedImages;
  kubernetes: BinarySet;
  etcd: BinarySet;
}

async function shaOf(set: BinarySet): Promise<Record<string, string>> {
  const check = await checkEntry(set.dir);
  return check.ok ? check.manifest.files : {};
}

/**
 * Everything a lab needs, each step cached by content: base image, binaries, component
 * images under kubeadm's names, and the node image with all of it preloaded.
 */
export async function ensureArtifacts(
  request: ArtifactRequest,
  ctx: ArtifactContext,
): Promise<Artifacts> {
  await mkdir(ctx.logDir, { recursive: true });
  progress(ctx, 'artifacts', 'base image');
  await ctx.images.ensureBase(
    BASE_IMAGE,
    'bookworm',
    await debianMirror(),
    join(ctx.logDir, 'base-image.log'),
    ctx.signal,
  );

  const kubernetes =
    request.source.kind === 'release'
      ? await downloadKubernetesBinaries(request.version, request.source, ctx)
      : await ensureKubernetesBinaries(request.version, ctx);
  const etcd =
    request.source.kind === 'release'
      ? await downloadEtcdBinaries(request.source, ctx)
      : await ensureEtcdBinaries(ctx);

  const list = await runHost(join(kubernetes.dir, 'kubeadm'), [
    'config',
    'images',
    'list',
    '--kubernetes-version',
    request.version.version,
  ]);
  const expected = parseImageList(list);
  const coredns = await ensureCorednsBinary(tagOf(expected.coredns), ctx);
  const pause = await ensurePauseBinary(tagOf(expected.pause), ctx);

  const kubernetesSha = await shaOf(kubernetes);
  const corednsSha = (await shaOf(coredns)).coredns ?? '';
  const pauseSha = (await shaOf(pause)).pause ?? '';
  await ensureComponentImages(
    {
      expected,
      kubernetes,
      kubernetesSha,
      coredns,
      corednsSha,
      pause,
      pauseSha,
      baseImage: BASE_IMAGE,
    },
    ctx,
  );

  const ids = await Promise.all(Object.values(expected).map((tag) => ctx.images.id(tag)));
  const nodeImage = await ensureNodeImage(
    {
      kubernetesVersion: request.version.version,
      baseImage: BASE_IMAGE,
      kubernetes,
      etcd,
      binarySha: { ...kubernetesSha, ...(await shaOf(etcd)) },
      expected,
      componentImageIds: ids.map((id) => id ?? 'missing'),
    },
    ctx,
  );
  return { kubernetesVersion: request.version.version, nodeImage, expected, kubernetes, etcd };
}
