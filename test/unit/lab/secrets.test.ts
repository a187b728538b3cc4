import { createHash } from 'node:crypto';
import forge from 'node-forge';
import { beforeAll, describe, expect, it } from 'vitest';
import { caCertHash, newBootstrapToken, newCertificateKey } from '../../../src/lab/secrets.js';
import { buildTopology } from '../../../src/core/topology.js';
import { createEtcdPki, type EtcdPki } from '../../../src/provision/pki.js';

let pki: EtcdPki;
let otherPki: EtcdPki;

beforeAll(async () => {
  const topology = buildTopology('unit', '172.30.5.0/24');
  [pki, otherPki] = await Promise.all([
    createEtcdPki(topology, { keyBits: 1024 }),
    createEtcdPki(topology, { keyBits: 1024 }),
  ]);
});

/** kubeadm's documented recipe, done with node-forge: sha256 over the DER SubjectPublicKeyInfo. */
function forgeSpkiHash(pem: string): string {
  const spki = forge.pki.publicKeyToAsn1(forge.pki.certificateFromPem(pem).publicKey);
  const der = Buffer.from(forge.asn1.toDer(spki).getBytes(), 'binary');
  return `sha256:${createHash('sha256').update(der).digest('hex')}`;
}

describe('newBootstrapToken', () => {
  it("matches kubeadm's token format [a-z0-9]{6}.[a-z0-9]{16}", () => {
    for (let i = 0; i < 200; i++)
      expect(newBootstrapToken()).toMatch(/^[a-z0-9]{6}\.[a-z0-9]{16}$/);
  });

  it('differs on every call', () => {
    const tokens = new Set(Array.from({ length: 50 }, () => newBootstrapToken()));
    expect(tokens.size).toBe(50);
  });
});

describe('newCertificateKey', () => {
  it('is 32 random bytes as 64 hex digits', () => {
    const key = newCertificateKey();
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(newCertificateKey()).not.toBe(key);
  });
});

describe('caCertHash', () => {
  it('has the form sha256:<64 hex>', () => {
    expect(caCertHash(pki.ca.certPem)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('is the sha256 of the CA public key (SPKI), as kubeadm computes it', () => {
    expect(caCertHash(pki.ca.certPem)).toBe(forgeSpkiHash(pki.ca.certPem));
  });

  it('is stable for a given CA and differs between CAs', () => {
    const reencoded = forge.pki
      .certificateToPem(forge.pki.certificateFromPem(pki.ca.certPem))
      .replaceAll('\n', '\r\n');
    expect(reencoded).not.toBe(pki.ca.certPem);
    expect(caCertHash(reencoded)).toBe(caCertHash(pki.ca.certPem));
    expect(caCertHash(otherPki.ca.certPem)).not.toBe(caCertHash(pki.ca.certPem));
  });

  it('hashes the key, not the certificate, so a leaf of the same CA differs', () => {
    const leaf = pki.members['master-0']?.server.certPem ?? '';
    expect(caCertHash(leaf)).not.toBe(caCertHash(pki.ca.certPem));
    expect(caCertHash(pki.ca.certPem)).not.toBe(
      `sha256:${createHash('sha256').update(pki.ca.certPem).digest('hex')}`,
    );
  });
});
