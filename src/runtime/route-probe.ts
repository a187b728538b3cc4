import type Docker from 'dockerode';
import { engineCall } from './docker-client.js';
import { createInternalNetwork, removeNetwork } from './networks.js';

/**
 * Does a container on an --internal network get a default route? Engines differ (host-notes):
 * ha-lab sets every address explicitly either way; doctor reports which case applies.
 */
export async function internalNetworkHasDefaultRoute(
  docker: Docker,
  image: string,
  labels: Record<string, string>,
  subnet: string,
): Promise<boolean> {
  const network = `ha-lab-doctor-${process.pid}`;
  const [a, b, c] = subnet.split('.');
  await createInternalNetwork(docker, {
    name: network,
    subnet,
    ipRange: subnet,
    gateway: `${a}.${b}.${c}.1`,
    labels,
  });
  try {
    const container = await engineCall('route probe', () =>
      docker.createContainer({
        Image: image,
        Entrypoint: ['cat', '/proc/net/route'],
        Labels: labels,
        HostConfig: { NetworkMode: network },
      }),
    );
    try {
      await container.start();
      await container.wait();
      const logs = (await container.logs({ stdout: true, stderr: false })).toString('latin1');
      return logs.split('\n').some((line) => line.split(/\s+/)[1] === '00000000');
    } finally {
      await container.remove({ force: true, v: true }).catch(() => undefined);
    }
  } finally {
    await removeNetwork(docker, network);
  }
}
