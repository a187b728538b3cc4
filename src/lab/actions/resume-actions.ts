import { readFile } from 'node:fs/promises';
import { waitFor } from '../../core/wait.js';
import { apiBaseUrl } from '../access.js';
import type { Action } from '../action.js';
import { adminIdentity } from '../clients/api-client.js';
import { type WholeRequirement, judgeWhole } from '../evidence/judge-whole.js';
import { gatherLabEvidence } from '../evidence/lab-evidence.js';
import type { LabContext } from '../lab-context.js';
import { loadProbeCredentials } from '../pki-files.js';
import { anyMasterRunner, clusterReadyAction, nodeReadiness } from './cluster-ready.js';
import { kubeconfigPath } from './kubeadm-actions.js';

/**
 * Right after an engine restart the API still lists every node Ready (the node controller
 * waits 40 s before it doubts a node), so readiness proves nothing. The lab is back when it
 * is whole by the one definition scenarios use, on fresh evidence: every kubelet renewed its
 * lease after the resume began, and every process of a node that was stopped started again.
 */
export function wholeAgain(stopped: string[], since: number): Action<LabContext> {
  return {
    name: 'healthy',
    async run(ctx) {
      const kubeconfig = await readFile(kubeconfigPath(ctx.stateDir), 'utf8');
      const access = {
        topology: ctx.topology,
        provider: ctx.provider,
        runners: ctx.runners,
        admin: adminIdentity(kubeconfig),
        etcdProbe: await loadProbeCredentials(ctx.stateDir),
        apiUrl: apiBaseUrl(ctx.state, ctx.topology),
      };
      const requirement: WholeRequirement = {
        nodes: ctx.topology.nodes.map((n) => ({
          name: n.name,
          role: n.role,
          since,
          ...(stopped.includes(n.name) ? { stoppedAt: since, restarted: 'all' as const } : {}),
        })),
      };
      let missing: string[] = [];
      await waitFor(
        async () => {
          const judgement = judgeWhole(await gatherLabEvidence(access, ctx.signal), requirement);
          missing = judgement.missing;
          return judgement.whole ? true : undefined;
        },
        {
          what: () => `the lab to be whole again (still missing: ${missing.join('; ')})`,
          timeoutMs: 240_000,
          intervalMs: 1000,
          signal: ctx.signal,
        },
      );
    },
  };
}

/**
 * Whole by leases is not yet what `kubectl get nodes` shows: a Node may still read Unknown or
 * NotReady for a few seconds. `up` hands back a lab whose every Node is Ready, and every node
 * that was stopped Ready by a status its kubelet posted after the resume began.
 */
export function readyAgain(stopped: string[], since: number): Action<LabContext> {
  return {
    name: 'nodes-ready',
    async run(ctx) {
      const runners = anyMasterRunner(ctx);
      const names = ctx.topology.nodes.map((n) => n.name);
      let ready: Record<string, string> = {};
      await waitFor(
        async () => {
          for (const runner of runners) {
            // A node that ran on through the outage posts no new status: its Ready is current.
            const listed = await nodeReadiness(runner, { sinceMs: since, nodes: stopped });
            if (!listed) continue;
            ready = listed;
            return names.every((n) => ready[n] === 'True') ? true : undefined;
          }
          return undefined;
        },
        {
          what: () =>
            `every node to be Ready again (${names.map((n) => `${n} ${ready[n] ?? 'not listed'}`).join(', ')})`,
          timeoutMs: 120_000,
          intervalMs: 1000,
          signal: ctx.signal,
        },
      );
    },
  };
}

/** After an engine restart the units come back by themselves; wait until the cluster is whole. */
export function haResumeActions(stopped: string[], since: number): Action<LabContext>[] {
  return [clusterReadyAction, wholeAgain(stopped, since), readyAgain(stopped, since)];
}
