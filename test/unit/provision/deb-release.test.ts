import { describe, expect, it } from 'vitest';
import { clearsignedText, parseRelease } from '../../../src/provision/deb-release.js';
import { clearsign } from './deb-fixture.js';

const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);
const RELEASE = [
  'Origin: Debian',
  'Codename: bookworm',
  'Date: Sat, 11 Jul 2026 10:16:37 UTC',
  'Acquire-By-Hash: yes',
  'MD5Sum:',
  ' 0ed6d4c8891eb86358b94bb35d9e4da4  1484322 main/binary-amd64/Packages.gz',
  'SHA256:',
  ` ${SHA_A} 12084798 main/binary-amd64/Packages.gz`,
  ` ${SHA_B}  8790396 main/binary-amd64/Packages.xz`,
].join('\n');

describe('InRelease', () => {
  it('yields the signed text, with dash-escaped lines restored', () => {
    expect(clearsignedText(clearsign(`${RELEASE}\n-x: dashed`))).toBe(`${RELEASE}\n-x: dashed`);
  });

  it('refuses a message that is not clearsigned or has no signature', () => {
    expect(() => clearsignedText(RELEASE)).toThrow(/not a clearsigned message/);
    const cut = clearsign(RELEASE).split('-----BEGIN PGP SIGNATURE-----')[0]!;
    expect(() => clearsignedText(cut)).toThrow(/without its signature/);
  });

  it('reads the codename, date, by-hash support and the sha256 of every index', () => {
    const release = parseRelease(RELEASE);
    expect(release).toMatchObject({
      codename: 'bookworm',
      date: 'Sat, 11 Jul 2026 10:16:37 UTC',
      acquireByHash: true,
    });
    expect([...release.files]).toEqual([
      ['main/binary-amd64/Packages.gz', { sha256: SHA_A, size: 12084798 }],
      ['main/binary-amd64/Packages.xz', { sha256: SHA_B, size: 8790396 }],
    ]);
    expect(() => parseRelease('Origin: Debian\n')).toThrow(/without a Codename/);
  });
});
