import { type RequestOptions, request } from 'node:https';
import { type SecureContext, createSecureContext } from 'node:tls';

export interface TlsIdentity {
  ca: string;
  cert?: string;
  key?: string;
}

/**
 * Parsing the CA, certificate and private key is most of a request's CPU; probes send many
 * requests with the same identity, so its secure context is built once and reused.
 */
const contexts = new WeakMap<TlsIdentity, SecureContext>();

function secureContextOf(identity: TlsIdentity): SecureContext {
  let context = contexts.get(identity);
  if (!context) {
    context = createSecureContext({
      ca: identity.ca,
      ...(identity.cert ? { cert: identity.cert } : {}),
      ...(identity.key ? { key: identity.key } : {}),
    });
    contexts.set(identity, context);
  }
  return context;
}

export interface HttpResult {
  status: number;
  body: string;
  latencyMs: number;
}

/**
 * One HTTPS request with a hard deadline and client-certificate auth. Used by status and the
 * probes, which sample several times a second: no shelling out, no docker exec per sample.
 * A fresh connection each time (no keep-alive) so a dead endpoint shows up at once.
 */
export function tlsRequest(
  url: string,
  identity: TlsIdentity,
  options: {
    method?: string;
    body?: string;
    timeoutMs: number;
    servername?: string;
    headers?: Record<string, string>;
  },
): Promise<HttpResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        // tls.connect honours secureContext; @types/node leaves it out of https's options.
        ...({ secureContext: secureContextOf(identity) } as RequestOptions),
        agent: false,
        timeout: options.timeoutMs,
        ...(options.servername ? { servername: options.servername } : {}),
        headers: {
          ...(options.body ? { 'content-type': 'application/json' } : {}),
          ...(options.headers ?? {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            latencyMs: performance.now() - started,
          }),
        );
        res.on('error', reject);
      },
    );
    const timer = setTimeout(
      () => req.destroy(Object.assign(new Error('ETIMEDOUT'), { code: 'ETIMEDOUT' })),
      options.timeoutMs,
    );
    req.on('timeout', () =>
      req.destroy(Object.assign(new Error('ETIMEDOUT'), { code: 'ETIMEDOUT' })),
    );
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.on('close', () => clearTimeout(timer));
    if (options.body) req.write(options.body);
    req.end();
  });
}

export function errorCode(error: unknown): string {
  const e = error as { code?: string; message?: string };
  return e.code ?? e.message?.split('\n')[0] ?? 'error';
}
