import type Docker from 'dockerode';
import { RuntimeError } from '../core/errors.js';
import { engineCall, isNotFound } from './docker-client.js';
import { inspectContainer, removeVolume } from './node-containers.js';
import { copyVolume, volumeSafe } from './volume-copy.js';
import type { Labels, MachineCapture, SnapshotPart, SnapshotStore } from './provider.js';

/**
 * Snapshots on a Docker engine: `docker commit` of each (frozen) node container, and a copy of
 * each of its named volumes made by a throwaway container. Docker has no volume snapshot of its
 * own; a copy is what keeps the snapshot intact while the lab goes on writing its volumes.
 */

/** An empty value matches any value of that label (Docker's `label=KEY` filter). */
function labelFilter(labels: Labels): { label: string[] } {
  return { label: Object.entries(labels).map(([k, v]) => (v === '' ? k : `${k}=${v}`)) };
}

/** Dockerfile LABEL syntax for `docker commit --change`; values are lab and snapshot names. */
function labelChange(labels: Labels): string {
  return `LABEL ${Object.entries(labels)
    .map(([k, v]) => `${JSON.stringify(k)}=${JSON.stringify(v)}`)
    .join(' ')}`;
}

/** The named volumes mounted in a container (its anonymous ones go with it and are not state). */
function namedVolumes(info: Docker.ContainerInspectInfo): string[] {
  return (info.Mounts ?? [])
    .filter((m) => m.Type === 'volume' && m.Name !== undefined && !/^[0-9a-f]{64}$/.test(m.Name))
    .map((m) => m.Name as string);
}

async function capture(
  docker: Docker,
  machine: string,
  tag: string,
  labels: Labels,
  helperImage: string,
): Promise<MachineCapture> {
  const info = await engineCall(`inspecting ${machine}`, () =>
    // @types/dockerode lacks the API's `size` query (SizeRw: the layer a commit keeps).
    docker.getContainer(machine).inspect({ size: true } as Docker.ContainerInspectOptions),
  );
  if (!info.State.Paused && info.State.Running)
    throw new RuntimeError(
      'machine-not-frozen',
      `${machine} is running: freeze every machine before capturing it`,
    );
  const [repo, version] = tag.split(':');
  await engineCall(`committing ${machine}`, () =>
    docker.getContainer(machine).commit({
      repo,
      tag: version ?? 'latest',
      pause: false,
      changes: labelChange(labels),
      // The container's own config as the image's (entrypoint, STOPSIGNAL, env, labels): an
      // empty body would leave the engine to merge a default config with it, field by field.
      _body: info.Config,
    }),
  );
  const volumes = await Promise.all(
    namedVolumes(info).map(async (volume) => {
      const copy = `${volumeSafe(tag)}-${volume}`;
      const bytes = await copyVolume(docker, volume, copy, labels, helperImage);
      return { volume, copy, bytes };
    }),
  );
  const layer = (info as { SizeRw?: number }).SizeRw ?? 0;
  return {
    machine,
    image: tag,
    volumes: volumes.map(({ volume, copy }) => ({ volume, copy })),
    bytes: layer + volumes.reduce((sum, v) => sum + v.bytes, 0),
  };
}

async function restoreVolumes(
  docker: Docker,
  saved: MachineCapture,
  volumeLabels: Labels,
  helperImage: string,
): Promise<void> {
  if (await inspectContainer(docker, saved.machine))
    throw new RuntimeError(
      'machine-exists',
      `${saved.machine} still exists: remove it before restoring its volumes`,
    );
  await Promise.all(
    saved.volumes.map(({ volume, copy }) =>
      copyVolume(docker, copy, volume, volumeLabels, helperImage),
    ),
  );
}

interface DiskUsage {
  Images?: { RepoTags?: string[]; Id: string; Size: number; SharedSize: number }[];
  Volumes?: { Name: string; UsageData?: { Size: number } }[];
}

async function list(docker: Docker, labels: Labels): Promise<SnapshotPart[]> {
  const filters = labelFilter(labels);
  const [images, volumes, usage] = await Promise.all([
    engineCall('listing snapshot images', () => docker.listImages({ filters })),
    engineCall('listing snapshot volumes', () => docker.listVolumes({ filters })),
    engineCall('reading disk usage', () => docker.df() as Promise<DiskUsage>),
  ]);
  const parts: SnapshotPart[] = [];
  for (const image of images) {
    const used = usage.Images?.find((u) => u.Id === image.Id);
    // Size counts the node image underneath too; what the snapshot adds is the unshared part.
    const bytes = used && used.SharedSize >= 0 ? used.Size - used.SharedSize : undefined;
    parts.push({
      kind: 'image',
      name: image.RepoTags?.[0] ?? image.Id,
      labels: image.Labels ?? {},
      bytes,
    });
  }
  for (const volume of volumes.Volumes ?? []) {
    const size = usage.Volumes?.find((u) => u.Name === volume.Name)?.UsageData?.Size;
    parts.push({
      kind: 'volume',
      name: volume.Name,
      labels: (volume.Labels as Labels | null) ?? {},
      bytes: size !== undefined && size >= 0 ? size : undefined,
    });
  }
  return parts;
}

async function remove(docker: Docker, labels: Labels): Promise<number> {
  const images = await engineCall('listing snapshot images', () =>
    docker.listImages({ filters: labelFilter(labels) }),
  );
  for (const image of images) {
    await engineCall(`removing image ${image.Id}`, () =>
      docker.getImage(image.Id).remove({ force: true }),
    ).catch((error: unknown) => {
      if (!isNotFound(error)) throw error;
    });
  }
  const volumes = (
    await engineCall('listing snapshot volumes', () =>
      docker.listVolumes({ filters: labelFilter(labels) }),
    )
  ).Volumes.map((v) => v.Name);
  await Promise.all(volumes.map((v) => removeVolume(docker, v)));
  return images.length + volumes.length;
}

export function dockerSnapshotStore(docker: Docker): SnapshotStore {
  return {
    capture: (machine, tag, labels, helperImage) =>
      capture(docker, machine, tag, labels, helperImage),
    restoreVolumes: (saved, volumeLabels, helperImage) =>
      restoreVolumes(docker, saved, volumeLabels, helperImage),
    list: (labels) => list(docker, labels),
    remove: (labels) => remove(docker, labels),
  };
}
