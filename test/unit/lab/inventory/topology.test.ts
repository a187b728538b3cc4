import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTopology, findNode, masters, workers } from '../../../../src/core/topology.js';
import { inventoryTopology, parseInventory } from '../../../../src/lab/inventory/index.js';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');

describe('inventoryTopology', () => {
  it('turns examples/inventory.yaml into the lab’s topology, masters in file order', async () => {
    const file = join(ROOT, 'examples', 'inventory.yaml');
    const topology = inventoryTopology(parseInventory(await readFile(file, 'utf8'), file), 'vms');
    expect(topology).toMatchObject({
      lab: 'vms',
      subnet: '192.168.122.0/24',
      vip: '192.168.122.200',
      vipNetwork: { interface: 'enp1s0', prefix: 24 },
    });
    expect(masters(topology).map((n) => [n.name, n.host?.name, n.ip, n.priority])).toEqual([
      ['master-0', 'm0', '192.168.122.11', 150],
      ['master-1', 'm1', '192.168.122.12', 140],
      ['master-2', 'm2', '192.168.122.13', 130],
    ]);
    expect(workers(topology).map((n) => [n.name, n.host?.name, n.priority])).toEqual([
      ['worker-0', 'w0', 0],
      ['worker-1', 'w1', 0],
      ['worker-2', 'w2', 0],
    ]);
    expect(findNode(topology, 'worker-2').host).toEqual({
      name: 'w2',
      address: '192.168.122.23',
      port: 2222,
      user: 'debian',
    });
  });

  it('gives nodes the same pod CIDRs, overlay addresses and cluster networks as a Docker lab', () => {
    const text = [
      'vip: { address: 10.9.8.100, interface: ens3, prefix: 16 }',
      'hosts:',
      // Workers first in the file: the role order, not the file order, decides the ordinals.
      '  - { name: w0, address: 10.9.1.1, user: root, agent: true, role: worker }',
      '  - { name: a, address: nat.example, internalAddress: 10.9.0.2, port: 2201, user: root, agent: true, role: master }',
      '  - { name: b, address: 10.9.0.3, user: root, agent: true, role: master }',
      '  - { name: c, address: 10.9.0.4, user: root, agent: true, role: master }',
    ].join('\n');
    const topology = inventoryTopology(parseInventory(text, 'x.yaml'), 'hosts');
    const docker = buildTopology('docker', '172.30.5.0/24');
    expect(topology.subnet).toBe('10.9.0.0/16');
    expect(topology.nodes.map((n) => [n.name, n.ip, n.ordinal, n.podCidr, n.overlayIp])).toEqual([
      ['master-0', '10.9.0.2', 0, '10.244.0.0/24', '10.245.0.1'],
      ['master-1', '10.9.0.3', 1, '10.244.1.0/24', '10.245.0.2'],
      ['master-2', '10.9.0.4', 2, '10.244.2.0/24', '10.245.0.3'],
      ['worker-0', '10.9.1.1', 3, '10.244.3.0/24', '10.245.0.4'],
    ]);
    expect(findNode(topology, 'master-0').host?.address).toBe('nat.example');
    for (const key of ['podSubnet', 'serviceSubnet', 'dnsServiceIp'] as const)
      expect(topology[key]).toBe(docker[key]);
    expect(docker.vipNetwork).toBeUndefined();
    expect(docker.nodes.every((n) => n.host === undefined)).toBe(true);
  });
});
