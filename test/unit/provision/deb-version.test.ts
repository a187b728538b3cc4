import { describe, expect, it } from 'vitest';
import { compareDebVersions, versionSatisfies } from '../../../src/provision/deb-version.js';

const sign = (a: string, b: string) => Math.sign(compareDebVersions(a, b));

describe('compareDebVersions (dpkg ordering)', () => {
  it.each([
    ['1.0', '1.0', 0],
    ['1.0', '1.1', -1],
    ['1.10', '1.9', 1],
    ['1.0-1', '1.0-2', -1],
    ['1.0', '1.0-0', 0],
    ['001.02', '1.2', 0],
    ['1:1.0', '2.0', 1],
    ['0:1.0', '1.0', 0],
    ['1.0~rc1', '1.0', -1],
    ['1.0~~', '1.0~', -1],
    ['1.0', '1.0+b1', -1],
    ['1.0a', '1.0', 1],
    ['1.0a', '1.0+', -1],
    ['1.6.20~ds1-1+deb12u3', '1.6.20-1', -1],
    ['2.74.6-2+deb12u9', '2.74.6-2', 1],
    ['2.36-9+deb12u14', '2.36-9+deb12u4', 1],
    ['3:20221126-1+deb12u1', '20230101', 1],
  ])('%s against %s is %i', (a, b, expected) => {
    expect(sign(a, b)).toBe(expected);
    expect(sign(b, a)).toBe(-expected || 0);
  });
});

describe('versionSatisfies', () => {
  it('applies each relation operator', () => {
    expect(versionSatisfies('2.36-9', '>=', '2.34')).toBe(true);
    expect(versionSatisfies('2.34', '>=', '2.34')).toBe(true);
    expect(versionSatisfies('2.33', '>=', '2.34')).toBe(false);
    expect(versionSatisfies('2.34', '>>', '2.34')).toBe(false);
    expect(versionSatisfies('2.34', '<=', '2.34')).toBe(true);
    expect(versionSatisfies('2.34~1', '<<', '2.34')).toBe(true);
    expect(versionSatisfies('1:2.0', '=', '1:2.0')).toBe(true);
    expect(versionSatisfies('2.0', '=', '1:2.0')).toBe(false);
  });
});
