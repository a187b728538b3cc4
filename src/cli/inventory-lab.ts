import { join, resolve } from 'node:path';
import { cacheRoot } from '../core/paths.js';
import { containerName, type Topology } from '../core/topology.js';
import { type ArtifactRequest, ensureArtifacts } from '../lab/artifacts/ensure-artifacts.js';
import { type HostBundle, ensureHostBundle, findHostBundle } from '../lab/artifacts/host-bundle.js';
import { nodeLabels } from '../lab/actions/node-actions.js';
import type { EventSink } from '../core/events.js';
import { type Inventory, inventoryTopology, loadInventory } from '../lab/inventory/index.js';
import type { ConnectHost } from '../lab/inventory/host-session.js';
import type { LabState } from '../lab/lab-state.js';
import { resolveKubernetesVersion } from '../lab/versions.js';
import { DockerProvider } from '../runtime/docker-provider.js';
import { HostKeyVerifier, SshProvider, type SshMachine } from '../runtime/ssh/index.js';
import { type HostKeyFlags, hostKeyPolicy, sshConnector } from './inventory-hosts.js';

/**
 * What a command on an inventory lab needs, made once per command: the checked inventory,
 * the host-key verifier every connection shares (so first-seen keys are pinned once), the
 * SSH provider the lab layer reaches machines through, and the connector host preparation
 * uses.
 */
export interface InventoryAccess {
  file: string;
  inventory: Inventory;
  topology: Topology;
  provider: SshProvider;
  connect: ConnectHost;
  /** The known_hosts file named by --known-hosts, resolved; later commands trust it too. */
  knownHosts?: string;
}

export async function openInventory(
  file: string,
  lab: string,
  flags: HostKeyFlags,
  signal: AbortSignal,
  stored?: Inventory,
): Promise<InventoryAccess> {
  const path = resolve(file);
  const inventory = stored ?? (await loadInventory(file));
  const policy = await hostKeyPolicy(path, inventory, flags);
  const hostKeys = new HostKeyVerifier(policy);
  const topology = inventoryTopology(inventory, lab);
  const machines: SshMachine[] = topology.nodes.map((node) => {
    const host = inventory.hosts.find((h) => h.name === node.host?.name);
    if (!host) throw new Error(`no inventory host for ${node.name}`);
    return {
      machine: containerName(lab, node.name),
      node: node.name,
      target: host,
      labels: nodeLabels(lab, node),
      interface: inventory.vip.interface,
      ...(node.role === 'master'
        ? { vip: { address: inventory.vip.address, prefix: inventory.vip.prefix } }
        : {}),
      ...(host.powerOff && host.powerOn ? { powerOff: host.powerOff, powerOn: host.powerOn } : {}),
    };
  });
  return {
    file: path,
    inventory,
    topology,
    provider: new SshProvider({ address: path, machines, hostKeys, signal }),
    connect: sshConnector(hostKeys),
    ...(flags.knownHosts === undefined ? {} : { knownHosts: policy.knownHostsFile }),
  };
}

/** The inventory lab's access from its state: the hosts as `up` read them. */
export function openInventoryLab(
  state: LabState,
  flags: HostKeyFlags,
  signal: AbortSignal,
): Promise<InventoryAccess> {
  if (!state.inventory) throw new Error(`lab "${state.lab}" is not an inventory lab`);
  return openInventory(state.inventory.file, state.lab, flags, signal, state.inventory.inventory);
}

/** How long an absent engine may take to say so before the cache is used instead. */
const ENGINE_PING_MS = 2_000;

/**
 * The host bundle for a version: built (or confirmed current) where a Docker engine answers,
 * else the newest one in the cache, so `up --inventory` runs on a machine without an engine.
 */
export function hostBundleSource(
  events: EventSink,
  signal: AbortSignal,
  source: ArtifactRequest['source'] = { kind: 'go-build' },
): (version: string) => Promise<HostBundle> {
  return async (version) => {
    const docker = new DockerProvider();
    const engine = await docker.ping(ENGINE_PING_MS).then(
      () => true,
      () => false,
    );
    if (!engine) return findHostBundle(cacheRoot(), version);
    const ctx = {
      cacheRoot: cacheRoot(),
      logDir: join(cacheRoot(), 'logs'),
      events,
      signal,
      images: docker.images,
    };
    const artifacts = await ensureArtifacts(
      { version: resolveKubernetesVersion(version), source },
      ctx,
    );
    return ensureHostBundle(artifacts, ctx);
  };
}
