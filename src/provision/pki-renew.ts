import forge from 'node-forge';
import { masters, type Topology } from '../core/topology.js';
import {
  APISERVER_ETCD_CLIENT_CN,
  type CertPair,
  type Issuer,
  issueLeaf,
  type MemberPki,
  memberSans,
  newKeyPair,
  type PkiOptions,
} from './pki.js';

/** What a renewal reissues from the lab's etcd CA; the CA itself and its key stay. */
export interface RenewedEtcdCerts {
  members: Record<string, MemberPki>;
  apiserverClient: CertPair;
}

/**
 * New server and peer certificates for every member and a new API server client certificate,
 * signed by the existing etcd CA with new keys and the same names and usages as at `up`.
 * kubeadm's `certs renew` leaves these alone when etcd is external, so ha-lab renews them.
 */
export async function renewEtcdCerts(
  topology: Topology,
  ca: CertPair,
  opts: PkiOptions = {},
): Promise<RenewedEtcdCerts> {
  const now = opts.now ?? new Date();
  const bits = opts.keyBits ?? 2048;
  const issuer: Issuer = {
    cert: forge.pki.certificateFromPem(ca.certPem),
    key: forge.pki.privateKeyFromPem(ca.keyPem) as forge.pki.rsa.PrivateKey,
  };
  const nodes = masters(topology);
  const keys = await Promise.all(
    Array.from({ length: nodes.length * 2 + 1 }, () => newKeyPair(bits)),
  );
  const next = (): forge.pki.rsa.KeyPair => {
    const key = keys.shift();
    if (!key) throw new Error('internal: ran out of pre-generated keys');
    return key;
  };
  const members: Record<string, MemberPki> = {};
  for (const node of nodes) {
    const spec = {
      cn: node.name,
      usages: ['serverAuth', 'clientAuth'] as ('serverAuth' | 'clientAuth')[],
      san: memberSans(node),
    };
    members[node.name] = {
      server: issueLeaf(issuer, next(), now, spec),
      peer: issueLeaf(issuer, next(), now, spec),
    };
  }
  return {
    members,
    apiserverClient: issueLeaf(issuer, next(), now, {
      cn: APISERVER_ETCD_CLIENT_CN,
      usages: ['clientAuth'],
    }),
  };
}
