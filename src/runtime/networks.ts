import type Docker from 'dockerode';
import { engineCall, isNotFound } from './docker-client.js';
import type { InternalNetworkSpec, NetworkInfo, NetworkSummary } from './provider.js';

export async function listNetworks(docker: Docker): Promise<NetworkSummary[]> {
  const list = await engineCall('listing networks', () => docker.listNetworks());
  return list.map((n) => ({
    name: n.Name,
    subnets: (n.IPAM?.Config ?? []).map((c) => c.Subnet).filter((s): s is string => Boolean(s)),
    labels: n.Labels ?? {},
    internal: Boolean(n.Internal),
  }));
}

/** An --internal network: no route out of the machine, the host still reaches node IPs. */
export async function createInternalNetwork(
  docker: Docker,
  spec: InternalNetworkSpec,
): Promise<void> {
  await engineCall(`creating network ${spec.name}`, () =>
    docker.createNetwork({
      Name: spec.name,
      Driver: 'bridge',
      Internal: true,
      CheckDuplicate: true,
      Labels: spec.labels,
      IPAM: {
        Driver: 'default',
        Config: [{ Subnet: spec.subnet, IPRange: spec.ipRange, Gateway: spec.gateway }],
      },
    }),
  );
}

export async function inspectNetwork(
  docker: Docker,
  name: string,
): Promise<NetworkInfo | undefined> {
  try {
    const info = await engineCall(`inspecting network ${name}`, () =>
      docker.getNetwork(name).inspect(),
    );
    const typed = info as {
      Internal?: boolean;
      IPAM?: { Config?: { Subnet?: string }[] };
      Labels?: Record<string, string>;
    };
    return {
      internal: Boolean(typed.Internal),
      subnet: typed.IPAM?.Config?.[0]?.Subnet,
      labels: typed.Labels ?? {},
    };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export async function removeNetwork(docker: Docker, name: string): Promise<void> {
  try {
    await engineCall(`removing network ${name}`, () => docker.getNetwork(name).remove());
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}
