import {
  DNS_SERVICE_IP,
  POD_SUBNET,
  SERVICE_SUBNET,
  nodeSpec,
  validateLabName,
  type NodeSpec,
  type Role,
  type Topology,
} from '../../core/topology.js';
import { formatIpv4, parseCidr } from '../subnets.js';
import { subnetOf } from './checks.js';
import type { Inventory, InventoryHost } from './model.js';

/**
 * The lab an inventory describes, in the same shape as a Docker lab's: nodes keep the role
 * names (master-0 is the first master in the file, with the highest keepalived priority), so
 * scenarios, faults and checks address an inventory lab exactly as they address a Docker lab;
 * each node carries its host (the inventory's name and SSH address).
 */
export function inventoryTopology(inventory: Inventory, lab: string): Topology {
  validateLabName(lab);
  const firstMaster = inventory.hosts.find((h) => h.role === 'master');
  if (!firstMaster) throw new Error('inventoryTopology needs a checked inventory (no master)');
  const subnet = subnetOf(firstMaster.nodeIp, inventory.vip.prefix);
  const nodes: NodeSpec[] = [];
  for (const role of ['master', 'worker'] as Role[]) {
    inventory.hosts
      .filter((host) => host.role === role)
      .forEach((host, index) => nodes.push(inventoryNode(host, role, index, nodes.length)));
  }
  return {
    lab,
    subnet,
    ipRange: subnet,
    gateway: firstAddress(subnet),
    vip: inventory.vip.address,
    vipNetwork: { interface: inventory.vip.interface, prefix: inventory.vip.prefix },
    podSubnet: POD_SUBNET,
    serviceSubnet: SERVICE_SUBNET,
    dnsServiceIp: DNS_SERVICE_IP,
    nodes,
  };
}

function inventoryNode(host: InventoryHost, role: Role, index: number, ordinal: number): NodeSpec {
  return {
    ...nodeSpec(role, index, ordinal, host.nodeIp),
    host: { name: host.name, address: host.address, port: host.port, user: host.user },
  };
}

function firstAddress(cidr: string): string {
  const { base, size } = parseCidr(cidr)!;
  return formatIpv4(size > 2 ? base + 1 : base);
}
