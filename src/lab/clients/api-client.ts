import { API_PORT } from '../../core/topology.js';
import { waitFor } from '../../core/wait.js';
import { extractKubeconfigCredentials } from '../../provision/kubeconfig.js';
import { type HttpResult, type TlsIdentity, tlsRequest } from './tls-request.js';

/** The admin identity from the lab's kubeconfig, for host-side API calls. */
export function adminIdentity(kubeconfigYaml: string): TlsIdentity & { server: string } {
  const creds = extractKubeconfigCredentials(kubeconfigYaml);
  return { ca: creds.caPem, cert: creds.certPem, key: creds.keyPem, server: creds.server };
}

/** The API server on one master, asked directly rather than through the VIP. */
export function masterApiUrl(master: { ip: string }): string {
  return `https://${master.ip}:${API_PORT}`;
}

/** /readyz answered 200 in time; a refusal, an error or a timeout all mean "not ready". */
export function isReady(
  baseUrl: string,
  identity: TlsIdentity,
  timeoutMs = 2000,
): Promise<boolean> {
  return readyz(baseUrl, identity, timeoutMs)
    .then((r) => r.status === 200)
    .catch(() => false);
}

/** Waits, cancellable and bounded, until an API server answers /readyz with 200. */
export async function waitForReady(
  baseUrl: string,
  identity: TlsIdentity,
  what: string,
  options: { timeoutMs: number; signal?: AbortSignal | undefined },
): Promise<void> {
  await waitFor(async () => ((await isReady(baseUrl, identity)) ? true : undefined), {
    what,
    ...options,
  });
}

export async function readyz(
  baseUrl: string,
  identity: TlsIdentity,
  timeoutMs = 1000,
): Promise<HttpResult> {
  return tlsRequest(`${baseUrl}/readyz`, identity, { timeoutMs });
}

export async function apiGet(
  baseUrl: string,
  path: string,
  identity: TlsIdentity,
  timeoutMs = 3000,
): Promise<HttpResult> {
  return tlsRequest(`${baseUrl}${path}`, identity, { timeoutMs });
}

export async function apiPost(
  baseUrl: string,
  path: string,
  identity: TlsIdentity,
  body: unknown,
  timeoutMs = 3000,
): Promise<HttpResult> {
  return tlsRequest(`${baseUrl}${path}`, identity, {
    method: 'POST',
    body: JSON.stringify(body),
    timeoutMs,
  });
}

interface NodeList {
  items: {
    metadata: { name: string };
    status: { conditions?: { type: string; status: string; lastHeartbeatTime?: string }[] };
  }[];
}

/** Nodes whose Ready counts only when their kubelet posted it at or after `sinceMs`. */
export interface FreshReadiness {
  sinceMs: number;
  nodes: readonly string[];
}

/**
 * Node name -> Ready condition ("True", "False", "Unknown") from a NodeList as JSON text. With
 * `fresh`, a listed node's condition posted before `sinceMs` reads "stale" (right after an
 * engine restart the API still lists the Ready its nodes had before, and the node controller
 * may yet turn one Unknown). Heartbeats have whole seconds, so `sinceMs` is taken down to its
 * second.
 */
export function readinessOf(nodeListJson: string, fresh?: FreshReadiness): Record<string, string> {
  const list = JSON.parse(nodeListJson) as NodeList;
  const since = fresh ? Math.floor(fresh.sinceMs / 1000) * 1000 : 0;
  const ready: Record<string, string> = {};
  for (const item of list.items) {
    const name = item.metadata.name;
    const condition = item.status.conditions?.find((c) => c.type === 'Ready');
    const beat = condition?.lastHeartbeatTime ? Date.parse(condition.lastHeartbeatTime) : NaN;
    const stale = fresh?.nodes.includes(name) === true && !(beat >= since);
    ready[name] = !condition ? 'Unknown' : stale ? 'stale' : condition.status;
  }
  return ready;
}
