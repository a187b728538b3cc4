import type { ClientRequest, IncomingMessage } from 'node:http';
import { Agent, type RequestOptions, request } from 'node:https';
import { type SecureContext, createSecureContext } from 'node:tls';

export interface TlsIdentity {
  ca: string;
  cert?: string;
  key?: string;
  /**
   * Reuse connections between requests. For watchers that sample many times a second and
   * care about CPU (the dashboard); scenarios measure with a fresh connection per request.
   */
  keepAlive?: boolean;
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

/**
 * One agent per identity, without keep-alive: every request still opens its own connection
 * (so a dead endpoint shows at once), but the agent keeps each server's TLS session ticket
 * and the next handshake resumes it. Resumption skips the client's certificate signature and
 * the server chain's verification, most of a probe's CPU. Per identity, because a resumed
 * session carries the client certificate it was made with.
 */
const agents = new WeakMap<TlsIdentity, Agent>();

function agentOf(identity: TlsIdentity): Agent {
  let agent = agents.get(identity);
  if (!agent) {
    agent = new Agent({ keepAlive: identity.keepAlive ?? false, maxCachedSessions: 32 });
    agents.set(identity, agent);
  }
  return agent;
}

/** Closes the idle connections a keep-alive identity holds, so a watcher can exit at once. */
export function closeConnections(identity: TlsIdentity): void {
  agents.get(identity)?.destroy();
  agents.delete(identity);
}

export interface HttpResult {
  status: number;
  body: string;
  latencyMs: number;
}

/**
 * One HTTPS request with a hard deadline and client-certificate auth. Used by status and the
 * probes, which sample several times a second: no shelling out, no docker exec per sample.
 * A fresh connection each time (unless the identity asks for keep-alive) so a dead endpoint
 * shows up at once; the TLS session is resumed when the server allows it.
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
        agent: agentOf(identity),
        timeout: options.timeoutMs,
        ...(options.servername ? { servername: options.servername } : {}),
        headers: {
          ...(options.body ? { 'content-type': 'application/json' } : {}),
          ...(options.headers ?? {}),
        },
      },
      (res) => collectResponse(res, started, resolve, reject),
    );
    withDeadline(req, options.timeoutMs, reject);
    if (options.body) req.write(options.body);
    req.end();
  });
}

/** Reads a response's body (at most maxBytes kept) and resolves with status, body and latency. */
export function collectResponse(
  res: IncomingMessage,
  started: number,
  resolve: (result: HttpResult) => void,
  reject: (error: Error) => void,
  maxBytes = Number.POSITIVE_INFINITY,
): void {
  const chunks: Buffer[] = [];
  let bytes = 0;
  res.on('data', (c: Buffer) => {
    bytes += c.length;
    if (bytes <= maxBytes) chunks.push(c);
  });
  res.on('end', () =>
    resolve({
      status: res.statusCode ?? 0,
      body: Buffer.concat(chunks).toString('utf8'),
      latencyMs: performance.now() - started,
    }),
  );
  res.on('error', reject);
}

/** Bounds the whole request: the socket timeout alone only counts idle time. */
export function withDeadline(
  req: ClientRequest,
  timeoutMs: number,
  reject: (error: Error) => void,
): void {
  const timedOut = () => req.destroy(Object.assign(new Error('ETIMEDOUT'), { code: 'ETIMEDOUT' }));
  const timer = setTimeout(timedOut, timeoutMs);
  req.on('timeout', timedOut);
  req.on('error', (e) => {
    clearTimeout(timer);
    reject(e);
  });
  req.on('close', () => clearTimeout(timer));
}

export function errorCode(error: unknown): string {
  const e = error as { code?: string; message?: string };
  return e.code ?? e.message?.split('\n')[0] ?? 'error';
}
