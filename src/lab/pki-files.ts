import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RenewedEtcdCerts } from '../provision/pki-renew.js';
import type { CertPair, EtcdPki } from '../provision/pki.js';
import { writePrivateFile } from './lab-state.js';

/** Where the host keeps the lab's etcd PKI (0600 files in 0700 dirs under the state dir). */
export function etcdPkiDir(stateDir: string): string {
  return join(stateDir, 'pki', 'etcd');
}

export async function saveEtcdPki(stateDir: string, pki: EtcdPki): Promise<void> {
  await writeEtcdFiles(stateDir, {
    'ca.crt': pki.ca.certPem,
    'ca.key': pki.ca.keyPem,
    'probe-client.crt': pki.probeClient.certPem,
    'probe-client.key': pki.probeClient.keyPem,
    ...leafFiles(pki),
  });
}

/** The API server's etcd client pair and each member's server and peer pairs, by file name. */
function leafFiles(certs: Pick<RenewedEtcdCerts, 'apiserverClient' | 'members'>) {
  const files: Record<string, string> = {
    'apiserver-etcd-client.crt': certs.apiserverClient.certPem,
    'apiserver-etcd-client.key': certs.apiserverClient.keyPem,
  };
  for (const [member, pair] of Object.entries(certs.members)) {
    files[`${member}-server.crt`] = pair.server.certPem;
    files[`${member}-server.key`] = pair.server.keyPem;
    files[`${member}-peer.crt`] = pair.peer.certPem;
    files[`${member}-peer.key`] = pair.peer.keyPem;
  }
  return files;
}

async function writeEtcdFiles(stateDir: string, files: Record<string, string>): Promise<void> {
  const dir = etcdPkiDir(stateDir);
  for (const [name, content] of Object.entries(files))
    await writePrivateFile(join(dir, name), content);
}

export interface ProbeCredentials {
  ca: string;
  cert: string;
  key: string;
}

/** The client certificate ha-lab's own etcd probes present. */
export async function loadProbeCredentials(stateDir: string): Promise<ProbeCredentials> {
  const dir = etcdPkiDir(stateDir);
  const [ca, cert, key] = await Promise.all(
    ['ca.crt', 'probe-client.crt', 'probe-client.key'].map((f) => readFile(join(dir, f), 'utf8')),
  );
  return { ca: ca ?? '', cert: cert ?? '', key: key ?? '' };
}

/** The lab's etcd CA with its key: only a renewal needs the key, to sign new leaves. */
export async function loadEtcdCa(stateDir: string): Promise<CertPair> {
  const dir = etcdPkiDir(stateDir);
  const [certPem, keyPem] = await Promise.all(
    ['ca.crt', 'ca.key'].map((f) => readFile(join(dir, f), 'utf8')),
  );
  return { certPem: certPem ?? '', keyPem: keyPem ?? '' };
}

/** Keeps the host's copy in step with what the nodes now serve. */
export async function saveRenewedEtcdCerts(
  stateDir: string,
  renewed: RenewedEtcdCerts,
): Promise<void> {
  await writeEtcdFiles(stateDir, leafFiles(renewed));
}
