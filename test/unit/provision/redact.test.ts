import { describe, expect, it } from 'vitest';
import { REDACTED, redactSecrets } from '../../../src/provision/redact.js';

const CERT_KEY = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
const TOKEN = 'abcdef.0123456789abcdef';

describe('redactSecrets', () => {
  it.each(['RSA PRIVATE KEY', 'PRIVATE KEY', 'EC PRIVATE KEY'])('removes %s blocks', (kind) => {
    const text = `before\n-----BEGIN ${kind}-----\nMIIEsecret\nmore\n-----END ${kind}-----\nafter`;
    const out = redactSecrets(text);
    expect(out).not.toContain('MIIEsecret');
    expect(out).toContain('before');
    expect(out).toContain('after');
    expect(out).toContain(REDACTED);
  });

  it('keeps certificates, which are public', () => {
    const cert = '-----BEGIN CERTIFICATE-----\nMIIBpublic\n-----END CERTIFICATE-----';
    expect(redactSecrets(cert)).toBe(cert);
  });

  it('hides the secret half of bootstrap tokens and keeps the public id', () => {
    const out = redactSecrets(
      `kubeadm join 172.30.5.200:6443 --token ${TOKEN} --discovery-token-ca-cert-hash sha256:${'a'.repeat(64)}`,
    );
    expect(out).not.toContain('0123456789abcdef');
    expect(out).toContain(`--token abcdef.${REDACTED}`);
    expect(out).toContain(`sha256:${'a'.repeat(64)}`);
  });

  it('hides kubeadm certificate keys in flags, configs and init output', () => {
    for (const text of [
      `kubeadm join --control-plane --certificate-key ${CERT_KEY}`,
      `kubeadm join --certificate-key=${CERT_KEY}`,
      `certificateKey: ${CERT_KEY}`,
      `certificateKey: "${CERT_KEY}"`,
      `[upload-certs] Using certificate key:\n${CERT_KEY}\n`,
    ]) {
      const out = redactSecrets(text);
      expect(out, text).not.toContain(CERT_KEY);
      expect(out, text).toContain(REDACTED);
    }
  });

  it('hides client-key-data and token values in YAML and JSON', () => {
    const yaml = `users:\n- name: admin\n  user:\n    client-certificate-data: PUBLICCERT\n    client-key-data: SECRETKEY\n    token: SECRETTOKEN\n`;
    const out = redactSecrets(yaml);
    expect(out).not.toContain('SECRETKEY');
    expect(out).not.toContain('SECRETTOKEN');
    expect(out).toContain('client-certificate-data: PUBLICCERT');
    expect(out).toContain(`client-key-data: ${REDACTED}`);
    const json = redactSecrets('{"token": "SECRETTOKEN", "kind": "x"}');
    expect(json).not.toContain('SECRETTOKEN');
    expect(json).toContain('"kind": "x"');
  });

  it('leaves keys that merely end in "token" and their nested values alone', () => {
    const text = 'discovery:\n  bootstrapToken:\n    apiServerEndpoint: 172.30.5.200:6443\n';
    expect(redactSecrets(text)).toBe(text);
  });

  it('leaves ordinary log lines untouched', () => {
    const text =
      'etcd member master-1 is healthy: took 2.1ms\n[init] Using Kubernetes version: v1.36.3';
    expect(redactSecrets(text)).toBe(text);
  });

  it('redacts a certificate key on its own journal line, after the journal prefix', () => {
    const key = 'ab'.repeat(32);
    const journal = `Nov 25 13:02:20 master-0 kubeadm[811]: [upload-certs] Using certificate key:\nNov 25 13:02:20 master-0 kubeadm[811]: ${key}\n`;
    expect(redactSecrets(journal)).not.toContain(key);
    expect(redactSecrets(journal)).toContain('[REDACTED]');
  });
});
