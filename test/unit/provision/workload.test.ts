import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { WORKLOAD_NAMESPACE, renderWorkloadManifests } from '../../../src/provision/workload.js';

// The documents are plain data; tests index into them freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;

function docs(text: string): Map<string, Doc> {
  const byKind = new Map<string, Doc>();
  for (const doc of parseAllDocuments(text)) {
    expect(doc.errors).toEqual([]);
    const json = doc.toJS() as Doc;
    expect(byKind.has(json.kind)).toBe(false);
    byKind.set(json.kind, json);
  }
  return byKind;
}

const IMAGE = 'ha-lab/probe-app:0123456789ab';

describe('renderWorkloadManifests', () => {
  const manifests = docs(renderWorkloadManifests({ image: IMAGE }));
  const deployment = manifests.get('Deployment');
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];

  it('puts a Namespace first, then the Deployment, the PodDisruptionBudget and the Service in it', () => {
    expect([...manifests.keys()]).toEqual([
      'Namespace',
      'Deployment',
      'PodDisruptionBudget',
      'Service',
    ]);
    expect(manifests.get('Namespace').metadata.name).toBe(WORKLOAD_NAMESPACE);
    for (const kind of ['Deployment', 'PodDisruptionBudget', 'Service'])
      expect(manifests.get(kind).metadata.namespace).toBe(WORKLOAD_NAMESPACE);
  });

  it('runs two replicas of the local image by default, never pulling it', () => {
    expect(deployment.spec.replicas).toBe(2);
    expect(container.image).toBe(IMAGE);
    expect(container.imagePullPolicy).toBe('Never');
  });

  it('keeps the replicas off control-plane nodes and on distinct workers', () => {
    const terms = pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution;
    expect(terms.nodeSelectorTerms[0].matchExpressions).toEqual([
      { key: 'node-role.kubernetes.io/control-plane', operator: 'DoesNotExist' },
    ]);
    const anti = pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution;
    expect(anti).toEqual([
      {
        labelSelector: { matchLabels: deployment.spec.selector.matchLabels },
        topologyKey: 'kubernetes.io/hostname',
      },
    ]);
    expect(deployment.spec.template.metadata.labels).toMatchObject(
      deployment.spec.selector.matchLabels,
    );
  });

  it('leaves the endpoints before it stops answering: preStop sleep within the grace period', () => {
    expect(container.lifecycle.preStop).toEqual({ sleep: { seconds: 5 } });
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(5);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/', port: 8080 });
  });

  it('lets a drain take at most all but one replica', () => {
    const pdb = manifests.get('PodDisruptionBudget');
    expect(pdb.apiVersion).toBe('policy/v1');
    expect(pdb.spec).toEqual({
      minAvailable: 1,
      selector: { matchLabels: deployment.spec.selector.matchLabels },
    });
  });

  it('exposes the pods on a fixed NodePort that any worker forwards', () => {
    const service = manifests.get('Service');
    expect(service.spec.type).toBe('NodePort');
    expect(service.spec.externalTrafficPolicy).toBe('Cluster');
    expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(service.spec.ports).toEqual([
      { name: 'http', port: 80, targetPort: 8080, nodePort: 30080 },
    ]);
  });

  it('takes the replicas, nodePort and namespace it is given', () => {
    const custom = docs(
      renderWorkloadManifests({ image: IMAGE, replicas: 3, nodePort: 31000, namespace: 'x' }),
    );
    expect(custom.get('Deployment').spec.replicas).toBe(3);
    expect(custom.get('Service').spec.ports[0].nodePort).toBe(31000);
    expect(custom.get('Namespace').metadata.name).toBe('x');
    expect(custom.get('Service').metadata.namespace).toBe('x');
  });

  it('refuses fewer than two replicas and a nodePort outside the NodePort range', () => {
    expect(() => renderWorkloadManifests({ image: IMAGE, replicas: 1 })).toThrow(/at least 2/);
    expect(() => renderWorkloadManifests({ image: IMAGE, nodePort: 8080 })).toThrow(/30000-32767/);
  });
});
