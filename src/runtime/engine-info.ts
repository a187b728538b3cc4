import { totalmem } from 'node:os';
import type Docker from 'dockerode';
import { engineCall } from './docker-client.js';
import type { EngineInfo } from './provider.js';

export async function engineInfo(docker: Docker): Promise<EngineInfo> {
  const [info, version] = await Promise.all([
    engineCall('docker info', () => docker.info() as Promise<Record<string, unknown>>),
    engineCall('docker version', () => docker.version()),
  ]);
  return {
    version: String(info.ServerVersion ?? version.Version),
    apiVersion: version.ApiVersion,
    cgroupVersion: String(info.CgroupVersion ?? '1'),
    cgroupDriver: String(info.CgroupDriver ?? ''),
    storageDriver: String(info.Driver ?? ''),
    liveRestore: Boolean(info.LiveRestoreEnabled),
    kernel: String(info.KernelVersion ?? ''),
    operatingSystem: String(info.OperatingSystem ?? ''),
    memTotalBytes: Number(info.MemTotal ?? totalmem()),
    dockerRootDir: String(info.DockerRootDir ?? '/var/lib/docker'),
    rootless: isRootless(info.SecurityOptions),
  };
}

/** `docker info`'s SecurityOptions hold entries like "name=seccomp,profile=builtin", "name=rootless". */
export function isRootless(securityOptions: unknown): boolean {
  return (Array.isArray(securityOptions) ? securityOptions : []).some((o) =>
    String(o).split(',').includes('name=rootless'),
  );
}

/**
 * Tries `--privileged` with a throwaway container. Hosts whose capability bounding set lacks
 * CAP_SYS_RESOURCE refuse it ("unable to apply caps"); there the explicit set is used.
 */
export async function privilegedWorks(
  docker: Docker,
  image: string,
  labels: Record<string, string> = {},
): Promise<{ works: boolean; detail: string }> {
  const container = await engineCall('privilege check', () =>
    docker.createContainer({
      Image: image,
      Entrypoint: ['true'],
      Labels: { 'io.ha-lab.managed': 'true', 'io.ha-lab.probe': 'privileged', ...labels },
      HostConfig: { Privileged: true, AutoRemove: false },
    }),
  );
  try {
    await container.start();
    await container.wait();
    return { works: true, detail: 'ok' };
  } catch (error) {
    return { works: false, detail: (error as Error).message.split('\n')[0] ?? 'refused' };
  } finally {
    await container.remove({ force: true, v: true }).catch(() => undefined);
  }
}
