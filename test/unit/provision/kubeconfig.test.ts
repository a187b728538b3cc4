import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  extractKubeconfigCredentials,
  rewriteKubeconfigServer,
} from '../../../src/provision/kubeconfig.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const CA = '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n';
const CERT = '-----BEGIN CERTIFICATE-----\nADMIN\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN RSA PRIVATE KEY-----\nK\n-----END RSA PRIVATE KEY-----\n';

const adminConf = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${b64(CA)}
    server: https://172.30.5.200:6443
  name: ha-lab
- cluster:
    certificate-authority-data: ${b64('other')}
    server: https://10.0.0.1:6443
  name: other
contexts:
- context:
    cluster: ha-lab
    user: kubernetes-admin
  name: kubernetes-admin@ha-lab
current-context: kubernetes-admin@ha-lab
kind: Config
preferences: {}
users:
- name: kubernetes-admin
  user:
    client-certificate-data: ${b64(CERT)}
    client-key-data: ${b64(KEY)}
`;

interface Config {
  clusters: { name: string; cluster: Record<string, string> }[];
  users: unknown;
  'current-context': string;
}

describe('rewriteKubeconfigServer', () => {
  it("replaces every cluster's server and keeps everything else", () => {
    const out = parse(rewriteKubeconfigServer(adminConf, 'https://127.0.0.1:40123')) as Config;
    const before = parse(adminConf) as Config;
    expect(out.clusters.map((c) => c.cluster.server)).toEqual([
      'https://127.0.0.1:40123',
      'https://127.0.0.1:40123',
    ]);
    expect(out.clusters.map((c) => c.cluster['certificate-authority-data'])).toEqual(
      before.clusters.map((c) => c.cluster['certificate-authority-data']),
    );
    expect(out.users).toEqual(before.users);
    expect(out['current-context']).toBe('kubernetes-admin@ha-lab');
  });

  it('rejects a file without clusters', () => {
    expect(() => rewriteKubeconfigServer('kind: Config\n', 'https://x')).toThrow(
      /invalid kubeconfig/,
    );
  });
});

describe('extractKubeconfigCredentials', () => {
  it("decodes the current context's server, CA, client certificate and key", () => {
    expect(extractKubeconfigCredentials(adminConf)).toEqual({
      server: 'https://172.30.5.200:6443',
      caPem: CA,
      certPem: CERT,
      keyPem: KEY,
    });
  });

  it('follows a rewritten server', () => {
    const rewritten = rewriteKubeconfigServer(adminConf, 'https://127.0.0.1:1');
    expect(extractKubeconfigCredentials(rewritten).server).toBe('https://127.0.0.1:1');
  });

  it('refuses credentials that are not embedded', () => {
    const byPath = adminConf.replace(
      /client-key-data: .*/,
      'client-key: /etc/kubernetes/admin.key',
    );
    expect(() => extractKubeconfigCredentials(byPath)).toThrow(/client-key-data/);
  });

  it('refuses a missing current context', () => {
    const broken = adminConf.replace(/current-context: .*/, 'current-context: nope');
    expect(() => extractKubeconfigCredentials(broken)).toThrow(/current context "nope"/);
  });
});
