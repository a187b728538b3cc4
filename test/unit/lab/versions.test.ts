import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import {
  DEFAULT_KUBERNETES_VERSION,
  kubernetesLdflags,
  needsCgroupV1Override,
  resolveKubernetesVersion,
} from '../../../src/lab/versions.js';

function thrown(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error('expected a UsageError');
}

describe('resolveKubernetesVersion', () => {
  it('resolves a bare minor to its known patch release', () => {
    expect(resolveKubernetesVersion('1.36')).toEqual({
      version: 'v1.36.3',
      major: 1,
      minor: 36,
      patch: 3,
    });
    expect(resolveKubernetesVersion('v1.34').version).toBe('v1.34.4');
  });

  it('keeps an exact version as given', () => {
    expect(resolveKubernetesVersion('v1.35.4')).toEqual({
      version: 'v1.35.4',
      major: 1,
      minor: 35,
      patch: 4,
    });
    expect(resolveKubernetesVersion('1.35.2').version).toBe('v1.35.2');
  });

  it('defaults to the default version when none is given', () => {
    expect(resolveKubernetesVersion(undefined).version).toBe(DEFAULT_KUBERNETES_VERSION);
  });

  it('refuses 1.33 as too old, naming the supported range', () => {
    const error = thrown(() => resolveKubernetesVersion('1.33'));
    expect(error.code).toBe('unsupported-kubernetes-version');
    expect(error.message).toBe(
      'Kubernetes 1.33 is not supported: use 1.34 to 1.36 (1.37+ needs containerd 2.x in the node image)',
    );
  });

  it('refuses 1.37 and says it needs containerd 2.x', () => {
    const error = thrown(() => resolveKubernetesVersion('v1.37.0'));
    expect(error.code).toBe('unsupported-kubernetes-version');
    expect(error.message).toContain('1.37.0 is not supported');
    expect(error.message).toContain('containerd 2.x');
  });

  it.each(['latest', '1', '1.36.x', 'v2'])('refuses the malformed %j', (input) => {
    const error = thrown(() => resolveKubernetesVersion(input));
    expect(error.code).toBe('invalid-kubernetes-version');
    expect(error.message).toContain(`"${input}"`);
  });

  it('refuses a major other than 1', () => {
    expect(thrown(() => resolveKubernetesVersion('2.36')).code).toBe(
      'unsupported-kubernetes-version',
    );
  });
});

describe('kubernetesLdflags', () => {
  const flags = kubernetesLdflags(resolveKubernetesVersion('v1.36.3'));

  it('stamps the version into component-base and client-go alike', () => {
    for (const pkg of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
      expect(flags).toContain(`-X ${pkg}.gitVersion=v1.36.3`);
      expect(flags).toContain(`-X ${pkg}.gitMajor=1`);
      expect(flags).toContain(`-X ${pkg}.gitMinor=36`);
      expect(flags).toContain(`-X ${pkg}.gitTreeState=clean`);
    }
  });

  it('is one flag per -X, with no spaces inside values', () => {
    const parts = flags.split(' ');
    expect(parts.filter((p) => p === '-X')).toHaveLength(10);
  });
});

describe('needsCgroupV1Override', () => {
  it('applies from 1.35 on cgroup v1 hosts only', () => {
    expect(needsCgroupV1Override(resolveKubernetesVersion('1.34'), true)).toBe(false);
    expect(needsCgroupV1Override(resolveKubernetesVersion('1.35'), true)).toBe(true);
    expect(needsCgroupV1Override(resolveKubernetesVersion('1.36'), false)).toBe(false);
  });
});
