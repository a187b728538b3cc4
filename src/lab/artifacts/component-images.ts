import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LABEL_MANAGED } from '../../core/topology.js';
import { type ArtifactContext, progress } from './artifact-context.js';
import type { BinarySet } from './go-binaries.js';
import { hashInputs } from './cache-manifest.js';

export const LABEL_INPUTS = 'io.ha-lab.inputs';

/** The image names kubeadm expects, parsed from `kubeadm config images list`. */
export interface ExpectedImages {
  apiserver: string;
  controllerManager: string;
  scheduler: string;
  proxy: string;
  coredns: string;
  pause: string;
}

export function parseImageList(output: string): ExpectedImages {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const find = (name: string) => {
    const line = lines.find((l) => l.split('/').pop()?.startsWith(`${name}:`));
    if (!line) throw new Error(`kubeadm config images list did not name a ${name} image`);
    return line;
  };
  return {
    apiserver: find('kube-apiserver'),
    controllerManager: find('kube-controller-manager'),
    scheduler: find('kube-scheduler'),
    proxy: find('kube-proxy'),
    coredns: find('coredns'),
    pause: find('pause'),
  };
}

export function tagOf(image: string): string {
  return image.slice(image.lastIndexOf(':') + 1);
}

/** A distroless-like root: the binary, /tmp, and the user database some components read. */
export function staticImageDockerfile(binary: string, entrypoint: string, user?: string): string {
  return [
    'FROM scratch',
    'COPY rootfs/ /',
    `COPY ${binary} ${entrypoint}`,
    'ENV PATH=/usr/local/bin:/usr/bin:/bin',
    ...(user ? [`USER ${user}`] : []),
    `ENTRYPOINT ["${entrypoint}"]`,
    '',
  ].join('\n');
}

/** kube-proxy shells out to iptables-restore and conntrack, so it gets Debian's, like upstream's image. */
function kubeProxyDockerfile(baseImage: string): string {
  return [
    `FROM ${baseImage}`,
    'RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends iptables conntrack ipset kmod \\',
    ' && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb',
    'COPY kube-proxy /usr/local/bin/kube-proxy',
    'ENTRYPOINT ["/usr/local/bin/kube-proxy"]',
    '',
  ].join('\n');
}

export interface ImageRecipe {
  tag: string;
  binary: string;
  binaryDir: string;
  dockerfile: string;
}

/** Builds `recipe.tag` unless the image there was built from the same Dockerfile and binary. */
export async function buildRecipeImage(
  recipe: ImageRecipe,
  binarySha: string,
  ctx: ArtifactContext,
): Promise<void> {
  const inputs = hashInputs([recipe.dockerfile, binarySha]);
  const labels = await ctx.images.labels(recipe.tag);
  if (labels?.[LABEL_INPUTS] === inputs && !ctx.force) return;
  progress(ctx, 'images', `building ${recipe.tag}`);
  const dir = join(ctx.cacheRoot, 'stage', `image-${inputs.slice(0, 12)}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, 'rootfs', 'tmp'), { recursive: true });
  await mkdir(join(dir, 'rootfs', 'etc'), { recursive: true });
  await writeFile(
    join(dir, 'rootfs', 'etc', 'passwd'),
    'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n',
  );
  await writeFile(join(dir, 'rootfs', 'etc', 'group'), 'root:x:0:\nnobody:x:65534:\n');
  await copyFile(join(recipe.binaryDir, recipe.binary), join(dir, recipe.binary));
  await writeFile(join(dir, 'Dockerfile'), recipe.dockerfile);
  await ctx.images.build({
    contextDir: dir,
    dockerfile: join(dir, 'Dockerfile'),
    tag: recipe.tag,
    labels: { [LABEL_MANAGED]: 'true', [LABEL_INPUTS]: inputs },
    logFile: join(ctx.logDir, 'build-images.log'),
    signal: ctx.signal,
  });
  await rm(dir, { recursive: true, force: true });
}

export interface ComponentImageInputs {
  expected: ExpectedImages;
  kubernetes: BinarySet;
  kubernetesSha: Record<string, string>;
  coredns: BinarySet;
  corednsSha: string;
  pause: BinarySet;
  pauseSha: string;
  baseImage: string;
}

/** Builds the control-plane, kube-proxy, CoreDNS and pause images under the exact tags kubeadm expects. */
export async function ensureComponentImages(
  inputs: ComponentImageInputs,
  ctx: ArtifactContext,
): Promise<void> {
  const k = inputs.kubernetes.dir;
  const sha = (name: string) => inputs.kubernetesSha[name] ?? '';
  const recipes: [ImageRecipe, string][] = [
    [
      {
        tag: inputs.expected.apiserver,
        binary: 'kube-apiserver',
        binaryDir: k,
        dockerfile: staticImageDockerfile('kube-apiserver', '/usr/local/bin/kube-apiserver'),
      },
      sha('kube-apiserver'),
    ],
    [
      {
        tag: inputs.expected.controllerManager,
        binary: 'kube-controller-manager',
        binaryDir: k,
        dockerfile: staticImageDockerfile(
          'kube-controller-manager',
          '/usr/local/bin/kube-controller-manager',
        ),
      },
      sha('kube-controller-manager'),
    ],
    [
      {
        tag: inputs.expected.scheduler,
        binary: 'kube-scheduler',
        binaryDir: k,
        dockerfile: staticImageDockerfile('kube-scheduler', '/usr/local/bin/kube-scheduler'),
      },
      sha('kube-scheduler'),
    ],
    [
      {
        tag: inputs.expected.proxy,
        binary: 'kube-proxy',
        binaryDir: k,
        dockerfile: kubeProxyDockerfile(inputs.baseImage),
      },
      sha('kube-proxy'),
    ],
    [
      {
        tag: inputs.expected.coredns,
        binary: 'coredns',
        binaryDir: inputs.coredns.dir,
        dockerfile: staticImageDockerfile('coredns', '/coredns'),
      },
      inputs.corednsSha,
    ],
    [
      {
        tag: inputs.expected.pause,
        binary: 'pause',
        binaryDir: inputs.pause.dir,
        dockerfile: staticImageDockerfile('pause', '/pause', '65535:65535'),
      },
      inputs.pauseSha,
    ],
  ];
  for (const [recipe, binarySha] of recipes) await buildRecipeImage(recipe, binarySha, ctx);
}
