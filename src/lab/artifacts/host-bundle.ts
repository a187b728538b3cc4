import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { join } from 'node:path';
import { z } from 'zod';
import { RuntimeError } from '../../core/errors.js';
import type { Role } from '../../core/topology.js';
import { type ArtifactContext, progress } from './artifact-context.js';
import { checkEntry, sha256File } from './cache-manifest.js';
import type { Artifacts } from './ensure-artifacts.js';
import { ETCD_BINARIES, NODE_BINARIES, preloadArchives, renderedFiles } from './node-image.js';

/**
 * What an inventory host gets instead of the node image: the same binaries, rendered files
 * and component image archives, kept in the cache as plain files so `up --inventory` needs no
 * container engine (the archives are saved once, where an engine built the images: `ha-lab
 * build` or a Docker `up`). Each file carries its sha256, so an upload is skipped when the
 * host already has it, and the roles that need it, so a worker never receives the control
 * plane.
 */
export const HOST_BUNDLE_FILE = 'bundle.json';
const BIN_DIR = '/usr/local/bin';
/** Where a host keeps its image archives, as the node image does. */
export const HOST_IMAGE_DIR = '/var/lib/ha-lab/images';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const bundleFileSchema = z.object({
  /** What is sent: gzip'd for binaries and archives (a third of the bytes over SSH). */
  local: z.string(),
  /** sha256 of `local`, so an interrupted upload resumes and a sent one is skipped. */
  sentSha256: sha256,
  /** Where it ends on the host; a binary is unpacked there, an archive stays gzip'd. */
  remote: z.string(),
  /** sha256 of the file at `remote` once in place. */
  sha256,
  /** `local` is gzip'd and `remote` holds it unpacked. */
  unpack: z.boolean(),
  mode: z.number().int(),
  roles: z.array(z.enum(['master', 'worker'])),
  /** An image archive, imported into containerd after upload. */
  imageArchive: z.boolean(),
});
const bundleSchema = z.object({
  schemaVersion: z.literal(2),
  kubernetesVersion: z.string(),
  nodeImage: z.string(),
  createdAt: z.string(),
  files: z.array(bundleFileSchema),
});
export type HostBundle = z.infer<typeof bundleSchema> & { dir: string };
export type HostBundleFile = z.infer<typeof bundleFileSchema>;

export function hostBundlesRoot(cacheRoot: string): string {
  return join(cacheRoot, 'hosts');
}

/** `ha-lab/node:v1.36.3-fad93a588b48` keys its bundle as `v1.36.3-fad93a588b48`. */
function bundleDir(cacheRoot: string, nodeImage: string): string {
  const key = nodeImage.slice(nodeImage.lastIndexOf(':') + 1).replace(/[^\w.-]/g, '_');
  return join(hostBundlesRoot(cacheRoot), key);
}

/** The files a host of `role` receives, in upload order (binaries first, archives last). */
export function bundleFilesFor(bundle: HostBundle, role: Role): HostBundleFile[] {
  return bundle.files.filter((f) => f.roles.includes(role));
}

async function readBundle(dir: string): Promise<HostBundle | undefined> {
  try {
    const parsed = bundleSchema.safeParse(
      JSON.parse(await readFile(join(dir, HOST_BUNDLE_FILE), 'utf8')),
    );
    if (!parsed.success) return undefined;
    // A bundle whose files went (cache pruned) is no bundle: sizes are checked, not hashes,
    // since hashing ~1 GB on every `up` would cost seconds; the host checks sha256 anyway.
    for (const file of parsed.data.files) await stat(file.local);
    return { ...parsed.data, dir };
  } catch {
    return undefined;
  }
}

/**
 * The newest complete bundle for this Kubernetes version, for an operator's machine with no
 * engine; one clear line when there is none.
 */
export async function findHostBundle(cacheRoot: string, version: string): Promise<HostBundle> {
  const root = hostBundlesRoot(cacheRoot);
  const entries = await readdir(root).catch(() => [] as string[]);
  const bundles = (await Promise.all(entries.map((e) => readBundle(join(root, e))))).filter(
    (b): b is HostBundle => b?.kubernetesVersion === version,
  );
  bundles.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const newest = bundles[0];
  if (!newest) {
    throw new RuntimeError(
      'no-host-bundle',
      `no host artifacts for Kubernetes ${version} in ${root}: run \`ha-lab build --kubernetes-version ${version.replace(/^v/, '')}\` once on a machine with a Docker engine (it builds the component images), or start the engine here`,
    );
  }
  return newest;
}

/**
 * The bundle for these artifacts, made now when missing: the binaries stay where the build
 * cache keeps them, the rendered files and the image archives are written under the bundle.
 */
export async function ensureHostBundle(
  artifacts: Artifacts,
  ctx: ArtifactContext,
): Promise<HostBundle> {
  const bundle = bundleDir(ctx.cacheRoot, artifacts.nodeImage);
  const existing = await readBundle(bundle);
  if (existing && !ctx.force) return existing;
  progress(ctx, 'artifacts', 'saving the host bundle (binaries, files, image archives)');
  const part = `${bundle}.part`;
  await rm(part, { recursive: true, force: true });
  await mkdir(join(part, 'files'), { recursive: true });
  const files: HostBundleFile[] = [];
  const both: Role[] = ['master', 'worker'];
  const binary = async (dir: string, name: string, roles: Role[]): Promise<HostBundleFile> => {
    const check = await checkEntry(dir);
    const sha256 =
      (check.ok ? check.manifest.files[name] : undefined) ?? (await sha256File(join(dir, name)));
    await gzipFile(join(dir, name), join(part, 'bin', `${name}.gz`), ctx.signal);
    return {
      local: join(bundle, 'bin', `${name}.gz`),
      sentSha256: await sha256File(join(part, 'bin', `${name}.gz`)),
      remote: `${BIN_DIR}/${name}`,
      sha256,
      unpack: true,
      mode: 0o755,
      roles,
      imageArchive: false,
    };
  };
  await mkdir(join(part, 'bin'), { recursive: true });
  // kubectl is run on masters only (cluster-ready, drain): workers get what they run.
  // Compressed side by side: zlib works on libuv's threads, so every core takes a file.
  files.push(
    ...(await Promise.all([
      ...NODE_BINARIES.map((name) =>
        binary(artifacts.kubernetes.dir, name, name === 'kubectl' ? ['master'] : both),
      ),
      ...ETCD_BINARIES.map((name) => binary(artifacts.etcd.dir, name, ['master'])),
    ])),
  );
  for (const [path, text] of Object.entries(renderedFiles(artifacts.expected))) {
    const local = join(part, 'files', path.replaceAll('/', '__'));
    await writeFile(local, text);
    const sha256 = await sha256File(local);
    files.push({
      local: join(bundle, 'files', path.replaceAll('/', '__')),
      sentSha256: sha256,
      remote: `/${path}`,
      sha256,
      unpack: false,
      mode: 0o644,
      roles: both,
      imageArchive: false,
    });
  }
  const logFile = join(ctx.logDir, 'host-bundle.log');
  for (const archive of preloadArchives(artifacts.expected)) {
    const tar = join(part, archive.file);
    await ctx.images.save(archive.tags, tar, logFile, ctx.signal);
    await gzipFile(tar, `${tar}.gz`, ctx.signal);
    await rm(tar);
    const sha256 = await sha256File(`${tar}.gz`);
    files.push({
      local: join(bundle, `${archive.file}.gz`),
      sentSha256: sha256,
      remote: `${HOST_IMAGE_DIR}/${archive.file}.gz`,
      sha256,
      unpack: false,
      mode: 0o644,
      roles: archive.mastersOnly ? ['master'] : both,
      imageArchive: true,
    });
  }
  const made = {
    schemaVersion: 2 as const,
    kubernetesVersion: artifacts.kubernetesVersion,
    nodeImage: artifacts.nodeImage,
    createdAt: new Date().toISOString(),
    files,
  };
  await writeFile(join(part, HOST_BUNDLE_FILE), `${JSON.stringify(made, null, 2)}\n`);
  await rm(bundle, { recursive: true, force: true });
  await rename(part, bundle);
  return { ...made, dir: bundle };
}

/** gzip level 1: a third of the size in about a second per 100 MB, made once per bundle. */
async function gzipFile(from: string, to: string, signal?: AbortSignal): Promise<void> {
  await pipeline(createReadStream(from), createGzip({ level: 1 }), createWriteStream(to), {
    ...(signal ? { signal } : {}),
  });
}
