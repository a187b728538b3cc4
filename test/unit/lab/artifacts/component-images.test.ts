import { describe, expect, it } from 'vitest';
import { parseImageList, tagOf } from '../../../../src/lab/artifacts/component-images.js';

/** What `kubeadm config images list` prints for v1.36.3 with an external etcd. */
const LIST = `registry.k8s.io/kube-apiserver:v1.36.3
registry.k8s.io/kube-controller-manager:v1.36.3
registry.k8s.io/kube-scheduler:v1.36.3
registry.k8s.io/kube-proxy:v1.36.3
registry.k8s.io/coredns/coredns:v1.14.2
registry.k8s.io/pause:3.10.2
`;

describe('parseImageList', () => {
  it('maps each component to the exact image kubeadm expects', () => {
    expect(parseImageList(LIST)).toEqual({
      apiserver: 'registry.k8s.io/kube-apiserver:v1.36.3',
      controllerManager: 'registry.k8s.io/kube-controller-manager:v1.36.3',
      scheduler: 'registry.k8s.io/kube-scheduler:v1.36.3',
      proxy: 'registry.k8s.io/kube-proxy:v1.36.3',
      coredns: 'registry.k8s.io/coredns/coredns:v1.14.2',
      pause: 'registry.k8s.io/pause:3.10.2',
    });
  });

  it('ignores an etcd line, blank lines and surrounding spaces', () => {
    const withEtcd = `\n  ${LIST.replace('\n', '\nregistry.k8s.io/etcd:3.6.5-0\n')}  \n\n`;
    const images = parseImageList(withEtcd);
    expect(images.apiserver).toBe('registry.k8s.io/kube-apiserver:v1.36.3');
    expect(Object.values(images)).not.toContain('registry.k8s.io/etcd:3.6.5-0');
  });

  it('does not mistake kube-proxy-like names for the component', () => {
    const tricky = LIST.replace(
      'registry.k8s.io/pause:3.10.2',
      'registry.k8s.io/pause-helper:1\nregistry.k8s.io/pause:3.10.2',
    );
    expect(parseImageList(tricky).pause).toBe('registry.k8s.io/pause:3.10.2');
  });

  it('follows a custom image repository', () => {
    const mirrored = LIST.replaceAll('registry.k8s.io', 'mirror.local:5000/k8s');
    expect(parseImageList(mirrored).coredns).toBe('mirror.local:5000/k8s/coredns/coredns:v1.14.2');
  });

  it('fails naming the component kubeadm did not list', () => {
    const noPause = LIST.split('\n')
      .filter((l) => !l.includes('pause'))
      .join('\n');
    expect(() => parseImageList(noPause)).toThrow(
      'kubeadm config images list did not name a pause image',
    );
  });
});

describe('tagOf', () => {
  it('returns the tag after the last colon, even with a registry port', () => {
    expect(tagOf('registry.k8s.io/pause:3.10.2')).toBe('3.10.2');
    expect(tagOf('mirror.local:5000/k8s/coredns/coredns:v1.14.2')).toBe('v1.14.2');
  });
});
