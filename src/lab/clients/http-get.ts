import { request } from 'node:http';
import { collectResponse, type HttpResult, withDeadline } from './tls-request.js';

/** A body longer than this is not the probe app's answer; reading on would only cost memory. */
const MAX_BODY_BYTES = 4096;

/**
 * One plain HTTP GET with a hard deadline on a connection of its own (no agent), so a worker
 * that stopped forwarding shows in the very next request instead of behind a kept connection.
 */
export function httpGet(url: string, timeoutMs: number): Promise<HttpResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, timeout: timeoutMs }, (res) =>
      collectResponse(res, started, resolve, reject, MAX_BODY_BYTES),
    );
    withDeadline(req, timeoutMs, reject);
    req.end();
  });
}
