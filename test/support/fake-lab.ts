import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  LABEL_NODE,
  LABEL_ROLE,
  buildTopology,
  containerName,
  labLabels,
  networkName,
} from '../../src/core/topology.js';
import type { LabState } from '../../src/lab/lab-state.js';
import { nodeRunners } from '../../src/lab/node-access.js';
import type { OpenLab } from '../../src/lab/open-lab.js';
import { FakeProvider } from './fake-provider.js';

export const FAKE_SUBNET = '10.213.7.0/24';

export function fakeState(lab: string, patch: Partial<LabState> = {}): LabState {
  return {
    schemaVersion: 1,
    lab,
    createdAt: new Date(0).toISOString(),
    phase: 'ready',
    subnet: FAKE_SUBNET,
    kubernetesVersion: 'v1.36.3',
    nodeImage: 'ha-lab/node:fake',
    privilege: 'privileged',
    cgroupV1: false,
    timing: 'default',
    preempt: false,
    accessMode: 'direct',
    clusterToken: 'ha-lab-fake',
    ...patch,
  };
}

/** A FakeProvider holding a lab's internal network and its six running machines, calls cleared. */
export async function fakeMachines(
  lab: string,
): Promise<{ provider: FakeProvider; topology: ReturnType<typeof buildTopology> }> {
  const provider = new FakeProvider();
  const topology = buildTopology(lab, FAKE_SUBNET);
  await provider.createInternalNetwork({
    name: networkName(lab),
    subnet: topology.subnet,
    ipRange: topology.ipRange,
    gateway: topology.gateway,
    labels: labLabels(lab),
  });
  for (const node of topology.nodes)
    await provider.createMachine({
      name: containerName(lab, node.name),
      hostname: node.name,
      image: 'ha-lab/node:fake',
      network: networkName(lab),
      ip: node.ip,
      labels: { ...labLabels(lab), [LABEL_NODE]: node.name, [LABEL_ROLE]: node.role },
      privilege: 'privileged',
    });
  provider.calls.length = 0;
  return { provider, topology };
}

/**
 * An opened lab whose six machines live in a FakeProvider (created, running), with its own
 * state directory for the fault journal. Nothing answers on the network: only what goes
 * through the provider works, which is what these tests are about.
 */
export async function fakeLab(lab = 'fake-lab'): Promise<{ lab: OpenLab; provider: FakeProvider }> {
  const { provider, topology } = await fakeMachines(lab);
  const stateDir = await mkdtemp(join(tmpdir(), 'ha-lab-fake-'));
  return {
    provider,
    lab: {
      lab,
      state: fakeState(lab),
      topology,
      stateDir,
      provider,
      runners: nodeRunners(topology, provider),
      admin: { ca: '' },
      etcdProbe: { ca: '' },
      apiUrl: `https://${topology.vip}:6443`,
    },
  };
}
