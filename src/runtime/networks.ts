import { docker, engineCall, isNotFound } from './docker-client.js';

export interface NetworkSummary {
  name: string;
  subnets: string[];
  labels: Record<string, string>;
  internal: boolean;
}

export async function listNetworks(): Promise<NetworkSummary[]> {
  const list = await engineCall('listing networks', () => docker().listNetworks());
  return list.map((n) => ({
    name: n.Name,
    subnets: (n.IPAM?.Config ?? []).map((c) => c.Subnet).filter((s): s is string => Boolean(s)),
    labels: n.Labels ?? {},
    internal: Boolean(n.Internal),
  }));
}

export interface InternalNetworkSpec {
  name: string;
  subnet: string;
  ipRange: string;
  gateway: string;
  labels: Record<string, string>;
}

/** An --internal network: no route out of the machine, the host still reaches node IPs. */
export async function createInternalNetwork(spec: InternalNetworkSpec): Promise<void> {
  await engineCall(`creating network ${spec.name}`, () =>
    docker().createNetwork({
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
  name: string,
): Promise<
  { internal: boolean; subnet: string | undefined; labels: Record<string, string> } | undefined
> {
  try {
    const info = await engineCall(`inspecting network ${name}`, () =>
      docker().getNetwork(name).inspect(),
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

export async function removeNetwork(name: string): Promise<void> {
  try {
    await engineCall(`removing network ${name}`, () => docker().getNetwork(name).remove());
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}
