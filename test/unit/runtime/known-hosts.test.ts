import { describe, expect, it } from 'vitest';
import {
  checkHostKey,
  fingerprintSha256,
  hostLookupName,
  hostMatches,
  knownKeyTypes,
  parseKnownHosts,
} from '../../../src/runtime/ssh/known-hosts.js';

/** Keys and hashed lines made with OpenSSH's ssh-keygen (-t ed25519/ecdsa, -H, -lf). */
const ED1 = 'AAAAC3NzaC1lZDI1NTE5AAAAIJ667sfjp80EoTWSqU5up2dIb6NmFunOZIxW8PopUPQB';
const ED1_FINGERPRINT = 'SHA256:N/U2VV6ByYqmJiNJlgbltt7B/lGecVimJoQTqsFKl9k';
const ED2 = 'AAAAC3NzaC1lZDI1NTE5AAAAIJ0uAnoc4Mv0p3Fxwk/yrKe5/PCiLdvkakp7AbZE2dO/';
const EC =
  'AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBMv1hIxljcIBAIzj+zBA/uTMyL1FycIOe4HdVMLFshF3t3QpGNQf4v18iZkgMrvDxWrjvl0AW2dxhfVKX9B4VEE=';
const EC_FINGERPRINT = 'SHA256:BZtrxg4SZSnEPTbW1XCqC1kOUHmSCIY0fJC8cyfZpBU';
/** `10.0.0.11` (ED1) and `[10.0.0.12]:2222` (EC), hashed by `ssh-keygen -H`. */
const HASHED = [
  `|1|HqktmNOvcvEVO96qkSoDFwdojjc=|f0arKf9xVB8NiTiQbV4SNCi97Sw= ssh-ed25519 ${ED1}`,
  `|1|NoJDtogssl8NIFkhbyoSHWnar+M=|I18njemIOY5W5A3z/8YMXlSR6i4= ecdsa-sha2-nistp256 ${EC}`,
].join('\n');

const key = (base64: string) => Buffer.from(base64, 'base64');

describe('known_hosts', () => {
  it('formats fingerprints exactly as ssh-keygen -l does', () => {
    expect(fingerprintSha256(key(ED1))).toBe(ED1_FINGERPRINT);
    expect(fingerprintSha256(key(EC))).toBe(EC_FINGERPRINT);
  });

  it('finds hosts in hashed lines, with the [host]:port form for other ports', () => {
    const entries = parseKnownHosts(HASHED);
    expect(checkHostKey(entries, '10.0.0.11', 22, key(ED1)).status).toBe('known');
    expect(checkHostKey(entries, '10.0.0.12', 2222, key(EC)).status).toBe('known');
    // The same address on another port is another host to ssh(1).
    expect(checkHostKey(entries, '10.0.0.11', 2222, key(ED1)).status).toBe('unknown');
    expect(checkHostKey(entries, '10.0.0.12', 22, key(EC)).status).toBe('unknown');
  });

  it('calls a different key of a known type "changed", and names the line', () => {
    const entries = parseKnownHosts(`# comment\n\n10.0.0.11 ssh-ed25519 ${ED1} op@laptop\n`);
    const check = checkHostKey(entries, '10.0.0.11', 22, key(ED2));
    expect(check.status).toBe('changed');
    expect(check.entry?.line).toBe(3);
  });

  it('calls a key of a type not known for the host "unknown" and lists the known types', () => {
    const entries = parseKnownHosts(`10.0.0.11 ecdsa-sha2-nistp256 ${EC}`);
    const check = checkHostKey(entries, '10.0.0.11', 22, key(ED1));
    expect(check).toMatchObject({ status: 'unknown', knownTypes: ['ecdsa-sha2-nistp256'] });
    expect(knownKeyTypes(entries, '10.0.0.11', 22)).toEqual(['ecdsa-sha2-nistp256']);
  });

  it('matches comma lists, wildcards and negations as ssh(1) does', () => {
    expect(hostMatches('m0,10.0.0.11', '10.0.0.11')).toBe(true);
    expect(hostMatches('10.0.0.*', '10.0.0.99')).toBe(true);
    expect(hostMatches('10.0.0.?', '10.0.0.99')).toBe(false);
    expect(hostMatches('10.0.0.*,!10.0.0.13', '10.0.0.13')).toBe(false);
    expect(hostMatches('M0.Lab', 'm0.lab')).toBe(true);
    expect(hostMatches('[10.0.0.12]:2222', hostLookupName('10.0.0.12', 2222))).toBe(true);
    expect(hostMatches('10.0.0.12', hostLookupName('10.0.0.12', 2222))).toBe(false);
  });

  it('ignores @cert-authority lines and refuses @revoked keys', () => {
    const entries = parseKnownHosts(
      [
        `@cert-authority *.lab ssh-ed25519 ${ED2}`,
        `@revoked * ssh-ed25519 ${ED1}`,
        `m0.lab ssh-ed25519 ${ED1}`,
      ].join('\n'),
    );
    expect(checkHostKey(entries, 'm0.lab', 22, key(ED1)).status).toBe('revoked');
    // The CA's key is not a host key: a host presenting it is not thereby known.
    expect(checkHostKey(entries, 'x.lab', 22, key(ED2)).status).toBe('unknown');
  });

  it('skips lines it cannot read rather than trusting them', () => {
    const entries = parseKnownHosts(
      `10.0.0.11 ssh-ed25519\n10.0.0.11 ssh-rsa ${ED1}\n10.0.0.11 ssh-ed25519 !!!`,
    );
    expect(entries).toEqual([]);
  });
});
