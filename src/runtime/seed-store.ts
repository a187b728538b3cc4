import type Docker from 'dockerode';
import { RuntimeError } from '../core/errors.js';
import { LABEL_MANAGED, LABEL_SEED, PRELOADED_MARKER } from '../core/topology.js';
import { waitFor } from '../core/wait.js';
import { engineCall, isNotFound } from './docker-client.js';
import { DockerExecRunner } from './docker-exec-runner.js';
import {
  containerdVolume,
  nodeCreateOptions,
  removeContainer,
  removeVolume,
} from './node-containers.js';
import type { Labels, PrivilegeMode, SeedRole, SeedStore } from './provider.js';
import { copyVolume, volumeSafe } from './volume-copy.js';

const IMPORT_LIMIT_MS = 300_000;

/** `ha-lab/node:v1.36.3-58aaaaa5f01e` -> `ha-lab-seed-v1.36.3-58aaaaa5f01e-master`. */
export function seedName(image: string, role: SeedRole): string {
  const tag = image.split(':').pop() ?? image;
  return `ha-lab-seed-${volumeSafe(tag)}-${role}`;
}

async function volumeExists(docker: Docker, name: string): Promise<boolean> {
  try {
    await docker.getVolume(name).inspect();
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

/** Seeds of other node images: each is a gigabyte that nothing will plant again. */
async function removeStaleSeeds(docker: Docker, image: string): Promise<void> {
  const { Volumes } = await engineCall('listing seed volumes', () =>
    docker.listVolumes({ filters: { label: [LABEL_SEED] } }),
  );
  const stale = (Volumes ?? []).filter((v) => v.Labels?.[LABEL_SEED] !== image);
  await Promise.all(stale.map((v) => removeVolume(docker, v.Name).catch(() => undefined)));
}

/**
 * A node that boots with no network on a fresh volume, imports its role's images (the node
 * image's own preload unit) and is removed; the volume it filled is copied to the seed's name
 * only once the import finished, so a seed that exists is always complete.
 */
async function makeSeed(
  docker: Docker,
  image: string,
  role: SeedRole,
  privilege: PrivilegeMode,
  signal: AbortSignal | undefined,
): Promise<string> {
  const name = seedName(image, role);
  const labels: Labels = { [LABEL_MANAGED]: 'true', [LABEL_SEED]: image };
  const maker = `${name}-maker`;
  const options = nodeCreateOptions({
    name: maker,
    hostname: `seed-${role}`,
    image,
    network: 'none',
    ip: '',
    labels,
    privilege,
    env: [`HA_LAB_ROLE=${role}`],
  });
  delete options.NetworkingConfig;
  // What an interrupted earlier attempt left would block the names.
  await removeContainer(docker, maker);
  await removeVolume(docker, containerdVolume(maker));
  try {
    await engineCall(`making the ${role} seed`, async () => {
      const container = await docker.createContainer(options);
      await container.start();
    });
    const runner = new DockerExecRunner(docker, `seed-${role}`, maker);
    await waitFor(
      async () =>
        (await runner.exec(['test', '-e', PRELOADED_MARKER], { timeoutMs: 10_000 })).exitCode === 0
          ? true
          : undefined,
      {
        what: `the ${role} seed to import its images`,
        timeoutMs: IMPORT_LIMIT_MS,
        intervalMs: 500,
        ...(signal ? { signal } : {}),
      },
    );
    // A clean shutdown: containerd closes its metadata database before the copy reads it.
    await engineCall(`stopping the ${role} seed`, () =>
      docker
        .getContainer(maker)
        .stop({ t: 10 })
        .catch((error: { statusCode?: number }) => {
          if (error.statusCode !== 304) throw error; // 304: it had already stopped
        }),
    );
    await copyVolume(docker, containerdVolume(maker), name, labels, image);
    return name;
  } finally {
    await removeContainer(docker, maker).catch(() => undefined);
    await removeVolume(docker, containerdVolume(maker)).catch(() => undefined);
  }
}

export function dockerSeedStore(docker: Docker): SeedStore {
  return {
    async ensure(image, role, privilege, signal) {
      const name = seedName(image, role);
      await removeStaleSeeds(docker, image);
      if (await volumeExists(docker, name)) return name;
      return makeSeed(docker, image, role, privilege, signal);
    },
    async plant(seed, machine, labels, helperImage) {
      if (!(await volumeExists(docker, seed)))
        throw new RuntimeError('seed-missing', `seed volume ${seed} is gone`);
      const volume = containerdVolume(machine);
      try {
        await copyVolume(docker, seed, volume, labels, helperImage);
      } catch (error) {
        // A half-filled volume would look imported to nobody and complete to containerd.
        await removeVolume(docker, volume).catch(() => undefined);
        throw error;
      }
    },
  };
}
