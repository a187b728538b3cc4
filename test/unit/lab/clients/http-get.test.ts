import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpGet } from '../../../../src/lab/clients/http-get.js';

/** A loopback server: "/" answers at once, "/slow" never, "/big" with 64 KiB. */
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/slow') return;
    res.end(req.url === '/big' ? 'x'.repeat(65_536) : 'ok probe-app-abc');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('httpGet', () => {
  it('returns the status, the body and the latency', async () => {
    const r = await httpGet(`${base}/`, 1000);
    expect(r.status).toBe(200);
    expect(r.body).toBe('ok probe-app-abc');
    expect(r.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('gives up at its deadline with ETIMEDOUT', async () => {
    const started = Date.now();
    await expect(httpGet(`${base}/slow`, 300)).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('keeps only the first few KiB of a long body', async () => {
    const r = await httpGet(`${base}/big`, 1000);
    expect(r.body.length).toBeLessThanOrEqual(8192);
  });

  it('rejects a refused connection', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    await expect(httpGet(`http://127.0.0.1:${port}/`, 1000)).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });
});
