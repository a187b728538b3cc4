import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../../../src/core/errors.js';
import { ETCD_CLIENT_PORT, buildTopology, masters } from '../../../../src/core/topology.js';
import { closeConnections } from '../../../../src/lab/clients/tls-request.js';
import { provePristine, writeCanary } from '../../../../src/lab/snapshot/pristine.js';
import type { SnapshotManifest } from '../../../../src/lab/snapshot/snapshot-files.js';
import { createEtcdPki, type EtcdPki } from '../../../../src/provision/pki.js';

// Masters of a lab on 127.0.0.0/24 are 127.0.0.11-13: loopback, and named in their server certs.
const topology = buildTopology('pristine-test', '127.0.0.0/24');

/** One member of a fake etcd JSON gateway: a revision, a hash per revision, and a key store. */
interface Member {
  revision: number;
  hashes: Record<number, number>;
}
const members: Record<string, Member> = {};
const keys = new Set<string>();
const servers: Server[] = [];
let pki: EtcdPki;
let identity: { ca: string; cert: string; key: string };
let stateDir: string;

function answer(member: Member, url: string, body: Record<string, string | boolean>): unknown {
  switch (url) {
    case '/v3/maintenance/status':
      return { header: { revision: String(member.revision) }, leader: '1' };
    case '/v3/maintenance/hashkv':
      return { hash: member.hashes[Number(body.revision)] ?? 1 };
    case '/v3/kv/put':
      keys.add(String(body.key));
      return {};
    case '/v3/kv/range':
      return { count: keys.has(String(body.key)) ? '1' : '0' };
    default:
      return {};
  }
}

beforeAll(async () => {
  pki = await createEtcdPki(topology);
  identity = { ca: pki.ca.certPem, cert: pki.probeClient.certPem, key: pki.probeClient.keyPem };
  for (const m of masters(topology)) {
    const pair = pki.members[m.name]!;
    const server = createServer(
      { ca: pki.ca.certPem, cert: pair.server.certPem, key: pair.server.keyPem, requestCert: true },
      (req, res) => {
        let text = '';
        req.on('data', (c: Buffer) => (text += c.toString()));
        req.on('end', () => {
          const member = members[m.name]!;
          res.end(JSON.stringify(answer(member, req.url ?? '', JSON.parse(text || '{}'))));
        });
      },
    );
    await new Promise<void>((resolve) => server.listen(ETCD_CLIENT_PORT, m.ip, resolve));
    servers.push(server);
  }
});

afterAll(async () => {
  closeConnections(identity);
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

const SNAPSHOT_REVISION = 500;
const manifest = {
  etcd: {
    revision: SNAPSHOT_REVISION,
    hashes: { 'master-0': 1111, 'master-1': 1111, 'master-2': 1111 },
  },
} as unknown as SnapshotManifest;

beforeEach(async () => {
  keys.clear();
  for (const m of masters(topology))
    members[m.name] = { revision: SNAPSHOT_REVISION + 20, hashes: { [SNAPSHOT_REVISION]: 1111 } };
  stateDir = await mkdtemp(join(tmpdir(), 'ha-lab-pristine-'));
});

const ctx = () => ({ topology, stateDir, lab: 'pristine-test' });

/** The canary as a reset writes it, then the rollback a restored etcd does (or not). */
async function resetWith(rollsBack: boolean): Promise<string | undefined> {
  const canary = await writeCanary(ctx(), identity);
  if (rollsBack) keys.clear();
  return canary;
}

describe('proof that a reset lab is its snapshot', () => {
  it('holds when every member hashes the snapshot revision as before and the canary is gone', async () => {
    const canary = await resetWith(true);
    expect(canary).toMatch(/^\/ha-lab\/reset-canary\//);
    const proof = await provePristine(ctx(), identity, manifest, canary);
    expect(proof).toMatchObject({
      snapshotRevision: SNAPSHOT_REVISION,
      revisionAfter: SNAPSHOT_REVISION + 20,
      canary: 'rolled back',
      faultJournal: 'empty',
    });
  });

  it('fails with exit 3 when etcd was not rolled back (the key written before the reset is there)', async () => {
    const canary = await resetWith(false);
    await expect(provePristine(ctx(), identity, manifest, canary)).rejects.toMatchObject({
      exitCode: ExitCode.checkFailed,
      message: expect.stringMatching(/not rolled back/),
    });
  });

  it('fails when one member hashes the snapshot revision differently (another history)', async () => {
    members['master-2']!.hashes[SNAPSHOT_REVISION] = 2222;
    const canary = await resetWith(true);
    await expect(provePristine(ctx(), identity, manifest, canary)).rejects.toThrow(
      /master-2 hashes revision 500 as 2222, the snapshot as 1111/,
    );
  });

  it('fails when a member is behind the snapshot revision (an older etcd)', async () => {
    members['master-1']!.revision = 100;
    await expect(provePristine(ctx(), identity, manifest, undefined)).rejects.toThrow(
      /master-1 is at revision 100, before the snapshot's 500/,
    );
  });

  it('fails when a fault is journalled as not undone', async () => {
    await writeFile(
      join(stateDir, 'faults.json'),
      JSON.stringify({ entries: [{ state: 'applied' }] }),
    );
    await expect(provePristine(ctx(), identity, manifest, undefined)).rejects.toThrow(
      /fault journal is not empty/,
    );
  });
});
