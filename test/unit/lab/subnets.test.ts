import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import {
  assertSubnetFree,
  candidateSubnets,
  cidrsOverlap,
  parseCidr,
  pickFreeSubnet,
} from '../../../src/lab/subnets.js';

describe('cidrsOverlap', () => {
  it.each([
    ['172.30.0.0/24', '172.30.0.0/24', true],
    ['172.30.0.0/24', '172.30.0.128/25', true],
    ['172.30.0.0/16', '172.30.200.0/24', true],
    ['172.30.200.0/24', '172.30.0.0/16', true],
    ['172.30.0.0/24', '172.30.1.0/24', false],
    ['172.29.255.0/24', '172.30.0.0/24', false],
    ['10.0.0.0/8', '172.30.0.0/24', false],
    ['0.0.0.0/0', '172.30.0.0/24', true],
  ])('%s vs %s -> %s', (a, b, expected) => {
    expect(cidrsOverlap(a, b)).toBe(expected);
  });

  it('treats an unparsable CIDR as no overlap', () => {
    expect(cidrsOverlap('nonsense', '172.30.0.0/24')).toBe(false);
    expect(parseCidr('1.2.3.4/33')).toBeUndefined();
  });

  it('normalises a CIDR with host bits to its network', () => {
    expect(parseCidr('172.30.0.77/24')).toEqual(parseCidr('172.30.0.0/24'));
  });
});

describe('pickFreeSubnet', () => {
  it('takes the first candidate on an empty engine', () => {
    expect(pickFreeSubnet([])).toBe(candidateSubnets()[0]);
    expect(pickFreeSubnet([])).toBe('172.30.0.0/24');
  });

  it('skips subnets that are taken or overlapped', () => {
    expect(pickFreeSubnet(['172.30.0.0/24', '172.30.1.0/24'])).toBe('172.30.2.0/24');
    expect(pickFreeSubnet(['172.30.0.0/23'])).toBe('172.30.2.0/24');
  });

  it('falls back to 172.29/16 when 172.30/16 is taken whole', () => {
    expect(pickFreeSubnet(['172.30.0.0/16'])).toBe('172.29.0.0/24');
  });

  it('refuses with a usage error when nothing is free', () => {
    expect(() => pickFreeSubnet(['172.16.0.0/12'])).toThrow(UsageError);
    expect(() => pickFreeSubnet(['172.16.0.0/12'])).toThrow(/--subnet/);
  });
});

describe('assertSubnetFree', () => {
  const taken = [
    { name: 'bridge', subnet: '172.17.0.0/16' },
    { name: 'dev-net', subnet: '172.30.0.0/24' },
  ];

  it('accepts a subnet that clashes with nothing', () => {
    expect(() => assertSubnetFree('172.30.1.0/24', taken)).not.toThrow();
  });

  it('names the clashing network and its subnet', () => {
    let error: unknown;
    try {
      assertSubnetFree('172.30.0.0/24', taken);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).code).toBe('subnet-overlap');
    expect((error as UsageError).message).toBe(
      'subnet 172.30.0.0/24 overlaps 172.30.0.0/24 of dev-net: pass another --subnet or leave it out to pick a free one',
    );
  });

  it('detects a partial overlap with a larger network', () => {
    expect(() => assertSubnetFree('172.17.9.0/24', taken)).toThrow(/of bridge/);
  });
});
