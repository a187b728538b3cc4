import {
  MASTER_COUNT,
  OVERLAY_SUBNET_PREFIX,
  POD_SUBNET,
  SERVICE_SUBNET,
  WORKER_COUNT,
} from '../../core/topology.js';
import { cidrsOverlap, formatIpv4, parseCidr } from '../subnets.js';
import { DEFAULT_SSH_PORT, type InventoryInput } from './schema.js';

/** A problem in a file that is well-formed but describes no lab ha-lab can build. */
export interface Problem {
  path: PropertyKey[];
  message: string;
}

type HostInput = InventoryInput['hosts'][number];

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** The address the cluster uses on a host, or undefined when only a DNS name is known. */
export function hostNodeIp(host: HostInput): string | undefined {
  const ip = host.internalAddress ?? host.address;
  return IPV4.test(ip) ? ip : undefined;
}

/** The field a host's cluster address comes from, for messages that point at it. */
function nodeIpField(host: HostInput): 'internalAddress' | 'address' {
  return host.internalAddress === undefined ? 'address' : 'internalAddress';
}

/** The subnet `ip/prefix` lies in, as "a.b.c.d/p" with the host bits cleared. */
export function subnetOf(ip: string, prefix: number): string {
  return `${formatIpv4(parseCidr(`${ip}/${prefix}`)!.base)}/${prefix}`;
}

function inside(ip: string, cidr: string): boolean {
  return cidrsOverlap(`${ip}/32`, cidr);
}

/**
 * Everything that needs the whole file: the 3 + (1..3) shape of the lab, unique names and
 * addresses, and a VIP the masters can share. One problem per line, in file order.
 */
export function inventoryProblems(input: InventoryInput): Problem[] {
  return [...shapeProblems(input), ...uniquenessProblems(input), ...addressProblems(input)];
}

function shapeProblems({ hosts }: InventoryInput): Problem[] {
  const problems: Problem[] = [];
  const masters = hosts.filter((h) => h.role === 'master');
  const workers = hosts.filter((h) => h.role === 'worker');
  if (masters.length !== MASTER_COUNT) {
    const names = masters.length > 0 ? ` (${masters.map((h) => h.name).join(', ')})` : '';
    problems.push({
      path: ['hosts'],
      message: `an inventory needs exactly ${MASTER_COUNT} masters, found ${masters.length}${names}`,
    });
  }
  if (workers.length < 1 || workers.length > WORKER_COUNT) {
    problems.push({
      path: ['hosts'],
      message: `an inventory needs 1 to ${WORKER_COUNT} workers, found ${workers.length}`,
    });
  }
  return problems;
}

function uniquenessProblems({ hosts }: InventoryInput): Problem[] {
  const problems: Problem[] = [];
  hosts.forEach((host, i) => {
    const earlier = hosts.slice(0, i);
    const sameName = earlier.find((h) => h.name === host.name);
    if (sameName) {
      problems.push({
        path: ['hosts', i, 'name'],
        message: `"${host.name}" names two hosts (hosts[${hosts.indexOf(sameName)}] and hosts[${i}]): give each its own name`,
      });
    }
    const sameEndpoint = earlier.find((h) => h.address === host.address && h.port === host.port);
    const ip = hostNodeIp(host);
    const sameIp = ip === undefined ? undefined : earlier.find((h) => hostNodeIp(h) === ip);
    if (sameEndpoint) {
      const where = host.port === DEFAULT_SSH_PORT ? host.address : `${host.address}:${host.port}`;
      problems.push({
        path: ['hosts', i, 'address'],
        message: `${where} is the address of both ${sameEndpoint.name} and ${host.name}`,
      });
    } else if (sameIp) {
      problems.push({
        path: ['hosts', i, nodeIpField(host)],
        message: `${ip} is the cluster address of both ${sameIp.name} and ${host.name}: give each host its own internalAddress`,
      });
    }
  });
  return problems;
}

function addressProblems({ vip, hosts }: InventoryInput): Problem[] {
  const problems: Problem[] = [];
  hosts.forEach((host, i) => {
    if (hostNodeIp(host) !== undefined) return;
    problems.push({
      path: ['hosts', i, 'address'],
      message: `"${host.address}" is a host name: give internalAddress, the IPv4 address the cluster uses on ${host.name}`,
    });
  });
  const reserved = [
    { cidr: POD_SUBNET, what: 'the pod network' },
    { cidr: SERVICE_SUBNET, what: 'the service network' },
    { cidr: `${OVERLAY_SUBNET_PREFIX}.0/24`, what: 'the pod overlay network' },
  ];
  const clash = (ip: string) => reserved.find((r) => inside(ip, r.cidr));
  hosts.forEach((host, i) => {
    const ip = hostNodeIp(host);
    const taken = ip === undefined ? undefined : clash(ip);
    if (ip !== undefined && taken) {
      problems.push({
        path: ['hosts', i, nodeIpField(host)],
        message: `${ip} lies inside ${taken.what} ${taken.cidr}, which the lab uses inside the cluster`,
      });
    }
  });
  const vipClash = clash(vip.address);
  if (vipClash) {
    problems.push({
      path: ['vip', 'address'],
      message: `${vip.address} lies inside ${vipClash.what} ${vipClash.cidr}, which the lab uses inside the cluster`,
    });
  }
  return [...problems, ...vipProblems({ vip, hosts })];
}

/** keepalived moves the VIP between the masters' interfaces: they must share its subnet. */
function vipProblems({ vip, hosts }: InventoryInput): Problem[] {
  const problems: Problem[] = [];
  const owner = hosts.find((h) => h.address === vip.address || h.internalAddress === vip.address);
  if (owner) {
    problems.push({
      path: ['vip', 'address'],
      message: `${vip.address} is the address of ${owner.name}: the VIP must be an address no host uses`,
    });
  }
  const masters = hosts
    .map((host, index) => ({ host, index, ip: hostNodeIp(host) }))
    .filter((m) => m.host.role === 'master');
  const first = masters[0];
  if (first?.ip === undefined) return problems;
  const subnet = subnetOf(first.ip, vip.prefix);
  if (!inside(vip.address, subnet)) {
    problems.push({
      path: ['vip', 'address'],
      message: `${vip.address} is outside ${subnet}, the subnet of ${first.host.name} (${first.ip}) with prefix ${vip.prefix}: the VIP must be on the masters' network`,
    });
    return problems;
  }
  for (const m of masters.slice(1)) {
    if (m.ip === undefined || inside(m.ip, subnet)) continue;
    problems.push({
      path: ['hosts', m.index, nodeIpField(m.host)],
      message: `${m.ip} is outside the VIP's subnet ${subnet}: every master must be on the VIP's network`,
    });
  }
  return problems;
}
