import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import Docker from 'dockerode';
import { execa } from 'execa';
import { ROOT } from './cli.js';
import { ensureMachineImage } from './machines.js';

/**
 * The image of images/machine-systemd.Dockerfile: the plain machine image with systemd as
 * PID 1. Built on top of the image test/support/machines.ts makes, so users, sudo and sshd
 * settings have one source; cached under a tag made from everything that goes into it.
 */
const engine = new Docker();
const IMAGES = join(ROOT, 'images');
const DOCKERFILE = join(IMAGES, 'machine-systemd.Dockerfile');
const FILES = join(IMAGES, 'machine-files');
const CONTENT_LABEL = 'io.ha-lab.content';

async function filesUnder(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await filesUnder(path)));
    else files.push(path);
  }
  return files.sort();
}

/** Builds the image unless one of the same content (Dockerfile, its files, the base) exists. */
export async function ensureSystemdMachineImage(signal?: AbortSignal): Promise<string> {
  const base = await ensureMachineImage();
  const hash = createHash('sha256')
    .update(base)
    .update(await readFile(DOCKERFILE));
  for (const file of await filesUnder(FILES)) {
    const mode = (await stat(file)).mode & 0o111 ? 'x' : '-';
    hash.update(`${relative(FILES, file)}\0${mode}\0`).update(await readFile(file));
  }
  const digest = hash.digest('hex');
  const tag = `ha-lab/machine-systemd:${digest.slice(0, 12)}`;
  const existing = await engine
    .getImage(tag)
    .inspect()
    .catch(() => undefined);
  if (existing?.Config?.Labels?.[CONTENT_LABEL] === digest) return tag;
  await execa(
    'docker',
    [
      ...['build', '--network', 'host', '-q', '-f', DOCKERFILE, '-t', tag],
      ...['--build-arg', `MACHINE_IMAGE=${base}`],
      ...['--label', 'io.ha-lab.managed=true', '--label', `${CONTENT_LABEL}=${digest}`],
      IMAGES,
    ],
    {
      env: { DOCKER_BUILDKIT: '0' },
      timeout: 600_000,
      ...(signal ? { cancelSignal: signal } : {}),
    },
  );
  return tag;
}
