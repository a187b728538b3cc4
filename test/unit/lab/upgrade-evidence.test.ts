import { describe, expect, it } from 'vitest';
import { enableDns } from '../../../src/lab/kubeadm-config-dns.js';
import {
  liveVersionScript,
  MASTER_COMPONENTS,
  parseLiveVersions,
  WORKER_COMPONENTS,
} from '../../../src/lab/upgrade/live-versions.js';

describe('enableDns', () => {
  it('drops the disabled mark kubeadm records for a skipped CoreDNS phase, keeping the rest', () => {
    const before = 'clusterName: lab\ndns:\n  disabled: true\nkubernetesVersion: v1.35.4\n';
    const after = enableDns(before);
    expect(after).not.toContain('disabled');
    expect(after).toContain('clusterName: lab');
    expect(after).toContain('kubernetesVersion: v1.35.4');
  });

  it('leaves a configuration without the mark exactly as it was', () => {
    const text = 'clusterName: lab\ndns: {}\n';
    expect(enableDns(text)).toBe(text);
    expect(enableDns('dns:\n  disabled: false\n')).toBe('dns:\n  disabled: false\n');
  });
});

describe('live versions', () => {
  it('asks every component of a master by its process, kubelet through systemd', () => {
    const script = liveVersionScript(MASTER_COMPONENTS);
    expect(script).toContain('report kubelet "$(systemctl show -p MainPID --value kubelet)"');
    for (const c of MASTER_COMPONENTS) expect(script).toContain(`report ${c} `);
    expect(script).toContain('/proc/$2/exe --version');
  });

  it('reads each line, and names what is not running or could not say', () => {
    const out = [
      'kubelet v1.36.3 1796528178000',
      'kube-proxy none',
      'kube-apiserver unknown 0',
    ].join('\n');
    expect(parseLiveVersions('m', out, ['kubelet', 'kube-proxy', 'kube-apiserver'])).toEqual([
      { node: 'm', component: 'kubelet', version: 'v1.36.3', startedAt: 1796528178000 },
      { node: 'm', component: 'kube-proxy', version: null, startedAt: null, error: 'not running' },
      {
        node: 'm',
        component: 'kube-apiserver',
        version: null,
        startedAt: null,
        error: 'its executable did not say',
      },
    ]);
  });

  it('counts a component missing from the output as not running', () => {
    expect(parseLiveVersions('w', 'kubelet v1.36.3 1\n', WORKER_COMPONENTS)[1]).toMatchObject({
      component: 'kube-proxy',
      version: null,
      error: 'not running',
    });
  });
});
