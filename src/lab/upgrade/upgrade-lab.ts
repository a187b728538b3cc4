import { join } from 'node:path';
import type { LabEvent } from '../../core/events.js';
import { UsageError } from '../../core/errors.js';
import { masters } from '../../core/topology.js';
import { ignoredPreflight, kubeadm } from '../actions/kubeadm-actions.js';
import { markDnsAddonEnabled } from '../kubeadm-config-dns.js';
import { readLabState, updateLabState } from '../lab-state.js';
import { runnerFor } from '../node-access.js';
import type { OpenLab } from '../open-lab.js';
import { type KubernetesVersion, resolveKubernetesVersion, upgradeRefusal } from '../versions.js';
import { vipHolders } from '../vip-holders.js';
import { componentsOf, type LiveVersion, readLiveVersions } from './live-versions.js';
import {
  drain,
  installBinary,
  moveVipAway,
  restartKubelet,
  startKeepalived,
  uncordon,
  waitForApiServer,
  waitForStaticPodsSettled,
} from './node-steps.js';
import { type NodeUpgrade, planUpgrade } from './upgrade-plan.js';
import { stageOnNodes, targetArtifacts } from './stage.js';

/** How the caller records each step: the scenario's operation record, or the CLI's progress. */
export interface UpgradeSteps {
  signal: AbortSignal;
  log(line: string): void;
  step<T>(name: string, node: string | undefined, work: () => Promise<T>): Promise<T>;
}

export interface UpgradeOutcome {
  from: string;
  to: string;
  order: string[];
  versions: LiveVersion[];
}

/** Refuses (exit 2) before anything is touched: an unknown version or a path kubeadm refuses. */
export function checkUpgrade(
  lab: Pick<OpenLab, 'state'>,
  to: string,
): {
  from: KubernetesVersion;
  to: KubernetesVersion;
} {
  if (lab.state.inventory) {
    throw new UsageError(
      'not-on-inventory',
      'upgrade is not available on an inventory lab yet (it stages images through a Docker engine): rehearse it on a Docker lab',
    );
  }
  const from = resolveKubernetesVersion(lab.state.kubernetesVersion);
  const target = resolveKubernetesVersion(to);
  const refusal = upgradeRefusal(from, target);
  if (refusal)
    throw new UsageError('invalid-upgrade', `cannot upgrade to ${target.version}: ${refusal}`);
  return { from, to: target };
}

/**
 * A minor (or patch) upgrade of the whole lab in kubeadm's HA order (see planUpgrade): the
 * target's binaries and images are staged on every node first, then each node in turn gets
 * kubeadm, `kubeadm upgrade apply|node`, a drain, the new kubelet and kubectl, and an
 * uncordon. A failed step throws with its node named and leaves the lab as it is, for
 * inspection (the README says how to finish or roll back by hand).
 */
export async function upgradeLab(
  lab: OpenLab,
  to: string,
  steps: UpgradeSteps,
): Promise<UpgradeOutcome> {
  // The state file, not the lab as opened: an earlier run may have upgraded it since.
  const versions = checkUpgrade({ state: (await readLabState(lab.lab)) ?? lab.state }, to);
  const target = versions.to.version;
  const progress = (event: LabEvent) => {
    if (event.kind === 'phase-progress') steps.log(`    ${event.message}`);
  };
  const staged = await steps.step('target artifacts', undefined, async () => {
    const s = await targetArtifacts(lab, versions.to, progress, steps.signal);
    return { ...s, from: versions.from.version, to: target };
  });
  await steps.step('stage binaries and images on every node', undefined, () =>
    stageOnNodes(lab, staged, join(lab.stateDir, 'logs', 'upgrade-images.log'), steps.signal),
  );
  const { holder } = await steps.step('find the VIP holder', undefined, async () => {
    const names = masters(lab.topology).map((m) => m.name);
    const held = await vipHolders(lab.runners, names, lab.topology);
    if (held.length !== 1)
      throw new Error(`expected one VIP holder before the upgrade, found ${held.length}`);
    return { holder: held[0] };
  });
  const plan = planUpgrade(lab.topology, holder);
  await steps.step('kubeadm-config: CoreDNS addon enabled', undefined, () =>
    markDnsAddonEnabled(runnerFor(lab.runners, plan[0]?.node ?? 'master-0')),
  );
  const state = { state: { ...lab.state, kubernetesVersion: target } };
  for (const item of plan) await upgradeNode(lab, item, target, ignoredPreflight(state), steps);
  await updateLabState(lab.lab, { kubernetesVersion: target });
  const live = await steps.step('read running versions', undefined, async () => {
    const all = await Promise.all(
      lab.topology.nodes.map((n) =>
        readLiveVersions(runnerFor(lab.runners, n.name), componentsOf(lab.topology, n.name)),
      ),
    );
    const flat = all.flat();
    return { versions: flat, behind: flat.filter((v) => v.version !== target).length };
  });
  return {
    from: versions.from.version,
    to: target,
    order: plan.map((p) => p.node),
    versions: live.versions,
  };
}

async function upgradeNode(
  lab: OpenLab,
  item: NodeUpgrade,
  target: string,
  ignore: string[],
  steps: UpgradeSteps,
): Promise<void> {
  const { node } = item;
  const runner = runnerFor(lab.runners, node);
  if (item.moveVipAway)
    await steps.step('move the VIP away (stop keepalived)', node, () =>
      moveVipAway(lab, node, steps.signal),
    );
  await steps.step('install kubeadm', node, () => installBinary(lab, node, 'kubeadm', target));
  const ignored = `--ignore-preflight-errors=${ignore.join(',')}`;
  const args =
    item.kubeadm === 'apply'
      ? ['upgrade', 'apply', target, '--yes', ignored]
      : ['upgrade', 'node', ignored];
  await steps.step(`kubeadm upgrade ${item.kubeadm}`, node, () =>
    kubeadm(
      { stateDir: lab.stateDir, signal: steps.signal },
      runner,
      `upgrade-${item.kubeadm}`,
      args,
      600_000,
    ),
  );
  if (item.role === 'master')
    await steps.step('API server ready', node, () => waitForApiServer(lab, node, steps.signal));
  await steps.step('drain', node, () => drain(lab, node));
  await steps.step('install kubelet and kubectl', node, async () => {
    await installBinary(lab, node, 'kubelet', target);
    return installBinary(lab, node, 'kubectl', target);
  });
  const { restartedAt } = await steps.step('restart kubelet', node, () =>
    restartKubelet(lab, node, target, steps.signal),
  );
  if (item.role === 'master')
    await steps.step('static pods settled', node, () =>
      waitForStaticPodsSettled(lab, node, restartedAt, steps.signal),
    );
  await steps.step('uncordon', node, () => uncordon(lab, node));
  if (item.moveVipAway)
    await steps.step('start keepalived', node, () => startKeepalived(lab, node));
}
