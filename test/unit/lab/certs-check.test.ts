import { describe, expect, it } from 'vitest';
import { renderCerts } from '../../../src/cli/commands/certs.js';
import { buildTopology } from '../../../src/core/topology.js';
import { certFilesScript, judgeCert, parseCertFiles } from '../../../src/lab/certs-check.js';
import { createEtcdPki } from '../../../src/provision/pki.js';

const topology = buildTopology('ha-lab', '172.30.5.0/24');
const DAY = 86_400_000;

describe('certs check', () => {
  it('reads each file back as its certificate and never asks a node for a key', () => {
    const script = certFilesScript();
    expect(script).not.toMatch(/\.key\b/);
    expect(script).not.toContain('client-key-data');
    expect(script).toContain('/etc/etcd/pki/peer.crt');
    expect(script).toContain('/etc/kubernetes/pki/apiserver-etcd-client.crt');
  });

  it('judges expiry: ok, expiring within 30 days, expired, and a missing file', async () => {
    const issued = new Date('2030-01-01T00:00:00Z');
    const pki = await createEtcdPki(topology, { now: issued, keyBits: 1024 });
    const pem = pki.ca.certPem;
    const output = `=== /etc/etcd/pki/ca.crt\n${pem}=== /etc/etcd/pki/server.crt\n`;
    const files = parseCertFiles(output);
    expect(files['/etc/etcd/pki/ca.crt']).toContain('BEGIN CERTIFICATE');
    expect(files['/etc/etcd/pki/server.crt']).toBeNull();
    const leaf = pki.members['master-0']!.server.certPem;
    const notAfter = judgeCert('x', leaf, issued.getTime()).notAfter!;
    expect(judgeCert('x', leaf, notAfter - 60 * DAY).status).toBe('ok');
    expect(judgeCert('x', leaf, notAfter - 10 * DAY).status).toBe('expiring');
    expect(judgeCert('x', leaf, notAfter + 1000).status).toBe('expired');
    expect(judgeCert('x', null, 0)).toMatchObject({ status: 'error', detail: 'no such file' });
    expect(judgeCert('x', leaf, 0).subject).toBe('master-0');
  }, 60_000);

  it('prints a table with days left and says what is wrong', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    const text = renderCerts(
      [
        {
          source: 'master-0:6443 (served)',
          subject: 'kube-apiserver',
          notAfter: now + 40 * DAY,
          serial: '1',
          status: 'stale',
          detail: 'restart it',
        },
        {
          source: 'master-0:/etc/etcd/pki/ca.crt',
          subject: 'ca',
          notAfter: now + 3650 * DAY,
          serial: '2',
          status: 'ok',
        },
      ],
      now,
    );
    expect(text).toContain('40d');
    expect(text).toContain('stale (restart it)');
    expect(text).toContain('2 certificates: 1 stale');
  });
});
