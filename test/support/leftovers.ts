import Docker from 'dockerode';

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

/** Snapshot images of a lab (committed node containers): `down` removes them unless asked not to. */
export async function snapshotImages(lab: string): Promise<string[]> {
  const images = await new Docker().listImages({
    filters: { label: [`io.ha-lab.lab=${lab}`, 'io.ha-lab.snapshot'] },
  });
  return images.flatMap((i) => i.RepoTags ?? [i.Id]);
}
