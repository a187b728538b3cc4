import { readyz } from '../../lab/clients/api-client.js';
import { errorCode } from '../../lab/clients/tls-request.js';
import { API_PORT, masters } from '../../core/topology.js';
import { VIP_TARGET } from '../checkers/index.js';
import { type ProbeContext, everyInterval, memberInterval } from './probe-context.js';

/** /readyz through the VIP and on each master, with latency; each target its own loop. */
export function apiProbe(ctx: ProbeContext): Promise<void>[] {
  const targets = [
    { target: VIP_TARGET, url: ctx.lab.apiUrl, intervalMs: ctx.options.intervalMs },
    ...masters(ctx.lab.topology).map((m) => ({
      target: m.name,
      url: `https://${m.ip}:${API_PORT}`,
      intervalMs: memberInterval(ctx.options),
    })),
  ];
  const timeoutMs = Math.max(500, Math.min(2000, ctx.options.intervalMs * 4));
  return targets.map(({ target, url, intervalMs }) =>
    everyInterval(ctx, intervalMs, async () => {
      const at = Date.now();
      try {
        const r = await readyz(url, ctx.lab.admin, timeoutMs);
        ctx.emit({
          type: 'api',
          at,
          target,
          ok: r.status === 200,
          latencyMs: Math.round(r.latencyMs),
          detail: `HTTP ${r.status}`,
        });
      } catch (error) {
        ctx.emit({
          type: 'api',
          at,
          target,
          ok: false,
          latencyMs: Date.now() - at,
          detail: errorCode(error),
        });
      }
    }),
  );
}
