import { apiGet, apiPost } from '../../lab/clients/api-client.js';
import { type TlsIdentity, errorCode, tlsRequest } from '../../lab/clients/tls-request.js';
import { type ProbeContext, tick } from './probe-context.js';

export const RUN_LABEL = 'ha-lab.io/run';
const NAMESPACE = 'default';

/** Errors that prove the request never reached a server: the write certainly did not happen. */
const NOT_SENT = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN']);

export function writeKey(runId: string, seq: number): string {
  return `ha-lab-w-${runId}-${seq}`;
}

function configMap(runId: string, name: string) {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, labels: { [RUN_LABEL]: runId } },
    data: { at: new Date().toISOString() },
  };
}

/**
 * Outcome of one write (Jepsen's model): ok when acknowledged, failed when it provably did not
 * happen (refused connection, 4xx), unknown otherwise (timeout, reset, 5xx: it may have been
 * committed). Only acknowledged writes must survive.
 */
export async function writeOnce(
  apiUrl: string,
  identity: TlsIdentity,
  runId: string,
  name: string,
  timeoutMs: number,
) {
  const started = Date.now();
  try {
    const r = await apiPost(
      apiUrl,
      `/api/v1/namespaces/${NAMESPACE}/configmaps`,
      identity,
      configMap(runId, name),
      timeoutMs,
    );
    const outcome: 'ok' | 'failed' | 'unknown' =
      r.status === 201 ? 'ok' : r.status >= 400 && r.status < 500 ? 'failed' : 'unknown';
    return { outcome, latencyMs: Date.now() - started };
  } catch (error) {
    return {
      outcome: NOT_SENT.has(errorCode(error)) ? ('failed' as const) : ('unknown' as const),
      latencyMs: Date.now() - started,
    };
  }
}

export function writerProbe(ctx: ProbeContext): Promise<void> {
  return (async () => {
    let seq = 0;
    while (!ctx.signal.aborted) {
      const key = writeKey(ctx.options.runId, seq++);
      const at = Date.now();
      const { outcome, latencyMs } = await writeOnce(
        ctx.lab.apiUrl,
        ctx.lab.admin,
        ctx.options.runId,
        key,
        2000,
      );
      ctx.emit({ type: 'write', at, key, outcome, latencyMs });
      await tick(ctx.options.writeIntervalMs, ctx.signal);
    }
  })();
}

/** Every object of this run that exists now, read back through the VIP. */
export async function readBack(
  apiUrl: string,
  identity: TlsIdentity,
  runId: string,
): Promise<Set<string> | undefined> {
  const selector = encodeURIComponent(`${RUN_LABEL}=${runId}`);
  const r = await apiGet(
    apiUrl,
    `/api/v1/namespaces/${NAMESPACE}/configmaps?labelSelector=${selector}`,
    identity,
    10_000,
  );
  if (r.status !== 200) return undefined;
  const list = JSON.parse(r.body) as { items: { metadata: { name: string } }[] };
  return new Set(list.items.map((i) => i.metadata.name));
}

/** Removes this run's objects so soaks do not grow etcd. */
export async function deleteRunObjects(
  apiUrl: string,
  identity: TlsIdentity,
  runId: string,
): Promise<void> {
  const selector = encodeURIComponent(`${RUN_LABEL}=${runId}`);
  await tlsRequest(
    `${apiUrl}/api/v1/namespaces/${NAMESPACE}/configmaps?labelSelector=${selector}`,
    identity,
    { method: 'DELETE', timeoutMs: 15_000 },
  );
}
