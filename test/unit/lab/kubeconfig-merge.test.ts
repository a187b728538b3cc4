import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { RuntimeError } from '../../../src/core/errors.js';
import { mergeKubeconfigText } from '../../../src/lab/kubeconfig-merge.js';

interface Named {
  name: string;
  [key: string]: unknown;
}
interface Config {
  clusters: Named[];
  users: Named[];
  contexts: { name: string; context: { cluster: string; user: string } }[];
  'current-context': string;
}

function labKubeconfig(server: string, cert: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'kubernetes', cluster: { server, 'certificate-authority-data': 'Q0E=' } }],
    users: [
      {
        name: 'kubernetes-admin',
        user: { 'client-certificate-data': cert, 'client-key-data': 'S0VZ' },
      },
    ],
    contexts: [
      {
        name: 'kubernetes-admin@kubernetes',
        context: { cluster: 'kubernetes', user: 'kubernetes-admin' },
      },
    ],
    'current-context': 'kubernetes-admin@kubernetes',
  });
}

const EXISTING = stringify({
  apiVersion: 'v1',
  kind: 'Config',
  clusters: [{ name: 'prod', cluster: { server: 'https://prod.example:6443' } }],
  users: [{ name: 'prod-admin', user: { token: 'secret' } }],
  contexts: [{ name: 'prod', context: { cluster: 'prod', user: 'prod-admin' } }],
  'current-context': 'prod',
  preferences: { colors: true },
});

describe('mergeKubeconfigText', () => {
  it('creates a config with the ha-lab-NAME context when there was none', () => {
    const merged = parse(
      mergeKubeconfigText(undefined, labKubeconfig('https://172.30.5.200:6443', 'QQ=='), 'dev'),
    ) as Config;
    expect(merged.contexts).toEqual([
      { name: 'ha-lab-dev', context: { cluster: 'ha-lab-dev', user: 'ha-lab-dev' } },
    ]);
    expect(merged.clusters[0]).toMatchObject({
      name: 'ha-lab-dev',
      cluster: { server: 'https://172.30.5.200:6443' },
    });
    expect(merged.users[0]).toMatchObject({
      name: 'ha-lab-dev',
      user: { 'client-certificate-data': 'QQ==' },
    });
    expect(merged['current-context']).toBe('ha-lab-dev');
  });

  it('adds the lab next to other contexts and keeps them untouched', () => {
    const merged = parse(
      mergeKubeconfigText(EXISTING, labKubeconfig('https://172.30.5.200:6443', 'QQ=='), 'dev'),
    ) as Config & {
      preferences: unknown;
    };
    expect(merged.contexts.map((c) => c.name)).toEqual(['prod', 'ha-lab-dev']);
    expect(merged.clusters.find((c) => c.name === 'prod')).toEqual({
      name: 'prod',
      cluster: { server: 'https://prod.example:6443' },
    });
    expect(merged.users.find((u) => u.name === 'prod-admin')).toEqual({
      name: 'prod-admin',
      user: { token: 'secret' },
    });
    expect(merged.preferences).toEqual({ colors: true });
    expect(merged['current-context']).toBe('ha-lab-dev');
  });

  it('replaces an older copy of the same lab instead of adding a second one', () => {
    const first = mergeKubeconfigText(
      EXISTING,
      labKubeconfig('https://172.30.5.200:6443', 'T0xE'),
      'dev',
    );
    const second = parse(
      mergeKubeconfigText(first, labKubeconfig('https://172.30.9.200:6443', 'TkVX'), 'dev'),
    ) as Config;
    expect(second.clusters.filter((c) => c.name === 'ha-lab-dev')).toHaveLength(1);
    expect(second.users.filter((u) => u.name === 'ha-lab-dev')).toHaveLength(1);
    expect(second.contexts.filter((c) => c.name === 'ha-lab-dev')).toHaveLength(1);
    expect(second.clusters.find((c) => c.name === 'ha-lab-dev')).toMatchObject({
      cluster: { server: 'https://172.30.9.200:6443' },
    });
    expect(second.users.find((u) => u.name === 'ha-lab-dev')).toMatchObject({
      user: { 'client-certificate-data': 'TkVX' },
    });
    expect(second.contexts.map((c) => c.name)).toEqual(['prod', 'ha-lab-dev']);
  });

  it('keeps two labs side by side', () => {
    const one = mergeKubeconfigText(
      EXISTING,
      labKubeconfig('https://172.30.5.200:6443', 'QQ=='),
      'dev',
    );
    const both = parse(
      mergeKubeconfigText(one, labKubeconfig('https://172.30.6.200:6443', 'Qg=='), 'ci'),
    ) as Config;
    expect(both.contexts.map((c) => c.name)).toEqual(['prod', 'ha-lab-dev', 'ha-lab-ci']);
    expect(both['current-context']).toBe('ha-lab-ci');
  });

  it('refuses a lab kubeconfig without a cluster or a user', () => {
    const noUser = stringify({
      clusters: [{ name: 'kubernetes', cluster: { server: 'https://x:6443' } }],
    });
    expect(() => mergeKubeconfigText(EXISTING, noUser, 'dev')).toThrow(RuntimeError);
  });
});
