import { createPrivateKey, X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTopology, masters } from '../../../src/core/topology.js';
import {
  APISERVER_ETCD_CLIENT_CN,
  createEtcdPki,
  describeCert,
  PROBE_CLIENT_CN,
  verifyChain,
  type CertPair,
  type EtcdPki,
} from '../../../src/provision/pki.js';

const topology = buildTopology('ha-lab', '172.30.5.0/24');
const now = new Date('2030-01-15T12:00:00Z');
const DAY = 24 * 3600 * 1000;

let pki: EtcdPki;

beforeAll(async () => {
  pki = await createEtcdPki(topology, { now });
});

function allLeaves(): [string, CertPair][] {
  return [
    ...Object.entries(pki.members).flatMap(([name, m]): [string, CertPair][] => [
      [`${name} server`, m.server],
      [`${name} peer`, m.peer],
    ]),
    ['apiserver client', pki.apiserverClient],
    ['probe client', pki.probeClient],
  ];
}

describe('createEtcdPki', () => {
  // Its speed is measured by `npm run bench` (up's pki phase), not asserted in a timed test.
  it('generates the whole PKI with 2048-bit keys', () => {
    expect(describeCert(pki.ca.certPem).publicKeyBits).toBe(2048);
    for (const [, pair] of allLeaves()) expect(describeCert(pair.certPem).publicKeyBits).toBe(2048);
  });

  it('makes a CA valid for ten years and able to sign', () => {
    const ca = describeCert(pki.ca.certPem);
    expect(ca.isCa).toBe(true);
    expect(ca.commonName).toBe('ha-lab-etcd-ca');
    expect(ca.notBefore.getTime()).toBeLessThanOrEqual(now.getTime());
    const years = (ca.notAfter.getTime() - now.getTime()) / (365 * DAY);
    expect(years).toBeGreaterThan(9.9);
    expect(years).toBeLessThan(10.1);
    const x509 = new X509Certificate(pki.ca.certPem);
    expect(x509.ca).toBe(true);
    expect(x509.verify(x509.publicKey)).toBe(true);
  });

  it('issues one server and one peer certificate per master', () => {
    expect(Object.keys(pki.members).sort()).toEqual(masters(topology).map((m) => m.name));
  });

  it('chains every leaf to the CA, checked by node-forge and by node:crypto', () => {
    const caPublicKey = new X509Certificate(pki.ca.certPem).publicKey;
    for (const [label, pair] of allLeaves()) {
      expect(verifyChain(pki.ca.certPem, pair.certPem, now), label).toBe(true);
      const x509 = new X509Certificate(pair.certPem);
      expect(x509.verify(caPublicKey), label).toBe(true);
      expect(x509.ca, label).toBe(false);
      // OpenSSL's issuer check also matches the authority key id against the CA's key id.
      expect(x509.checkIssued(new X509Certificate(pki.ca.certPem)), label).toBe(true);
    }
  });

  it('pairs every certificate with its own private key', () => {
    for (const [label, pair] of [['ca', pki.ca] as [string, CertPair], ...allLeaves()]) {
      const x509 = new X509Certificate(pair.certPem);
      expect(x509.checkPrivateKey(createPrivateKey(pair.keyPem)), label).toBe(true);
    }
    const keys = new Set([pki.ca, ...allLeaves().map(([, p]) => p)].map((p) => p.keyPem));
    expect(keys.size).toBe(1 + allLeaves().length);
  });

  it('gives member certificates the hostname, node IP, loopback and localhost', () => {
    for (const node of masters(topology)) {
      const member = pki.members[node.name];
      expect(member).toBeDefined();
      for (const pair of [member?.server, member?.peer]) {
        const cert = describeCert(pair?.certPem ?? '');
        expect(cert.commonName).toBe(node.name);
        expect(cert.dnsNames.sort()).toEqual(['localhost', node.name].sort());
        expect(cert.ipAddresses.sort()).toEqual(['127.0.0.1', node.ip].sort());
        const x509 = new X509Certificate(pair?.certPem ?? '');
        expect(x509.checkIP(node.ip)).toBe(node.ip);
        expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
        expect(x509.checkHost(node.name)).toBe(node.name);
        const other = masters(topology).find((m) => m.name !== node.name);
        expect(x509.checkIP(other?.ip ?? '')).toBeUndefined();
      }
    }
  });

  it('lets peer certificates serve and dial (serverAuth and clientAuth)', () => {
    for (const member of Object.values(pki.members)) {
      expect(describeCert(member.peer.certPem).extKeyUsages.sort()).toEqual([
        'clientAuth',
        'serverAuth',
      ]);
      expect(describeCert(member.server.certPem).extKeyUsages).toContain('serverAuth');
      // OIDs as node:crypto reads them, independently of forge.
      expect(new X509Certificate(member.peer.certPem).keyUsage.sort()).toEqual([
        '1.3.6.1.5.5.7.3.1',
        '1.3.6.1.5.5.7.3.2',
      ]);
    }
  });

  it('issues client-only certificates for the API servers and the probes', () => {
    const cases: [CertPair, string][] = [
      [pki.apiserverClient, APISERVER_ETCD_CLIENT_CN],
      [pki.probeClient, PROBE_CLIENT_CN],
    ];
    for (const [pair, cn] of cases) {
      const cert = describeCert(pair.certPem);
      expect(cert.commonName).toBe(cn);
      expect(cert.organization).toBe('ha-lab');
      expect(cert.extKeyUsages).toEqual(['clientAuth']);
      expect(cert.dnsNames).toEqual([]);
      expect(cert.ipAddresses).toEqual([]);
    }
    expect(APISERVER_ETCD_CLIENT_CN).toBe('kube-apiserver-etcd-client');
    expect(PROBE_CLIENT_CN).toBe('ha-lab-probe');
  });

  it('makes leaves valid for one year from the issue time', () => {
    for (const [label, pair] of allLeaves()) {
      const cert = describeCert(pair.certPem);
      expect(cert.notBefore.getTime(), label).toBeLessThanOrEqual(now.getTime());
      const days = (cert.notAfter.getTime() - now.getTime()) / DAY;
      expect(days, label).toBeGreaterThanOrEqual(365);
      expect(days, label).toBeLessThanOrEqual(366);
    }
  });

  it('uses distinct, positive, minimally encoded serial numbers', () => {
    const serials = [pki.ca, ...allLeaves().map(([, p]) => p)].map(
      (p) => describeCert(p.certPem).serialHex,
    );
    expect(new Set(serials).size).toBe(serials.length);
    for (const serial of serials) {
      expect(Number.parseInt(serial.slice(0, 2), 16)).toBeGreaterThan(0);
      expect(Number.parseInt(serial.slice(0, 2), 16)).toBeLessThan(0x80);
    }
  });
});

describe('verifyChain', () => {
  it('rejects a certificate from another lab CA', async () => {
    const other = await createEtcdPki(buildTopology('other', '172.30.6.0/24'), {
      now,
      keyBits: 1024,
    });
    expect(verifyChain(other.ca.certPem, pki.probeClient.certPem, now)).toBe(false);
    expect(verifyChain(pki.ca.certPem, other.probeClient.certPem, now)).toBe(false);
  });

  it('rejects a certificate outside its validity period', () => {
    const afterExpiry = new Date(now.getTime() + 400 * DAY);
    expect(verifyChain(pki.ca.certPem, pki.probeClient.certPem, afterExpiry)).toBe(false);
    const beforeIssue = new Date(now.getTime() - DAY);
    expect(verifyChain(pki.ca.certPem, pki.probeClient.certPem, beforeIssue)).toBe(false);
  });

  it('rejects garbage instead of throwing', () => {
    expect(verifyChain(pki.ca.certPem, 'not a certificate')).toBe(false);
  });
});
