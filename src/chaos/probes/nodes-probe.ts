import { apiGet, readinessOf } from '../../lab/clients/api-client.js';
import { NODE_LEASES_PATH, leaseRenewals } from '../../lab/evidence/lab-evidence.js';
import { type ProbeContext, everyInterval } from './probe-context.js';

/**
 * Kubernetes node readiness through the VIP, once a second (kubelet reports every 10 s
 * anyway), with each kubelet's lease renewal: Ready alone stays True for the node monitor's
 * grace period after a kubelet dies, the lease shows whether it is still fresh.
 */
export function nodesProbe(ctx: ProbeContext): Promise<void> {
  return everyInterval(ctx, Math.max(1000, ctx.options.intervalMs), async () => {
    const at = Date.now();
    const [nodes, leases] = await Promise.all([
      apiGet(ctx.lab.apiUrl, '/api/v1/nodes', ctx.lab.admin, 2000),
      apiGet(ctx.lab.apiUrl, NODE_LEASES_PATH, ctx.lab.admin, 2000).catch(() => undefined),
    ]);
    if (nodes.status !== 200) return;
    ctx.emit({
      type: 'nodes',
      at,
      ready: readinessOf(nodes.body),
      ...(leases?.status === 200 ? { leases: leaseRenewals(leases.body) } : {}),
    });
  });
}
