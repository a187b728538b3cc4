import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeOnce } from '../../../../src/chaos/probes/writer-probe.js';
import { buildTopology } from '../../../../src/core/topology.js';
import { createEtcdPki, type EtcdPki } from '../../../../src/provision/pki.js';

/**
 * The writer's classification (Jepsen's): acknowledged = ok, provably not done = failed,
 * anything that may have happened = unknown (indeterminate). A real TLS server on loopback
 * answers each object name with the status that name asks for.
 */
const topology = buildTopology('writer-test', '127.0.0.0/24');
let pki: EtcdPki;
let server: Server;
let url = '';

beforeAll(async () => {
  pki = await createEtcdPki(topology);
  const cert = pki.members['master-0']!.server;
  server = createServer(
    { ca: pki.ca.certPem, cert: cert.certPem, key: cert.keyPem },
    (req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const name = (JSON.parse(body) as { metadata: { name: string } }).metadata.name;
        if (name === 'hang') return; // never answers: the client times out
        if (name === 'reset') return req.socket.destroy();
        res.statusCode = Number(name.replace('status-', ''));
        res.end('{}');
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.11', () => resolve()));
  url = `https://127.0.0.11:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const write = (name: string, to = url) => writeOnce(to, { ca: pki.ca.certPem }, 'run', name, 500);

describe('writeOnce outcome', () => {
  it('is ok only when the API acknowledged the create (201)', async () => {
    expect((await write('status-201')).outcome).toBe('ok');
  });

  it('is failed when the API refused it (4xx) or no connection was made', async () => {
    expect((await write('status-409')).outcome).toBe('failed');
    expect((await write('status-403')).outcome).toBe('failed');
    // A port nobody listens on: refused, so the write certainly did not happen.
    expect((await write('x', 'https://127.0.0.11:1')).outcome).toBe('failed');
  });

  it('is unknown when the write may have happened: 5xx, a timeout, a reset connection', async () => {
    expect((await write('status-500')).outcome).toBe('unknown');
    expect((await write('status-504')).outcome).toBe('unknown');
    expect((await write('hang')).outcome).toBe('unknown');
    expect((await write('reset')).outcome).toBe('unknown');
  });
});
