import { request } from 'node:http';
import type { HttpResult } from './tls-request.js';

/** A body longer than this is not the probe app's answer; reading on would only cost memory. */
const MAX_BODY_BYTES = 4096;

/**
 * One plain HTTP GET with a hard deadline on a connection of its own (no agent), so a worker
 * that stopped forwarding shows in the very next request instead of behind a kept connection.
 */
export function httpGet(url: string, timeoutMs: number): Promise<HttpResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const timedOut = () =>
      req.destroy(Object.assign(new Error('ETIMEDOUT'), { code: 'ETIMEDOUT' }));
    const req = request(url, { agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (c: Buffer) => {
        bytes += c.length;
        if (bytes <= MAX_BODY_BYTES) chunks.push(c);
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          latencyMs: performance.now() - started,
        }),
      );
      res.on('error', reject);
    });
    // The socket timeout only counts idle time; this bounds the whole request.
    const timer = setTimeout(timedOut, timeoutMs);
    req.on('timeout', timedOut);
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.on('close', () => clearTimeout(timer));
    req.end();
  });
}
