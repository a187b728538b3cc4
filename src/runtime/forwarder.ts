import type Docker from 'dockerode';
import { engineCall, isNotFound } from './docker-client.js';
import { inspectNetwork } from './networks.js';

import type { ForwarderSpec } from './provider.js';

/**
 * A socat container published on 127.0.0.1 that forwards to the VIP: for engines whose host
 * cannot reach container IPs (Docker Desktop on macOS and Windows). Returns the host port.
 */
export async function ensureForwarder(docker: Docker, spec: ForwarderSpec): Promise<number> {
  const existing = await publishedPort(docker, spec.name);
  if (existing) return existing;
  if (!(await inspectNetwork(docker, spec.accessNetwork))) {
    await engineCall('creating the access network', () =>
      docker.createNetwork({
        Name: spec.accessNetwork,
        Driver: 'bridge',
        Internal: false,
        Labels: spec.labels,
        CheckDuplicate: true,
      }),
    );
  }
  await engineCall('starting the API forwarder', async () => {
    const container = await docker.createContainer({
      name: spec.name,
      Image: spec.image,
      Entrypoint: [
        'socat',
        `TCP-LISTEN:${spec.targetPort},fork,reuseaddr`,
        `TCP:${spec.target}:${spec.targetPort}`,
      ],
      Labels: spec.labels,
      ExposedPorts: { [`${spec.targetPort}/tcp`]: {} },
      HostConfig: {
        NetworkMode: spec.accessNetwork,
        // Loopback only: the API is never exposed beyond this machine.
        PortBindings: { [`${spec.targetPort}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: '0' }] },
        RestartPolicy: { Name: 'unless-stopped' },
      },
    });
    await docker.getNetwork(spec.labNetwork).connect({ Container: spec.name });
    await container.start();
  });
  const port = await publishedPort(docker, spec.name);
  if (!port) throw new Error('the forwarder started without a published port');
  return port;
}

async function publishedPort(docker: Docker, name: string): Promise<number | undefined> {
  try {
    const info = await docker.getContainer(name).inspect();
    if (!info.State.Running) await docker.getContainer(name).start();
    const again = await docker.getContainer(name).inspect();
    const bindings = Object.values(again.NetworkSettings.Ports ?? {}).flat();
    const port = Number(bindings.find((b) => b?.HostIp === '127.0.0.1')?.HostPort);
    return Number.isFinite(port) && port > 0 ? port : undefined;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
