import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTopology } from '../../../../src/core/topology.js';
import {
  closeConnections,
  tlsRequest,
  type TlsIdentity,
} from '../../../../src/lab/clients/tls-request.js';
import {
  APISERVER_ETCD_CLIENT_CN,
  PROBE_CLIENT_CN,
  createEtcdPki,
  type EtcdPki,
} from '../../../../src/provision/pki.js';

// master-0 of a lab on 127.0.0.0/24 is 127.0.0.11: loopback, and named in its server cert.
const topology = buildTopology('tls-test', '127.0.0.0/24');
const HOST = '127.0.0.11';

let pki: EtcdPki;
let server: Server;
let base: string;
const connections: TLSSocket[] = [];

beforeAll(async () => {
  pki = await createEtcdPki(topology);
  const member = pki.members['master-0'];
  if (!member) throw new Error('no master-0 in the test PKI');
  server = createServer(
    {
      ca: pki.ca.certPem,
      cert: member.server.certPem,
      key: member.server.keyPem,
      requestCert: true,
      rejectUnauthorized: true,
    },
    (req, res) => {
      const socket = req.socket as TLSSocket;
      if (req.url === '/hang') return; // never answers
      res.end(
        JSON.stringify({
          cn: socket.getPeerCertificate().subject.CN,
          resumed: socket.isSessionReused(),
        }),
      );
    },
  );
  server.on('secureConnection', (socket: TLSSocket) => connections.push(socket));
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  base = `https://${HOST}:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function identityOf(pair: { certPem: string; keyPem: string }, keepAlive?: boolean): TlsIdentity {
  return {
    ca: pki.ca.certPem,
    cert: pair.certPem,
    key: pair.keyPem,
    ...(keepAlive === undefined ? {} : { keepAlive }),
  };
}

async function ask(identity: TlsIdentity): Promise<{ cn: string; resumed: boolean }> {
  const r = await tlsRequest(`${base}/who`, identity, { timeoutMs: 2000 });
  expect(r.status).toBe(200);
  return JSON.parse(r.body) as { cn: string; resumed: boolean };
}

describe('tlsRequest', () => {
  it('opens a connection per request and resumes the TLS session after the first', async () => {
    const identity = identityOf(pki.probeClient);
    const before = connections.length;
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await ask(identity));
    expect(connections.length - before).toBe(3);
    expect(answers.map((a) => a.resumed)).toEqual([false, true, true]);
    expect(answers.every((a) => a.cn === PROBE_CLIENT_CN)).toBe(true);
  });

  it('never resumes one identity’s session for another: each request shows its own certificate', async () => {
    const probe = identityOf(pki.probeClient);
    const apiserver = identityOf(pki.apiserverClient);
    await ask(probe);
    expect((await ask(apiserver)).cn).toBe(APISERVER_ETCD_CLIENT_CN);
    expect((await ask(probe)).cn).toBe(PROBE_CLIENT_CN);
    expect((await ask(apiserver)).cn).toBe(APISERVER_ETCD_CLIENT_CN);
  });

  it('keeps one connection open for a keep-alive identity, and closes it on request', async () => {
    const identity = identityOf(pki.probeClient, true);
    const before = connections.length;
    for (let i = 0; i < 4; i++) expect((await ask(identity)).cn).toBe(PROBE_CLIENT_CN);
    expect(connections.length - before).toBe(1);
    const kept = connections.at(-1);
    const closed = new Promise((resolve) => kept?.once('close', resolve));
    closeConnections(identity);
    // The server sees a clean close (no error) as soon as the watcher lets go.
    await expect(closed).resolves.toBe(false);
  });

  it('gives up at its deadline on a server that accepts and never answers', async () => {
    const started = Date.now();
    await expect(
      tlsRequest(`${base}/hang`, identityOf(pki.probeClient), { timeoutMs: 300 }),
    ).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    expect(Date.now() - started).toBeLessThan(1500);
  });
});
