import Docker from 'dockerode';
import { rm } from 'node:fs/promises';
import { expect } from 'vitest';
import { haLab } from './cli.js';

/** Everything still carrying a lab's label: containers, networks, volumes. */
export async function leftovers(
  lab: string,
): Promise<{ containers: number; networks: number; volumes: number }> {
  const docker = new Docker();
  const filters = { label: [`io.ha-lab.lab=${lab}`] };
  const [containers, networks, volumes] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }),
    docker.listVolumes({ filters }),
  ]);
  return {
    containers: containers.length,
    networks: networks.length,
    volumes: volumes.Volumes?.length ?? 0,
  };
}

export const NOTHING = { containers: 0, networks: 0, volumes: 0 };

/**
 * `down --purge` of every lab a test file made, each checked to leave nothing, then the
 * file's own state directory removed: the afterAll of every suite that makes labs.
 */
export async function removeLabsAndState(
  labs: readonly string[],
  env: Record<string, string>,
  stateRoot: string,
): Promise<void> {
  for (const lab of labs) {
    const down = await haLab(['down', '--name', lab, '--purge'], { env, timeoutMs: 120_000 });
    expect(down.exitCode, down.stderr).toBe(0);
    expect(await leftovers(lab)).toEqual(NOTHING);
  }
  await rm(stateRoot, { recursive: true, force: true });
}
