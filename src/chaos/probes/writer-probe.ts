import { apiGet, apiPost } from '../../lab/clients/api-client.js';
import { type TlsIdentity, errorCode, tlsRequest } from '../../lab/clients/tls-request.js';
import { type ProbeContext, tick } from './probe-context.js';

export const RUN_LABEL = 'ha-lab.io/run';
const NAMESPACE = 'default';

/** Errors that prove the request never reached a server: the write certainly did not happen. */
const NOT_SENT = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN']);

/** How many writers write at once: concurrent clients, as a real workload has. */
export const WRITERS = 3;

export function writeKey(runId: string, writer: number | string, seq: number): string {
  return `ha-lab-w-${runId}-${writer}-${seq}`;
}

function configMap(runId: string, name: string, value: string) {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, labels: { [RUN_LABEL]: runId } },
    data: { value },
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
  value = name,
) {
  const started = Date.now();
  try {
    const r = await apiPost(
      apiUrl,
      `/api/v1/namespaces/${NAMESPACE}/configmaps`,
      identity,
      configMap(runId, name, value),
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

/**
 * WRITERS concurrent writers through the VIP, each creating uniquely named objects with a
 * value of its own, one at a time: every operation is recorded with its invoke and complete
 * times and its outcome, for the history checker.
 */
export function writerProbe(ctx: ProbeContext): Promise<void>[] {
  return Array.from({ length: WRITERS }, (_, writer) =>
    (async () => {
      let seq = 0;
      while (!ctx.signal.aborted) {
        const key = writeKey(ctx.options.runId, writer, seq++);
        const value = `${writer}:${seq}:${Math.random().toString(36).slice(2, 8)}`;
        const at = Date.now();
        const { outcome, latencyMs } = await writeOnce(
          ctx.lab.apiUrl,
          ctx.lab.admin,
          ctx.options.runId,
          key,
          2000,
          value,
        );
        ctx.emit({ type: 'write', at, key, outcome, latencyMs, writer, value });
        await tick(ctx.options.writeIntervalMs, ctx.signal);
      }
    })(),
  );
}

/**
 * One reader lists this run's objects through the VIP: the list's resourceVersion is the
 * store revision it read at, which must never go backwards for one client, whichever API
 * server the VIP leads it to.
 */
export function readerProbe(ctx: ProbeContext): Promise<void> {
  const selector = encodeURIComponent(`${RUN_LABEL}=${ctx.options.runId}`);
  const path = `/api/v1/namespaces/${NAMESPACE}/configmaps?labelSelector=${selector}&limit=1`;
  return (async () => {
    while (!ctx.signal.aborted) {
      const at = Date.now();
      let resourceVersion: number | null = null;
      try {
        const r = await apiGet(ctx.lab.apiUrl, path, ctx.lab.admin, 2000);
        if (r.status === 200) {
          const rv = Number((JSON.parse(r.body) as ListMeta).metadata?.resourceVersion);
          resourceVersion = Number.isFinite(rv) ? rv : null;
        }
      } catch {
        // a failed read proves nothing about order
      }
      ctx.emit({
        type: 'read',
        at,
        latencyMs: Date.now() - at,
        ok: resourceVersion !== null,
        resourceVersion,
      });
      await tick(ctx.options.writeIntervalMs, ctx.signal);
    }
  })();
}

interface ListMeta {
  metadata?: { resourceVersion?: string };
}

/** Every object of this run that exists now, read back through the VIP: name -> value. */
export async function readBack(
  apiUrl: string,
  identity: TlsIdentity,
  runId: string,
): Promise<Map<string, string> | undefined> {
  const selector = encodeURIComponent(`${RUN_LABEL}=${runId}`);
  const r = await apiGet(
    apiUrl,
    `/api/v1/namespaces/${NAMESPACE}/configmaps?labelSelector=${selector}`,
    identity,
    10_000,
  );
  if (r.status !== 200) return undefined;
  const list = JSON.parse(r.body) as {
    items: { metadata: { name: string }; data?: { value?: string } }[];
  };
  return new Map(list.items.map((i) => [i.metadata.name, i.data?.value ?? '']));
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
