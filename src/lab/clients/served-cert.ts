import { connect } from 'node:tls';

/** The certificate a TLS endpoint serves, as seen in one fresh handshake. */
export interface ServedCert {
  notAfter: number;
  notBefore: number;
  serial: string;
  subject: string;
  /** Whether the chain verified against the CA given; `authError` says why not. */
  authorized: boolean;
  authError?: string;
}

export interface HandshakeOptions {
  host: string;
  port: number;
  /** The CA the chain should verify against (the cluster's or the etcd CA). */
  ca: string;
  /** etcd asks every client (and peer) for a certificate; offering one completes the handshake. */
  cert?: string;
  key?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * One full handshake on a new connection, never a resumed session (a resumed session would
 * show the certificate of an earlier handshake, not the one served now). The chain is not
 * enforced, so an expired or foreign certificate is reported rather than refused.
 */
export function servedCert(options: HandshakeOptions): Promise<ServedCert> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: options.host,
      port: options.port,
      ca: options.ca,
      ...(options.cert ? { cert: options.cert } : {}),
      ...(options.key ? { key: options.key } : {}),
      rejectUnauthorized: false,
      session: undefined,
      // No SNI for an IP address (Node warns otherwise); the certificate's IP SANs apply.
      servername: '',
    });
    const done = (error?: Error, value?: ServedCert) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (error) reject(error);
      else resolve(value!);
    };
    const onAbort = () => done(options.signal?.reason as Error);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(
      () => done(Object.assign(new Error('handshake timed out'), { code: 'ETIMEDOUT' })),
      options.timeoutMs ?? 3000,
    );
    socket.once('secureConnect', () => {
      const peer = socket.getPeerCertificate();
      if (!peer || !peer.valid_to) return done(new Error('no certificate was served'));
      const authError = socket.authorizationError;
      done(undefined, {
        notAfter: Date.parse(peer.valid_to),
        notBefore: Date.parse(peer.valid_from),
        serial: peer.serialNumber,
        subject: [peer.subject?.CN ?? ''].flat().join(','),
        authorized: socket.authorized,
        ...(authError ? { authError: String(authError) } : {}),
      });
    });
    socket.once('error', (error) => done(error));
  });
}
