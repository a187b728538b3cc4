import { masterApiUrl, readyz } from '../../lab/clients/api-client.js';
import { errorCode } from '../../lab/clients/tls-request.js';
import { masters } from '../../core/topology.js';
import { VIP_TARGET } from '../checkers/index.js';
import { type ProbeContext, everyInterval, memberInterval, tick } from './probe-context.js';

/** Requests through the VIP a scenario may have open at once (50 ms apart, 2 s timeout: 40). */
const MAX_IN_FLIGHT = 64;

/**
 * /readyz through the VIP and on each master, with latency; each target its own loop. With
 * `vipRequestIntervalMs` (scenarios) the VIP gets a new request on a fresh connection every
 * that many ms whether or not earlier ones have answered, so an outage is measured to that
 * resolution instead of to one sample plus a timeout.
 */
export function apiProbe(ctx: ProbeContext): Promise<void>[] {
  const everyFew = ctx.options.vipRequestIntervalMs;
  const timeoutMs = Math.max(500, Math.min(2000, ctx.options.intervalMs * 4));
  const sample = (target: string, url: string) => async () => {
    const at = Date.now();
    try {
      const r = await readyz(url, ctx.lab.admin, everyFew ? 2000 : timeoutMs);
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
  };
  const vip = everyFew
    ? overlapping(ctx, everyFew, sample(VIP_TARGET, ctx.lab.apiUrl))
    : everyInterval(ctx, ctx.options.intervalMs, sample(VIP_TARGET, ctx.lab.apiUrl));
  const members = masters(ctx.lab.topology).map((m) =>
    everyInterval(ctx, memberInterval(ctx.options), sample(m.name, masterApiUrl(m))),
  );
  return [vip, ...members];
}

/** Starts `sample` every interval without waiting for earlier ones, at most MAX_IN_FLIGHT open. */
async function overlapping(
  ctx: ProbeContext,
  intervalMs: number,
  sample: () => Promise<void>,
): Promise<void> {
  const open = new Set<Promise<void>>();
  let next = Date.now();
  while (!ctx.signal.aborted) {
    if (open.size < MAX_IN_FLIGHT) {
      const request = sample().finally(() => open.delete(request));
      open.add(request);
    }
    // After a stall (a busy host) carry on from now rather than fire the missed ones at once.
    next = Math.max(next + intervalMs, Date.now() - intervalMs);
    await tick(Math.max(0, next - Date.now()), ctx.signal);
  }
  await Promise.allSettled(open);
}
