import { apiGet, readinessOf } from '../../lab/clients/api-client.js';
import { type ProbeContext, everyInterval } from './probe-context.js';

/** Kubernetes node readiness through the VIP, once a second (kubelet reports every 10 s anyway). */
export function nodesProbe(ctx: ProbeContext): Promise<void> {
  return everyInterval(ctx, Math.max(1000, ctx.options.intervalMs), async () => {
    const at = Date.now();
    const r = await apiGet(ctx.lab.apiUrl, '/api/v1/nodes', ctx.lab.admin, 2000);
    if (r.status !== 200) return;
    ctx.emit({ type: 'nodes', at, ready: readinessOf(r.body) });
  });
}
