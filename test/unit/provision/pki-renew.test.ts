import { beforeAll, describe, expect, it } from 'vitest';
import { buildTopology, masters } from '../../../src/core/topology.js';
import { renewEtcdCerts, type RenewedEtcdCerts } from '../../../src/provision/pki-renew.js';
import {
  APISERVER_ETCD_CLIENT_CN,
  createEtcdPki,
  describeCert,
  verifyChain,
  type EtcdPki,
} from '../../../src/provision/pki.js';
import {
  parseUnitExecStart,
  renderEtcdUnit,
  withInitialClusterState,
} from '../../../src/provision/etcd.js';

const topology = buildTopology('ha-lab', '172.30.5.0/24');
const issued = new Date('2030-01-15T12:00:00Z');
const renewedAt = new Date('2030-06-15T12:00:00Z');

let pki: EtcdPki;
let renewed: RenewedEtcdCerts;

beforeAll(async () => {
  pki = await createEtcdPki(topology, { now: issued, keyBits: 1024 });
  renewed = await renewEtcdCerts(topology, pki.ca, { now: renewedAt, keyBits: 1024 });
}, 60_000);

describe('renewEtcdCerts', () => {
  it('signs every new leaf with the existing etcd CA', () => {
    for (const m of masters(topology)) {
      expect(verifyChain(pki.ca.certPem, renewed.members[m.name]!.server.certPem, renewedAt)).toBe(
        true,
      );
      expect(verifyChain(pki.ca.certPem, renewed.members[m.name]!.peer.certPem, renewedAt)).toBe(
        true,
      );
    }
    expect(verifyChain(pki.ca.certPem, renewed.apiserverClient.certPem, renewedAt)).toBe(true);
  });

  it('keeps names, addresses and usages, with a later notAfter and a new key', () => {
    for (const m of masters(topology)) {
      const before = describeCert(pki.members[m.name]!.server.certPem);
      const after = describeCert(renewed.members[m.name]!.server.certPem);
      expect(after.commonName).toBe(m.name);
      expect(after.ipAddresses).toEqual(before.ipAddresses);
      expect(after.dnsNames).toEqual(before.dnsNames);
      expect(after.extKeyUsages).toEqual(['serverAuth', 'clientAuth']);
      expect(after.notAfter.getTime()).toBeGreaterThan(before.notAfter.getTime());
      expect(after.serialHex).not.toBe(before.serialHex);
      expect(renewed.members[m.name]!.server.keyPem).not.toBe(pki.members[m.name]!.server.keyPem);
    }
    const client = describeCert(renewed.apiserverClient.certPem);
    expect(client.commonName).toBe(APISERVER_ETCD_CLIENT_CN);
    expect(client.extKeyUsages).toEqual(['clientAuth']);
  });
});

describe('withInitialClusterState', () => {
  it('turns a bootstrapping member into one that joins the running cluster, nothing else', () => {
    const unit = renderEtcdUnit(topology, masters(topology)[0]!, 'token');
    const joined = parseUnitExecStart(withInitialClusterState(unit, 'existing'));
    const original = parseUnitExecStart(unit);
    expect(joined.flags['initial-cluster-state']).toBe('existing');
    expect({ ...joined.flags, 'initial-cluster-state': 'new' }).toEqual(original.flags);
  });

  it('refuses a unit without the flag rather than silently doing nothing', () => {
    expect(() => withInitialClusterState('[Service]\nExecStart=/bin/etcd\n', 'existing')).toThrow(
      /no --initial-cluster-state/,
    );
  });
});
