import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { cidrsOverlap } from '../../../src/lab/subnets.js';
import {
  buildTopology,
  masters,
  nodeNames,
  parseSubnet,
  validateLabName,
  workers,
} from '../../../src/core/topology.js';

function ipToNumber(ip: string): number {
  return ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}

function inCidr(ip: string, cidr: string): boolean {
  return cidrsOverlap(`${ip}/32`, cidr);
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('buildTopology', () => {
  const topology = buildTopology('demo', '172.30.5.0/24');

  it('lays out three masters and three workers with the canonical names', () => {
    expect(topology.nodes.map((n) => n.name)).toEqual(nodeNames());
    expect(nodeNames()).toEqual([
      'master-0',
      'master-1',
      'master-2',
      'worker-0',
      'worker-1',
      'worker-2',
    ]);
    expect(masters(topology)).toHaveLength(3);
    expect(workers(topology)).toHaveLength(3);
    expect(topology.nodes.map((n) => n.ordinal)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('gives every node a distinct static IP inside the subnet', () => {
    const ips = topology.nodes.map((n) => n.ip);
    expect(new Set(ips).size).toBe(6);
    for (const ip of ips) expect(inCidr(ip, topology.subnet)).toBe(true);
    expect(ips).toEqual([
      '172.30.5.11',
      '172.30.5.12',
      '172.30.5.13',
      '172.30.5.21',
      '172.30.5.22',
      '172.30.5.23',
    ]);
  });

  it('puts the VIP inside the subnet but outside the range Docker allocates from', () => {
    expect(inCidr(topology.vip, topology.subnet)).toBe(true);
    expect(inCidr(topology.vip, topology.ipRange)).toBe(false);
    expect(topology.nodes.map((n) => n.ip)).not.toContain(topology.vip);
    expect(topology.vip).not.toBe(topology.gateway);
  });

  it('keeps the gateway inside the allocation range and the subnet', () => {
    expect(inCidr(topology.gateway, topology.ipRange)).toBe(true);
    expect(inCidr(topology.gateway, topology.subnet)).toBe(true);
  });

  it('gives the masters distinct keepalived priorities, master-0 highest', () => {
    const priorities = masters(topology).map((n) => n.priority);
    expect(new Set(priorities).size).toBe(3);
    expect(Math.max(...priorities)).toBe(masters(topology)[0]?.priority);
    for (const p of priorities) expect(p).toBeGreaterThan(0);
  });

  it('gives each node its own pod CIDR inside the pod subnet, none overlapping', () => {
    const cidrs = topology.nodes.map((n) => n.podCidr);
    expect(new Set(cidrs).size).toBe(6);
    for (const [i, a] of cidrs.entries()) {
      expect(cidrsOverlap(a, topology.podSubnet)).toBe(true);
      for (const b of cidrs.slice(i + 1)) expect(cidrsOverlap(a, b)).toBe(false);
    }
  });

  it('keeps pod, service and lab subnets apart', () => {
    expect(cidrsOverlap(topology.podSubnet, topology.serviceSubnet)).toBe(false);
    expect(cidrsOverlap(topology.podSubnet, topology.subnet)).toBe(false);
    expect(cidrsOverlap(topology.serviceSubnet, topology.subnet)).toBe(false);
    expect(inCidr(topology.dnsServiceIp, topology.serviceSubnet)).toBe(true);
  });

  it('gives each node a distinct overlay address', () => {
    const overlay = topology.nodes.map((n) => ipToNumber(n.overlayIp));
    expect(new Set(overlay).size).toBe(6);
  });

  it('refuses a bad lab name before building anything', () => {
    expect(() => buildTopology('Bad_Name', '172.30.5.0/24')).toThrow(UsageError);
  });
});

describe('validateLabName', () => {
  it.each(['a', 'dev', 'ha-lab', 'lab-2', 'a'.repeat(30)])('accepts %j', (name) => {
    expect(validateLabName(name)).toBe(name);
  });

  it.each(['', 'Dev', '2lab', '-lab', 'lab-', 'lab_1', 'lab.x', 'a'.repeat(31), 'la b'])(
    'refuses %j with the one-line message',
    (name) => {
      const error = thrown(() => validateLabName(name));
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).code).toBe('invalid-lab-name');
      expect((error as UsageError).message).toBe(
        `invalid lab name "${name}": use 1-30 lowercase letters, digits and dashes, starting with a letter`,
      );
      expect((error as UsageError).message).not.toContain('\n');
    },
  );
});

describe('parseSubnet', () => {
  it('accepts a /24 and returns its prefix', () => {
    expect(parseSubnet('10.1.2.0/24')).toEqual({ prefix: '10.1.2', cidr: '10.1.2.0/24' });
  });

  it.each([
    '10.1.0.0/16',
    '10.1.2.0/25',
    '10.1.2.5/24',
    '10.1.256.0/24',
    '10.1.2/24',
    'abc',
    '10.1.2.0',
  ])('refuses %j', (subnet) => {
    const error = thrown(() => parseSubnet(subnet));
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).code).toBe('invalid-subnet');
    expect((error as UsageError).message).toBe(
      `invalid subnet "${subnet}": give a /24 such as 172.30.5.0/24`,
    );
  });
});
