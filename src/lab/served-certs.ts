import { API_PORT, ETCD_CLIENT_PORT, ETCD_PEER_PORT, masters } from '../core/topology.js';
import type { Topology } from '../core/topology.js';
import { servedCert } from './clients/served-cert.js';
import { errorCode, type TlsIdentity } from './clients/tls-request.js';

/** The ports on every master that serve a certificate: the API server, etcd client and peer. */
export const SERVED_PORTS = [API_PORT, ETCD_CLIENT_PORT, ETCD_PEER_PORT] as const;

export interface ServedCertReading {
  node: string;
  port: number;
  at: number;
  notAfter: number | null;
  serial: string | null;
  subject?: string;
  /** The chain did not verify against the lab's CA (expired, foreign ...). */
  authError?: string;
  /** No handshake: refused, timed out ... */
  error?: string;
}

export interface ServedAccess {
  topology: Topology;
  /** The cluster CA (for 6443). */
  admin: TlsIdentity;
  /** The etcd CA and ha-lab's etcd client certificate (etcd asks every client for one). */
  etcdProbe: TlsIdentity;
}

/**
 * A fresh handshake with every master on 6443, 2379 and 2380, from the host into the lab's
 * own network (the probes reach the members the same way). One reading per endpoint.
 */
export async function readServedCerts(
  access: ServedAccess,
  signal?: AbortSignal,
): Promise<ServedCertReading[]> {
  const jobs = masters(access.topology).flatMap((m) =>
    SERVED_PORTS.map(async (port): Promise<ServedCertReading> => {
      const at = Date.now();
      const identity = port === API_PORT ? { ca: access.admin.ca } : access.etcdProbe;
      try {
        const cert = await servedCert({
          host: m.ip,
          port,
          ca: identity.ca,
          ...(identity.cert ? { cert: identity.cert } : {}),
          ...(identity.key ? { key: identity.key } : {}),
          timeoutMs: 3000,
          ...(signal ? { signal } : {}),
        });
        return {
          node: m.name,
          port,
          at,
          notAfter: cert.notAfter,
          serial: cert.serial,
          subject: cert.subject,
          ...(cert.authError ? { authError: cert.authError } : {}),
        };
      } catch (error) {
        return { node: m.name, port, at, notAfter: null, serial: null, error: errorCode(error) };
      }
    }),
  );
  return Promise.all(jobs);
}
