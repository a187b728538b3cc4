import { generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';
import { masters, type NodeSpec, type Topology } from '../core/topology.js';

/** A certificate and its private key, both PEM. */
export interface CertPair {
  certPem: string;
  keyPem: string;
}

export interface MemberPki {
  server: CertPair;
  peer: CertPair;
}

export interface EtcdPki {
  ca: CertPair;
  /** Keyed by master name ("master-0" ...). */
  members: Record<string, MemberPki>;
  /** Presented by every kube-apiserver to etcd (kubeadm's apiserver-etcd-client). */
  apiserverClient: CertPair;
  /** Presented by ha-lab's own host-side etcd probes. */
  probeClient: CertPair;
}

export interface PkiOptions {
  /** The issue time; tests pin it. */
  now?: Date;
  keyBits?: number;
}

export const APISERVER_ETCD_CLIENT_CN = 'kube-apiserver-etcd-client';
export const PROBE_CLIENT_CN = 'ha-lab-probe';
const ORGANIZATION = 'ha-lab';
const DEFAULT_KEY_BITS = 2048;
const CA_YEARS = 10;
const LEAF_YEARS = 1;
/** Backdating absorbs small clock differences between the host and the nodes. */
export const CERT_BACKDATE_MS = 5 * 60 * 1000;

type ExtKeyUsage = 'serverAuth' | 'clientAuth';

const generateKeyPairAsync = promisify(generateKeyPair);

/**
 * Builds the external etcd PKI. Keys come from node:crypto (native, run in parallel on the
 * thread pool: forge's pure-JS RSA generation takes seconds per key) and are converted to
 * forge only for signing, which forge does quickly.
 */
export async function createEtcdPki(topology: Topology, opts: PkiOptions = {}): Promise<EtcdPki> {
  const now = opts.now ?? new Date();
  const bits = opts.keyBits ?? DEFAULT_KEY_BITS;
  const memberNodes = masters(topology);
  // CA, then server + peer per member, then the two clients.
  const keys = await Promise.all(
    Array.from({ length: 1 + memberNodes.length * 2 + 2 }, () => newKeyPair(bits)),
  );
  const nextKey = (): forge.pki.rsa.KeyPair => {
    const key = keys.shift();
    if (!key) throw new Error('internal: ran out of pre-generated keys');
    return key;
  };

  const caKey = nextKey();
  const caCert = createCaCert(topology, caKey, now);
  const issuer: Issuer = { cert: caCert, key: caKey.privateKey };

  const members: Record<string, MemberPki> = {};
  for (const node of memberNodes) {
    members[node.name] = {
      // clientAuth too: etcd's gRPC gateway dials its own client port with the server cert.
      server: issueLeaf(issuer, nextKey(), now, {
        cn: node.name,
        usages: ['serverAuth', 'clientAuth'],
        san: memberSans(node),
      }),
      // etcd peers dial each other with this certificate and also serve with it.
      peer: issueLeaf(issuer, nextKey(), now, {
        cn: node.name,
        usages: ['serverAuth', 'clientAuth'],
        san: memberSans(node),
      }),
    };
  }

  return {
    ca: { certPem: forge.pki.certificateToPem(caCert), keyPem: privateKeyPem(caKey) },
    members,
    apiserverClient: issueLeaf(issuer, nextKey(), now, {
      cn: APISERVER_ETCD_CLIENT_CN,
      usages: ['clientAuth'],
    }),
    probeClient: issueLeaf(issuer, nextKey(), now, {
      cn: PROBE_CLIENT_CN,
      usages: ['clientAuth'],
    }),
  };
}

/** True when certPem was signed by the CA in caPem and is valid at `at` (default: now). */
export function verifyChain(caPem: string, certPem: string, at: Date = new Date()): boolean {
  try {
    const ca = forge.pki.certificateFromPem(caPem);
    const cert = forge.pki.certificateFromPem(certPem);
    const store = forge.pki.createCaStore([ca]);
    return forge.pki.verifyCertificateChain(store, [cert], { validityCheckDate: at });
  } catch {
    return false;
  }
}

export interface CertDescription {
  commonName: string;
  organization: string | undefined;
  issuerCommonName: string;
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  isCa: boolean;
  dnsNames: string[];
  ipAddresses: string[];
  extKeyUsages: ExtKeyUsage[];
  publicKeyBits: number;
}

/** What a certificate claims, for tests and for `status`. */
export function describeCert(pem: string): CertDescription {
  const cert = forge.pki.certificateFromPem(pem);
  const altNames = (cert.getExtension('subjectAltName') as { altNames?: AltName[] } | null)
    ?.altNames;
  const eku = cert.getExtension('extKeyUsage') as Record<string, unknown> | null;
  const basic = cert.getExtension('basicConstraints') as { cA?: boolean } | null;
  const publicKey = cert.publicKey as forge.pki.rsa.PublicKey;
  return {
    commonName: attribute(cert.subject, 'commonName') ?? '',
    organization: attribute(cert.subject, 'organizationName'),
    issuerCommonName: attribute(cert.issuer, 'commonName') ?? '',
    serialHex: cert.serialNumber,
    notBefore: cert.validity.notBefore,
    notAfter: cert.validity.notAfter,
    isCa: basic?.cA === true,
    dnsNames: (altNames ?? []).filter((a) => a.type === 2).map((a) => a.value ?? ''),
    ipAddresses: (altNames ?? []).filter((a) => a.type === 7).map((a) => a.ip ?? ''),
    extKeyUsages: (['serverAuth', 'clientAuth'] as const).filter((u) => eku?.[u] === true),
    publicKeyBits: publicKey.n.bitLength(),
  };
}

interface AltName {
  type: number;
  value?: string;
  ip?: string;
}

export interface Issuer {
  cert: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
}

export interface LeafSpec {
  cn: string;
  usages: ExtKeyUsage[];
  san?: AltName[];
}

export async function newKeyPair(bits: number): Promise<forge.pki.rsa.KeyPair> {
  const { privateKey } = await generateKeyPairAsync('rsa', {
    modulusLength: bits,
    publicExponent: 0x10001,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const priv = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  return { privateKey: priv, publicKey: forge.pki.setRsaPublicKey(priv.n, priv.e) };
}

function createCaCert(
  topology: Topology,
  key: forge.pki.rsa.KeyPair,
  now: Date,
): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = key.publicKey;
  cert.serialNumber = randomSerial();
  setValidity(cert, now, CA_YEARS);
  const name = [
    { name: 'commonName', value: `${topology.lab}-etcd-ca` },
    { name: 'organizationName', value: ORGANIZATION },
  ];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(key.privateKey, forge.md.sha256.create());
  return cert;
}

export function issueLeaf(
  issuer: Issuer,
  key: forge.pki.rsa.KeyPair,
  now: Date,
  spec: LeafSpec,
): CertPair {
  const cert = forge.pki.createCertificate();
  cert.publicKey = key.publicKey;
  cert.serialNumber = randomSerial();
  setValidity(cert, now, LEAF_YEARS);
  cert.setSubject([
    { name: 'commonName', value: spec.cn },
    { name: 'organizationName', value: ORGANIZATION },
  ]);
  cert.setIssuer(issuer.cert.subject.attributes);
  const extensions: object[] = [
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    {
      name: 'extKeyUsage',
      serverAuth: spec.usages.includes('serverAuth'),
      clientAuth: spec.usages.includes('clientAuth'),
    },
    { name: 'subjectKeyIdentifier' },
    {
      name: 'authorityKeyIdentifier',
      // Must name the CA's key, not this certificate's own (forge's `true` would do the latter).
      keyIdentifier: issuer.cert.generateSubjectKeyIdentifier().getBytes(),
    },
  ];
  if (spec.san) extensions.push({ name: 'subjectAltName', altNames: spec.san });
  cert.setExtensions(extensions);
  cert.sign(issuer.key, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: privateKeyPem(key) };
}

export function memberSans(node: NodeSpec): AltName[] {
  return [
    { type: 2, value: node.name },
    { type: 2, value: 'localhost' },
    { type: 7, ip: node.ip },
    { type: 7, ip: '127.0.0.1' },
  ];
}

function setValidity(cert: forge.pki.Certificate, now: Date, years: number): void {
  const notBefore = new Date(now.getTime() - CERT_BACKDATE_MS);
  const notAfter = new Date(now.getTime());
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + years);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
}

/**
 * 128 random bits, top bit clear (DER INTEGERs are signed; serials must be positive) and first
 * byte non-zero (a leading zero byte is a non-minimal encoding that Go's x509 parser rejects).
 */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return bytes.toString('hex');
}

function privateKeyPem(key: forge.pki.rsa.KeyPair): string {
  return forge.pki.privateKeyToPem(key.privateKey);
}

function attribute(name: forge.pki.Certificate['subject'], attr: string): string | undefined {
  const value = name.getField({ name: attr })?.value as unknown;
  return typeof value === 'string' ? value : undefined;
}
