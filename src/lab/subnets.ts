import { UsageError } from '../core/errors.js';

/** Pure IPv4 CIDR arithmetic for picking and checking lab subnets. */
export function parseCidr(cidr: string): { base: number; size: number } | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr.trim());
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const bits = Number(match[5]);
  if (octets.some((o) => o > 255) || bits > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - bits);
  return { base: address - (address % size), size };
}

/** The dotted form of an address given as a number (what parseCidr returns). */
export function formatIpv4(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join('.');
}

export function cidrsOverlap(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  if (!x || !y) return false;
  return x.base < y.base + y.size && y.base < x.base + x.size;
}

/** Candidates in 172.30.0.0/16 then 172.29.0.0/16: rarely used by Docker's default pools. */
export function candidateSubnets(): string[] {
  const out: string[] = [];
  for (const second of [30, 29])
    for (let third = 0; third < 256; third++) out.push(`172.${second}.${third}.0/24`);
  return out;
}

export function pickFreeSubnet(taken: string[]): string {
  const free = candidateSubnets().find((c) => !taken.some((t) => cidrsOverlap(c, t)));
  if (!free)
    throw new UsageError(
      'no-free-subnet',
      'no free /24 left in 172.29/16 or 172.30/16: pass --subnet with a free /24',
    );
  return free;
}

export function assertSubnetFree(subnet: string, taken: { name: string; subnet: string }[]): void {
  const clash = taken.find((t) => cidrsOverlap(subnet, t.subnet));
  if (clash) {
    throw new UsageError(
      'subnet-overlap',
      `subnet ${subnet} overlaps ${clash.subnet} of ${clash.name}: pass another --subnet or leave it out to pick a free one`,
    );
  }
}
