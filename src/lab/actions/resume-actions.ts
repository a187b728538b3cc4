import { waitFor } from '../../core/wait.js';
import { type Action, onNode } from '../action.js';
import type { LabContext } from '../lab-context.js';
import { labStatus } from '../status.js';
import { anyMasterRunner, clusterReadyAction, kubectl } from './cluster-ready.js';

interface LeaseList {
  items: { metadata: { name: string }; spec: { renewTime?: string } }[];
}

/**
 * Right after an engine restart the API still lists every node Ready (the node controller
 * waits 40 s before it doubts a node), so readiness alone proves nothing. A kubelet renews
 * its lease every 10 s: a lease renewed after the restart began is a kubelet alive again.
 */
const kubeletsBack: Action<LabContext> = {
  name: 'kubelets',
  async run(ctx) {
    const since = Date.now();
    const runner = anyMasterRunner(ctx)[0];
    if (!runner) throw new Error('no master runner');
    const names = ctx.topology.nodes.map((n) => n.name);
    await onNode(runner.node, () =>
      waitFor(
        async () => {
          const r = await runner.exec(
            kubectl(['-n', 'kube-node-lease', 'get', 'leases', '-o', 'json']),
            { timeoutMs: 15_000 },
          );
          if (r.exitCode !== 0) return undefined;
          const renewed = new Map(
            (JSON.parse(r.stdout) as LeaseList).items.map((l) => [
              l.metadata.name,
              Date.parse(l.spec.renewTime ?? '') || 0,
            ]),
          );
          return names.every((n) => (renewed.get(n) ?? 0) >= since - 1000) ? true : undefined;
        },
        {
          what: 'every kubelet to renew its lease',
          timeoutMs: 180_000,
          intervalMs: 1000,
          signal: ctx.signal,
        },
      ),
    );
  },
};

/** Whole by the same definition `status` uses: one VIP holder, etcd, every API server, nodes. */
const wholeAgain: Action<LabContext> = {
  name: 'healthy',
  async run(ctx) {
    await waitFor(async () => ((await labStatus(ctx.lab)).healthy ? true : undefined), {
      what: 'the lab to be healthy (ha-lab status)',
      timeoutMs: 120_000,
      intervalMs: 2000,
      signal: ctx.signal,
    });
  },
};

/** After an engine restart the units come back by themselves; wait until the cluster is whole. */
export function haResumeActions(): Action<LabContext>[] {
  return [kubeletsBack, clusterReadyAction, wholeAgain];
}
