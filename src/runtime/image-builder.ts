import { join } from 'node:path';
import { repoRoot } from '../core/paths.js';
import type Docker from 'dockerode';
import { engineCall, isNotFound } from './docker-client.js';
import type { ImageBuild } from './provider.js';
import { runHost } from './host-commands.js';

/** Docker images built from a context directory with the engine's own builder. */
export async function imageLabels(
  docker: Docker,
  tag: string,
): Promise<Record<string, string> | undefined> {
  try {
    const info = await engineCall(`inspecting image ${tag}`, () => docker.getImage(tag).inspect());
    return (info.Config?.Labels as Record<string, string> | null) ?? {};
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export async function imageId(docker: Docker, tag: string): Promise<string | undefined> {
  try {
    return (await engineCall(`inspecting image ${tag}`, () => docker.getImage(tag).inspect())).Id;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export async function buildImage(build: ImageBuild): Promise<void> {
  const args = ['build', '--network', 'host', '-f', build.dockerfile, '-t', build.tag];
  for (const [k, v] of Object.entries(build.labels)) args.push('--label', `${k}=${v}`);
  for (const [k, v] of Object.entries(build.buildArgs ?? {})) args.push('--build-arg', `${k}=${v}`);
  args.push(build.contextDir);
  // The classic builder needs no buildx plugin and no registry for its front end.
  await runHost('docker', args, {
    logFile: build.logFile,
    signal: build.signal,
    env: { DOCKER_BUILDKIT: '0' },
  });
}

export async function saveImages(
  tags: string[],
  outFile: string,
  logFile: string,
  signal?: AbortSignal,
): Promise<void> {
  await runHost('docker', ['save', '-o', outFile, ...tags], { logFile, signal });
}

/** Pulls debian:SUITE where the engine can pull, else debootstraps and imports it. */
export async function ensureBaseImage(
  ref: string,
  suite: string,
  mirror: string,
  logFile: string,
  signal?: AbortSignal,
): Promise<void> {
  await runHost('bash', [join(repoRoot(), 'scripts', 'make-base-image.sh'), ref, suite, mirror], {
    logFile,
    signal,
  });
}

/** Copies a host file into a container (docker cp), e.g. an image archive to import. */
export async function copyIntoContainer(
  container: string,
  hostPath: string,
  containerDir: string,
): Promise<void> {
  await runHost('docker', ['cp', hostPath, `${container}:${containerDir}`]);
}
