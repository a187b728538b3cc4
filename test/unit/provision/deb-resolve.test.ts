import { describe, expect, it } from 'vitest';
import { RuntimeError } from '../../../src/core/errors.js';
import { parsePackagesIndex } from '../../../src/provision/deb-index.js';
import { type InstalledPackage, resolveDebs } from '../../../src/provision/deb-resolve.js';
import { type FakePackage, packagesText } from './deb-fixture.js';

const index = (packages: FakePackage[]) => parsePackagesIndex(packagesText(packages), 'amd64');
const installed = (...entries: [string, string, string?][]) =>
  new Map<string, InstalledPackage>(
    entries.map(([name, version, provides]) => [
      name,
      { name, version, provides: provides ? [{ name: provides }] : [] },
    ]),
  );
const names = (debs: { name: string; version: string }[]) =>
  debs.map((d) => `${d.name}=${d.version}`);

const ARCHIVE: FakePackage[] = [
  {
    name: 'keepalived',
    version: '1:2.2.7-1',
    preDepends: 'init-system-helpers (>= 1.54~)',
    depends: 'libc6 (>= 2.34), libnl-3-200 (>= 3.5), iproute2',
    recommends: 'ipvsadm',
  },
  { name: 'init-system-helpers', version: '1.65', depends: 'perl-base' },
  { name: 'libc6', version: '2.36-9' },
  { name: 'libnl-3-200', version: '3.7.0', depends: 'libc6 (>= 2.14)' },
  { name: 'iproute2', version: '6.1.0' },
  { name: 'ipvsadm', version: '1.31' },
  { name: 'perl-base', version: '5.36' },
];

describe('resolveDebs', () => {
  it('follows Pre-Depends and Depends, never Recommends, each dependency before its dependents', () => {
    const debs = resolveDebs(index(ARCHIVE), ['keepalived'], installed());
    expect(names(debs)).toEqual([
      'perl-base=5.36',
      'init-system-helpers=1.65',
      'libc6=2.36-9',
      'libnl-3-200=3.7.0',
      'iproute2=6.1.0',
      'keepalived=1:2.2.7-1',
    ]);
    expect(debs[0]).toMatchObject({
      filename: 'pool/main/p/perl-base/perl-base_5.36_amd64.deb',
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      size: expect.any(Number),
    });
  });

  it('leaves out what the host has at a version that meets the restriction, and fetches what is too old', () => {
    const host = installed(
      ['libc6', '2.36-9+deb12u14'],
      ['perl-base', '5.36'],
      ['init-system-helpers', '1.50'],
      ['iproute2', '5.10'],
    );
    expect(names(resolveDebs(index(ARCHIVE), ['keepalived'], host))).toEqual([
      'init-system-helpers=1.65',
      'libnl-3-200=3.7.0',
      'keepalived=1:2.2.7-1',
    ]);
  });

  it('counts a wanted package as present at any version, even older than the index', () => {
    const host = installed(['keepalived', '1:2.0.0-1']);
    expect(resolveDebs(index(ARCHIVE), ['keepalived'], host)).toEqual([]);
  });

  it('takes the first alternative the index has, unless the host already has one of them', () => {
    const archive: FakePackage[] = [
      { name: 'curl', depends: 'libssl-missing | libssl3, default-mta | mail-transport-agent' },
      { name: 'libssl3' },
      { name: 'default-mta' },
    ];
    expect(names(resolveDebs(index(archive), ['curl'], installed()))).toEqual([
      'libssl3=1.0',
      'default-mta=1.0',
      'curl=1.0',
    ]);
    const host = installed(['postfix', '3.7', 'mail-transport-agent']);
    expect(names(resolveDebs(index(archive), ['curl'], host))).toEqual(['libssl3=1.0', 'curl=1.0']);
  });

  it('satisfies a virtual package by a provider: the host own, one already chosen, or the first by name', () => {
    const archive: FakePackage[] = [
      { name: 'tool', depends: 'awk, libz-abi (>= 2)' },
      { name: 'mawk', provides: 'awk' },
      { name: 'gawk', provides: 'awk' },
      { name: 'libz-old', provides: 'libz-abi (= 1)' },
      { name: 'libz-new', provides: 'libz-abi (= 2)' },
    ];
    expect(names(resolveDebs(index(archive), ['tool'], installed()))).toEqual([
      'gawk=1.0',
      'libz-new=1.0',
      'tool=1.0',
    ]);
    const host = installed(['busybox-awk', '1.0', 'awk']);
    expect(names(resolveDebs(index(archive), ['tool'], host))).toEqual([
      'libz-new=1.0',
      'tool=1.0',
    ]);
  });

  it('installs each member of a dependency cycle once', () => {
    const archive: FakePackage[] = [
      { name: 'a', depends: 'b' },
      { name: 'b', depends: 'a' },
    ];
    expect(names(resolveDebs(index(archive), ['a', 'b'], installed()))).toEqual(['b=1.0', 'a=1.0']);
  });

  it('names the chain to a dependency neither the host nor the index has', () => {
    const archive: FakePackage[] = [
      { name: 'containerd', depends: 'runc (>= 1.1)' },
      { name: 'runc', version: '1.0' },
    ];
    const resolve = () => resolveDebs(index(archive), ['containerd'], installed(), 'bookworm main');
    expect(resolve).toThrow(RuntimeError);
    expect(resolve).toThrow(
      'containerd needs runc (>= 1.1), which neither the host nor bookworm main has',
    );
    expect(() => resolveDebs(index(archive), ['socat'], installed())).toThrow(
      /^socat is needed, which neither the host nor the index has/,
    );
  });
});

describe('parsePackagesIndex', () => {
  it('keeps the architecture asked for and all, the higher of two versions, and lists providers by name', () => {
    const idx = parsePackagesIndex(
      packagesText([
        { name: 'x', version: '1.0' },
        { name: 'x', version: '1.2' },
        { name: 'x', version: '1.1' },
        { name: 'y', arch: 'arm64' },
        { name: 'z', arch: 'all', provides: 'v' },
        { name: 'w', provides: 'v' },
      ]),
      'amd64',
    );
    expect([...idx.packages.keys()]).toEqual(['x', 'z', 'w']);
    expect(idx.packages.get('x')?.version).toBe('1.2');
    expect(idx.providers.get('v')?.map((p) => p.name)).toEqual(['w', 'z']);
  });
});
