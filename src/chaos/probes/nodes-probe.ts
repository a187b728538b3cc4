import { apiGet } from '../../lab/clients/api-client.js';
import { type ProbeContext, everyInterval } from './probe-context.js';

interface NodeList {
  items: {
    metadata: { name: string };
    status: { conditions?: { type: string; status: string }[] };
  }[];
}

/** Kubernetes node readiness through the VIP, once a second (kubelet reports every 10 s anyway). */
export function nodesProbe(ctx: ProbeContext): Promise<void> {
  return everyInterval(ctx, Math.max(1000, ctx.options.intervalMs), async () => {
    const at = Date.now();
    const r = await apiGet(ctx.lab.apiUrl, '/api/v1/nodes', ctx.lab.admin, 2000);
    if (r.status !== 200) return;
    const list = JSON.parse(r.body) as NodeList;
    const ready: Record<string, string> = {};
    for (const item of list.items)
      ready[item.metadata.name] =
        item.status.conditions?.find((c) => c.type === 'Ready')?.status ?? 'Unknown';
    ctx.emit({ type: 'nodes', at, ready });
  });
}
