import { type FreshReadiness, readinessOf } from '../clients/api-client.js';
import { waitFor } from '../../core/wait.js';
import type { NodeRunner } from '../../runtime/node-runner.js';
import { type Action, onNode } from '../action.js';
import type { LabContext } from '../lab-context.js';
import { masters } from '../../core/topology.js';
import { leaseRenewals } from '../evidence/lab-evidence.js';
import { adminKubectl } from '../../provision/kubeadm.js';

export function kubectl(args: string[]): string[] {
  return adminKubectl(['--request-timeout=5s', ...args]);
}

/** Node name -> Ready status ("True", "False", "Unknown"), as the API server reports it. */
export async function nodeReadiness(
  runner: NodeRunner,
  fresh?: FreshReadiness,
): Promise<Record<string, string> | undefined> {
  const result = await runner.exec(kubectl(['get', 'nodes', '-o', 'json']), { timeoutMs: 15_000 });
  if (result.exitCode !== 0) return undefined;
  return readinessOf(result.stdout, fresh);
}

/** Any master that answers will do: after a fault master-0 may be gone. */
export function anyMasterRunner(ctx: Pick<LabContext, 'topology' | 'runners'>): NodeRunner[] {
  return masters(ctx.topology)
    .map((m) => ctx.runners[m.name])
    .filter((r): r is NodeRunner => Boolean(r));
}

export const clusterReadyAction: Action<LabContext> = {
  name: 'cluster-ready',
  async run(ctx) {
    const runner = anyMasterRunner(ctx)[0];
    if (!runner) throw new Error('no master runner');
    const names = ctx.topology.nodes.map((n) => n.name);
    await onNode(runner.node, async () => {
      await waitFor(
        async () => {
          const ready = await nodeReadiness(runner);
          return ready && names.every((n) => ready[n] === 'True') ? true : undefined;
        },
        {
          what: 'all six nodes to be Ready',
          timeoutMs: 180_000,
          intervalMs: 500,
          signal: ctx.signal,
        },
      );
      // CoreDNS was deployed during the joins (kubeadm-actions.ts); wait for both replicas.
      await waitFor(
        async () => {
          const r = await runner.exec(
            kubectl([
              '-n',
              'kube-system',
              'get',
              'deployment',
              'coredns',
              '-o',
              'jsonpath={.status.updatedReplicas}/{.status.readyReplicas}/{.status.replicas}',
            ]),
          );
          const [updated, ready, total] = r.stdout.trim().split('/');
          return r.exitCode === 0 && ready && ready === total && updated === total
            ? true
            : undefined;
        },
        { what: 'CoreDNS to be ready', timeoutMs: 120_000, intervalMs: 500, signal: ctx.signal },
      );
      // A kubelet's first lease comes about 10 s after its Node registered (its lease
      // controller backs off while TLS bootstrap runs), and `status`, like every verdict,
      // judges nodes by their leases: hand over a lab it calls whole.
      await waitFor(
        async () => {
          const r = await runner.exec(
            kubectl(['-n', 'kube-node-lease', 'get', 'leases', '-o', 'json']),
            {
              timeoutMs: 15_000,
            },
          );
          if (r.exitCode !== 0) return undefined;
          const renewed = leaseRenewals(r.stdout);
          return names.every((n) => typeof renewed[n] === 'number') ? true : undefined;
        },
        {
          what: 'every kubelet to renew its lease',
          timeoutMs: 60_000,
          intervalMs: 500,
          signal: ctx.signal,
        },
      );
    });
  },
};
