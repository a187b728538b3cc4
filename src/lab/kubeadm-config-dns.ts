import { parseDocument } from 'yaml';
import { type NodeRunner, run } from '../runtime/node-runner.js';
import { adminKubectl } from '../provision/kubeadm.js';

interface ConfigMap {
  data?: Record<string, string>;
}

/**
 * `up` leaves CoreDNS out of `kubeadm init` and deploys it with kubeadm's own addon phase
 * once a second master has joined; kubeadm records the skipped phase as `dns.disabled: true`
 * in the kubeadm-config ConfigMap, and every later `kubeadm upgrade` would then leave CoreDNS
 * at its old version ("The addon is disabled"). CoreDNS runs, so the record says so again.
 */
export async function markDnsAddonEnabled(runner: NodeRunner): Promise<{ dns: string }> {
  const kubectl = adminKubectl(['-n', 'kube-system']);
  const map = JSON.parse(
    await run(runner, [...kubectl, 'get', 'configmap', 'kubeadm-config', '-o', 'json']),
  ) as ConfigMap;
  const text = map.data?.ClusterConfiguration;
  if (text === undefined) throw new Error('kubeadm-config has no ClusterConfiguration');
  const updated = enableDns(text);
  if (updated === text) return { dns: 'already enabled' };
  const patch = JSON.stringify({ data: { ClusterConfiguration: updated } });
  await run(runner, [
    ...kubectl,
    'patch',
    'configmap',
    'kubeadm-config',
    '--type',
    'merge',
    '-p',
    patch,
  ]);
  return { dns: 'enabled' };
}

/** The ClusterConfiguration without `dns.disabled: true` (pure; unchanged text if not there). */
export function enableDns(clusterConfiguration: string): string {
  const doc = parseDocument(clusterConfiguration);
  if (doc.getIn(['dns', 'disabled']) !== true) return clusterConfiguration;
  doc.deleteIn(['dns', 'disabled']);
  return doc.toString();
}
