import { existsSync } from 'node:fs';
import type Docker from 'dockerode';
import { engineCall, isNotFound } from './docker-client.js';
import type { MachineSpec, MachineSummary, PowerAction } from './provider.js';

/**
 * The flags a systemd node needs, each for a reason (see host-notes.md). Laptops take
 * --privileged; hosts whose capability bounding set lacks CAP_SYS_RESOURCE refuse it
 * ("unable to apply caps"), so there the explicit set is used instead.
 */
/** The named volume a machine keeps containerd's images and snapshots in. */
export function containerdVolume(machine: string): string {
  return `${machine}-containerd`;
}

export function nodeCreateOptions(spec: MachineSpec): Docker.ContainerCreateOptions {
  const privilegeFlags: Docker.HostConfig =
    spec.privilege === 'privileged'
      ? { Privileged: true }
      : {
          // Everything the engine knows except SYS_RESOURCE, which the host cannot grant.
          CapAdd: ['ALL'],
          CapDrop: ['SYS_RESOURCE'],
          // systemd, containerd and runc make syscalls the default profiles block.
          SecurityOpt: ['seccomp=unconfined', 'apparmor=unconfined'],
          // The API form of --security-opt systempaths=unconfined: /proc and /sys unmasked.
          MaskedPaths: [],
          ReadonlyPaths: [],
          // Nested containers need device nodes (/dev/null, /dev/kmsg ...).
          DeviceCgroupRules: ['a *:* rwm'],
        };
  const mounts: Docker.MountSettings[] = [
    // containerd's overlayfs snapshotter cannot work on the node's own overlayfs root.
    {
      Type: 'volume',
      Source: containerdVolume(spec.name),
      Target: '/var/lib/containerd',
      VolumeOptions: { Labels: spec.labels } as Docker.MountSettings['VolumeOptions'],
    },
  ];
  if (existsSync('/lib/modules')) {
    // kubeadm's system verification and kube-proxy read module info where the host has it.
    mounts.push({ Type: 'bind', Source: '/lib/modules', Target: '/lib/modules', ReadOnly: true });
  }
  return {
    name: spec.name,
    Hostname: spec.hostname,
    Image: spec.image,
    Labels: spec.labels,
    Env: ['container=docker', ...(spec.env ?? [])],
    Tty: true,
    HostConfig: {
      ...privilegeFlags,
      // @types/dockerode lags the engine API: CgroupnsMode exists since API 1.41.
      NetworkMode: spec.network,
      // systemd needs a writable /run and /tmp that are not on overlayfs.
      Tmpfs: { '/run': 'rw,exec,mode=755', '/tmp': 'rw,exec,mode=1777' },
      // A private cgroup namespace: the node sees its own subtree as the root, and nested
      // containers stay under the node's cgroup (--cgroupns=host would share one root).
      CgroupnsMode: 'private',
      Mounts: mounts,
      RestartPolicy: { Name: 'no' },
      Init: false,
    } as Docker.HostConfig,
    NetworkingConfig: {
      EndpointsConfig: { [spec.network]: { IPAMConfig: { IPv4Address: spec.ip } } },
    },
  };
}

export async function createNodeContainer(docker: Docker, spec: MachineSpec): Promise<void> {
  await engineCall(`creating ${spec.name}`, async () => {
    const container = await docker.createContainer(nodeCreateOptions(spec));
    await container.start();
  });
}

export async function listContainers(
  docker: Docker,
  labels: Record<string, string>,
): Promise<MachineSummary[]> {
  const filters = { label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) };
  const list = await engineCall('listing containers', () =>
    docker.listContainers({ all: true, filters }),
  );
  return list.map((c) => ({
    name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
    id: c.Id,
    state: c.State,
    labels: c.Labels,
  }));
}

export async function inspectContainer(
  docker: Docker,
  name: string,
): Promise<Docker.ContainerInspectInfo | undefined> {
  try {
    return await engineCall(`inspecting ${name}`, () => docker.getContainer(name).inspect());
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export async function removeContainer(docker: Docker, name: string): Promise<void> {
  try {
    await engineCall(`removing ${name}`, () =>
      docker.getContainer(name).remove({ force: true, v: true }),
    );
  } catch (error) {
    if (!isNotFound(error) && (error as { statusCode?: number }).statusCode !== 409) throw error;
  }
}

/** Lifecycle actions used by `up` (restart stopped nodes) and by the chaos faults. */
export async function containerAction(
  docker: Docker,
  name: string,
  action: PowerAction,
  stopTimeoutS = 10,
): Promise<void> {
  await engineCall(`${action} ${name}`, async () => {
    const container = docker.getContainer(name);
    switch (action) {
      case 'start':
        return container.start();
      case 'stop':
        return container.stop({ t: stopTimeoutS });
      case 'kill':
        return container.kill({ signal: 'SIGKILL' });
      case 'pause':
        return container.pause();
      case 'unpause':
        return container.unpause();
      case 'restart':
        return container.restart({ t: stopTimeoutS });
    }
  });
}

export async function listVolumes(
  docker: Docker,
  labels: Record<string, string>,
): Promise<string[]> {
  const filters = { label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) };
  const result = await engineCall('listing volumes', () => docker.listVolumes({ filters }));
  return (result.Volumes ?? []).map((v) => v.Name);
}

export async function removeVolume(docker: Docker, name: string): Promise<void> {
  try {
    await engineCall(`removing volume ${name}`, () => docker.getVolume(name).remove());
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}
