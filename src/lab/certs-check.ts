import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { API_PORT, ETCD_CLIENT_PORT, ETCD_PEER_PORT, masters } from '../core/topology.js';
import {
  APISERVER_ETCD_CLIENT_CERT,
  ETCD_CA_CERT,
  ETCD_PEER_CERT,
  ETCD_SERVER_CERT,
  KUBE_ETCD_CA_CERT,
} from '../provision/etcd.js';
import type { NodeRunner } from '../runtime/node-runner.js';
import type { OpenLab } from './open-lab.js';
import { etcdPkiDir } from './pki-files.js';
import { readServedCerts } from './served-certs.js';

/** kubeadm's certificates on every master (kubeadm certs check-expiration lists the same). */
const KUBE_PKI = '/etc/kubernetes/pki';
const MASTER_CERT_FILES = [
  `${KUBE_PKI}/ca.crt`,
  `${KUBE_PKI}/apiserver.crt`,
  `${KUBE_PKI}/apiserver-kubelet-client.crt`,
  `${KUBE_PKI}/front-proxy-ca.crt`,
  `${KUBE_PKI}/front-proxy-client.crt`,
  APISERVER_ETCD_CLIENT_CERT,
  KUBE_ETCD_CA_CERT,
  ETCD_CA_CERT,
  ETCD_SERVER_CERT,
  ETCD_PEER_CERT,
];
/** Client certificates embedded in kubeadm's kubeconfigs. */
const KUBECONFIGS = ['admin.conf', 'super-admin.conf', 'controller-manager.conf', 'scheduler.conf'];
/** Which file each served port should be serving. */
const SERVED_FROM: Record<number, string> = {
  [API_PORT]: `${KUBE_PKI}/apiserver.crt`,
  [ETCD_CLIENT_PORT]: ETCD_SERVER_CERT,
  [ETCD_PEER_PORT]: ETCD_PEER_CERT,
};
/** Less than this left is worth a warning: kubeadm renews on upgrade, a year is the default. */
export const WARN_DAYS = 30;

export interface CertEntry {
  /** "master-0:/etc/etcd/pki/server.crt", "master-0:6443 (served)", "host:probe-client.crt". */
  source: string;
  subject: string | null;
  notAfter: number | null;
  serial: string | null;
  status: 'ok' | 'expiring' | 'expired' | 'stale' | 'error';
  detail?: string;
}

/**
 * Prints only the certificate blocks of each file (never a key), and the client certificate of
 * each kubeconfig, so no secret leaves the node.
 */
export function certFilesScript(): string {
  const files = MASTER_CERT_FILES.map(
    (f) =>
      `echo "=== ${f}"; if [ -r ${f} ]; then sed -n '/BEGIN CERTIFICATE/,/END CERTIFICATE/p' ${f}; fi`,
  );
  const confs = KUBECONFIGS.map(
    (c) =>
      // Only where kubeadm wrote one: super-admin.conf exists on the first master alone.
      `if [ -r /etc/kubernetes/${c} ]; then echo "=== /etc/kubernetes/${c}"; sed -n 's/^ *client-certificate-data: *//p' /etc/kubernetes/${c} | base64 -d; fi`,
  );
  return [...files, ...confs].join('\n');
}

/** Splits the script's output into file -> first certificate PEM (null when absent). */
export function parseCertFiles(output: string): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const part of output.split(/^=== /m).slice(1)) {
    const newline = part.indexOf('\n');
    const path = (newline < 0 ? part : part.slice(0, newline)).trim();
    const pem = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/.exec(part);
    out[path] = pem ? pem[0] : null;
  }
  return out;
}

function unreadable(source: string, detail: string): CertEntry {
  return { source, subject: null, notAfter: null, serial: null, status: 'error', detail };
}

export function judgeCert(
  source: string,
  pem: string | null,
  now: number,
  missing = 'no such file',
): CertEntry {
  if (!pem) return unreadable(source, missing);
  try {
    const cert = new X509Certificate(pem);
    const notAfter = Date.parse(cert.validTo);
    return {
      source,
      subject: /CN=([^\n,]+)/.exec(cert.subject)?.[1] ?? cert.subject,
      notAfter,
      serial: cert.serialNumber,
      status: statusOf(notAfter, now),
    };
  } catch (error) {
    return unreadable(source, (error as Error).message);
  }
}

function statusOf(notAfter: number, now: number): CertEntry['status'] {
  if (notAfter <= now) return 'expired';
  return notAfter - now < WARN_DAYS * 86_400_000 ? 'expiring' : 'ok';
}

/**
 * Every certificate the lab uses, from the files on each master and on the host, and as each
 * master serves it on 6443, 2379 and 2380 in a fresh handshake. A served certificate older
 * than its file is "stale": renewed on disk, but the server was not restarted onto it.
 */
export async function checkLabCerts(lab: OpenLab, signal?: AbortSignal): Promise<CertEntry[]> {
  const now = Date.now();
  const group = masters(lab.topology);
  const files = await Promise.all(
    group.map(async (m) => readFilesOn(lab.runners[m.name], signal).catch(() => null)),
  );
  const entries: CertEntry[] = [];
  group.forEach((m, i) => {
    const found = files[i];
    if (!found) {
      entries.push(judgeCert(`${m.name}:*`, null, now, 'the node could not be read'));
      return;
    }
    for (const [path, pem] of Object.entries(found))
      entries.push(judgeCert(`${m.name}:${path}`, pem, now));
  });
  const dir = etcdPkiDir(lab.stateDir);
  for (const name of ['ca.crt', 'apiserver-etcd-client.crt', 'probe-client.crt']) {
    const pem = await readFile(join(dir, name), 'utf8').catch(() => null);
    entries.push(judgeCert(`host:${name}`, pem, now));
  }
  for (const r of await readServedCerts(lab, signal)) {
    const source = `${r.node}:${r.port} (served)`;
    if (r.notAfter === null) {
      entries.push({
        source,
        subject: null,
        notAfter: null,
        serial: null,
        status: 'error',
        detail: r.error ?? 'no handshake',
      });
      continue;
    }
    const file = files[group.findIndex((m) => m.name === r.node)]?.[SERVED_FROM[r.port] ?? ''];
    const onDisk = file ? judgeCert('', file, now).notAfter : null;
    const stale = onDisk !== null && r.notAfter < onDisk;
    entries.push({
      source,
      subject: r.subject ?? null,
      notAfter: r.notAfter,
      serial: r.serial,
      status: stale ? 'stale' : statusOf(r.notAfter, now),
      ...(stale
        ? { detail: `its file ${SERVED_FROM[r.port]} is newer: restart the server` }
        : r.authError
          ? { detail: r.authError }
          : {}),
    });
  }
  return entries;
}

async function readFilesOn(
  runner: NodeRunner | undefined,
  signal?: AbortSignal,
): Promise<Record<string, string | null>> {
  if (!runner) throw new Error('no runner');
  const r = await runner.exec(['sh', '-c', certFilesScript()], { timeoutMs: 15_000, signal });
  if (r.exitCode !== 0) throw new Error(`exit ${r.exitCode}`);
  return parseCertFiles(r.stdout);
}
