import { RuntimeError } from '../core/errors.js';
import { mapLimit } from '../core/map-limit.js';
import { type Topology, containerName, labLink } from '../core/topology.js';
import type { Provider } from '../runtime/provider.js';
import { type HostDownResult, downHost } from './inventory/host-down.js';
import { lockLab } from './lab-lock.js';
import { type LabState, labTopology, readLabState, removeLabState } from './lab-state.js';

/**
 * `down` on an inventory lab: every host returned to how it was found (kubeadm reset, what
 * ha-lab installed and started, etcd data, the VIP, the rules it added), then the lab's
 * state removed. Idempotent: a host with nothing of ha-lab's left costs one command. A host
 * that keeps something back fails the command (exit 1) naming what, and the state is kept so
 * the same command can be run again.
 */
export interface InventoryDownResult {
  hosts: HostDownResult[];
  tookMs: number;
}

export async function downInventoryHosts(
  topology: Topology,
  provider: Provider,
  options: { signal: AbortSignal },
): Promise<HostDownResult[]> {
  const link = labLink(topology);
  return mapLimit(
    topology.nodes,
    topology.nodes.length,
    (node) =>
      downHost(provider.runner(node.name, containerName(topology.lab, node.name)), {
        vip: topology.vip,
        vipPrefix: link.prefix,
        vipInterface: link.interface,
        lab: topology.lab,
        signal: options.signal,
      }),
    options.signal,
  );
}

export async function downInventoryLab(
  state: LabState,
  provider: Provider,
  options: { signal: AbortSignal; purge?: boolean },
): Promise<InventoryDownResult> {
  const started = Date.now();
  const hosts = await downInventoryHosts(labTopology(state), provider, options);
  const dirty = hosts.filter((h) => h.leftovers.length > 0);
  if (dirty.length > 0) {
    throw new RuntimeError(
      'host-not-clean',
      `${dirty.map((h) => `${h.host} keeps ${h.leftovers.join(', ')}`).join('; ')}: run the same down again, or remove them by hand`,
    );
  }
  await removeLabState(state.lab, { keepBundles: !options.purge });
  return { hosts, tookMs: Date.now() - started };
}

/** `down --inventory FILE`, or `down` of a lab whose state says it is an inventory lab. */
export async function downInventory(
  lab: string,
  topology: Topology,
  provider: Provider,
  options: { signal: AbortSignal; purge?: boolean },
): Promise<InventoryDownResult> {
  const unlock = await lockLab(lab, 'down');
  try {
    const state = await readLabState(lab);
    if (state?.inventory) return await downInventoryLab(state, provider, options);
    const started = Date.now();
    const hosts = await downInventoryHosts(topology, provider, options);
    return { hosts, tookMs: Date.now() - started };
  } finally {
    await unlock().catch(() => undefined);
  }
}
