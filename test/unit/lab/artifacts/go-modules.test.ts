import { describe, expect, it } from 'vitest';
import { renderKubernetesWrapper } from '../../../../src/lab/artifacts/go-modules.js';
import { KUBERNETES_COMMANDS } from '../../../../src/lab/versions.js';

const STAGING = [
  'api',
  'apimachinery',
  'client-go',
  'component-base',
  'kube-proxy',
  'kubectl',
  'sample-cli-plugin',
];

/** Shaped like k8s.io/kubernetes' own go.mod: a require block and staging replaces. */
const KUBERNETES_GO_MOD = [
  '// This is a generated file. Do not edit directly.',
  '',
  'module k8s.io/kubernetes',
  '',
  'go 1.26.1',
  '',
  'require (',
  '\tgithub.com/blang/semver/v4 v4.0.0',
  '\tk8s.io/api v0.0.0',
  '\tk8s.io/client-go v0.0.0',
  ')',
  '',
  'replace (',
  ...STAGING.map((m) => `\tk8s.io/${m} => ./staging/src/k8s.io/${m}`),
  '\tgithub.com/example/fork => github.com/example/fork v1.2.3',
  ')',
  '',
].join('\n');

interface Replace {
  from: string;
  to: string;
  version: string;
}

function parseReplaces(goMod: string): Replace[] {
  const block = /^replace \(\n([\s\S]*?)^\)/m.exec(goMod)?.[1] ?? '';
  return block
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const match = /^(\S+) => (\S+) (\S+)$/.exec(line);
      if (!match) throw new Error(`unexpected replace line ${JSON.stringify(line)}`);
      return { from: match[1] ?? '', to: match[2] ?? '', version: match[3] ?? '' };
    });
}

describe('renderKubernetesWrapper', () => {
  const rendered = renderKubernetesWrapper('v1.35.4', KUBERNETES_GO_MOD);

  it('pins every staging module to its published v0.x twin of the same patch', () => {
    const replaces = parseReplaces(rendered);
    expect(replaces.map((r) => r.from).sort()).toEqual(STAGING.map((m) => `k8s.io/${m}`).sort());
    for (const r of replaces) {
      expect(r.to).toBe(r.from);
      expect(r.version).toBe('v0.35.4');
    }
  });

  it('leaves no path replace behind and copies no non-staging replace', () => {
    expect(rendered).not.toContain('./staging');
    expect(rendered).not.toContain('github.com/example/fork');
  });

  it('requires k8s.io/kubernetes at the exact version', () => {
    expect(rendered).toMatch(/^require k8s\.io\/kubernetes v1\.35\.4$/m);
  });

  it('declares a tool line for each of the seven commands', () => {
    const tools = [...rendered.matchAll(/^tool (\S+)$/gm)].map((m) => m[1]);
    expect(KUBERNETES_COMMANDS).toHaveLength(7);
    expect(tools).toEqual(KUBERNETES_COMMANDS.map((c) => `k8s.io/kubernetes/cmd/${c}`));
  });

  it('keeps the go directive of the Kubernetes module', () => {
    expect(rendered).toMatch(/^go 1\.26\.1$/m);
    expect(rendered).toMatch(/^module ha-lab\.local\/kubernetes-build$/m);
  });
});
