import { isMap, isSeq, parse, parseDocument } from 'yaml';
import { RuntimeError } from '../core/errors.js';

/**
 * admin.conf with every cluster's server replaced, e.g. by the VIP or by a 127.0.0.1
 * forwarder on the host. Edits the YAML document in place so everything else is kept.
 */
export function rewriteKubeconfigServer(kubeconfigYaml: string, serverUrl: string): string {
  const doc = parseDocument(kubeconfigYaml);
  if (doc.errors.length > 0) throw invalid(doc.errors[0]?.message ?? 'unparsable YAML');
  const clusters = doc.get('clusters');
  if (!isSeq(clusters)) throw invalid('no clusters list');
  for (const entry of clusters.items) {
    const cluster = isMap(entry) ? entry.get('cluster') : undefined;
    if (!isMap(cluster)) throw invalid('a clusters entry has no cluster map');
    cluster.set('server', serverUrl);
  }
  return doc.toString();
}

export interface KubeconfigCredentials {
  server: string;
  caPem: string;
  certPem: string;
  keyPem: string;
}

interface Kubeconfig {
  'current-context'?: string;
  contexts?: { name?: string; context?: { cluster?: string; user?: string } }[];
  clusters?: {
    name?: string;
    cluster?: { server?: string; 'certificate-authority-data'?: string };
  }[];
  users?: {
    name?: string;
    user?: { 'client-certificate-data'?: string; 'client-key-data'?: string };
  }[];
}

/** The current context's server and embedded TLS material, decoded, for host-side probes. */
export function extractKubeconfigCredentials(kubeconfigYaml: string): KubeconfigCredentials {
  const config = parse(kubeconfigYaml) as Kubeconfig | null;
  const contextName = config?.['current-context'];
  const context = config?.contexts?.find((c) => c.name === contextName)?.context;
  if (!context) throw invalid(`current context "${contextName ?? ''}" not found`);
  const cluster = config?.clusters?.find((c) => c.name === context.cluster)?.cluster;
  const user = config?.users?.find((u) => u.name === context.user)?.user;
  if (!cluster?.server) throw invalid(`cluster "${context.cluster ?? ''}" has no server`);
  return {
    server: cluster.server,
    caPem: decode(cluster['certificate-authority-data'], 'certificate-authority-data'),
    certPem: decode(user?.['client-certificate-data'], 'client-certificate-data'),
    keyPem: decode(user?.['client-key-data'], 'client-key-data'),
  };
}

function decode(value: string | undefined, field: string): string {
  if (!value) throw invalid(`no ${field} (ha-lab needs embedded credentials)`);
  return Buffer.from(value, 'base64').toString('utf8');
}

function invalid(detail: string): RuntimeError {
  return new RuntimeError('invalid-kubeconfig', `invalid kubeconfig: ${detail}`);
}
