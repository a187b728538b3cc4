import { httpGet } from '../../lab/clients/http-get.js';
import { errorCode } from '../../lab/clients/tls-request.js';
import { type ProbeContext, everyInterval } from './probe-context.js';

/** A worker that has not answered in a second is, to a client, not answering. */
const REQUEST_TIMEOUT_MS = 1000;

/**
 * The scenario's workload through each worker's NodePort, each worker its own loop: every
 * interval one GET on a fresh connection, recording which pod answered, so the checker can
 * tell "this path was down" from "nobody answered anywhere".
 */
export function workloadProbe(ctx: ProbeContext): Promise<void>[] {
  const workload = ctx.options.workload;
  if (!workload) return [];
  return workload.workers.map((path) =>
    everyInterval(ctx, ctx.options.intervalMs, async () => {
      const at = Date.now();
      try {
        const r = await httpGet(path.url, REQUEST_TIMEOUT_MS);
        const ok = r.status === 200 && r.body.startsWith('ok');
        const pod = ok ? r.body.slice(2).trim() : '';
        ctx.emit({
          type: 'workload',
          at,
          worker: path.name,
          ok,
          latencyMs: Math.round(r.latencyMs),
          detail: `HTTP ${r.status}${pod ? ` ${pod}` : ''}`,
        });
      } catch (error) {
        ctx.emit({
          type: 'workload',
          at,
          worker: path.name,
          ok: false,
          latencyMs: Date.now() - at,
          detail: errorCode(error),
        });
      }
    }),
  );
}
