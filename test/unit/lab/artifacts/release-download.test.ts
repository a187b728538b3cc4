import { describe, expect, it } from 'vitest';
import { parseChecksums } from '../../../../src/lab/artifacts/release-download.js';

const A = 'a'.repeat(64);
const B = '0123456789abcdef'.repeat(4);

describe('parseChecksums', () => {
  it('reads a bare digest, as dl.k8s.io serves in <cmd>.sha256, under the empty name', () => {
    expect(parseChecksums(`${A}\n`)).toEqual(new Map([['', A]]));
  });

  it('reads sha256sum lines, text and binary mode alike', () => {
    const sums = parseChecksums(
      `${A}  etcd-v3.6.16-linux-amd64.tar.gz\n${B} *etcd-v3.6.16-darwin-arm64.zip\n`,
    );
    expect(sums.get('etcd-v3.6.16-linux-amd64.tar.gz')).toBe(A);
    expect(sums.get('etcd-v3.6.16-darwin-arm64.zip')).toBe(B);
    expect(sums.size).toBe(2);
  });

  it('lowercases upper-case digests so comparisons with computed ones work', () => {
    expect(parseChecksums(`${B.toUpperCase()}  x`).get('x')).toBe(B);
  });

  it('skips lines that are not digests', () => {
    const sums = parseChecksums(
      `# comment\n<html>404</html>\n${'a'.repeat(63)}  short\n${A}  ok\n`,
    );
    expect([...sums.entries()]).toEqual([['ok', A]]);
  });

  it('returns nothing for an HTML error page', () => {
    expect(parseChecksums('<!DOCTYPE html><title>Not Found</title>').size).toBe(0);
  });
});
