import { randomBytes } from 'node:crypto';
import { UsageError } from '../core/errors.js';
import type { EventSink } from '../core/events.js';
import { mapLimit } from '../core/map-limit.js';
import { type NodeSpec, type Topology, validateLabName } from '../core/topology.js';
import { run } from '../runtime/node-runner.js';
import type { Provider } from '../runtime/provider.js';
import { runActions, runStep } from './action.js';
import { haActions } from './actions/ha-actions.js';
import { haResumeActions } from './actions/resume-actions.js';
import type { HostBundle } from './artifacts/host-bundle.js';
import { fetchDebs } from './inventory/host-packages.js';
import { readHostPackages } from './inventory/host-package-state.js';
import { type HostPrepareResult, prepareHost } from './inventory/host-prepare.js';
import type { ConnectHost, HostSession } from './inventory/host-session.js';
import type { Inventory, InventoryHost } from './inventory/model.js';
import { inventoryTopology } from './inventory/topology.js';
import { type LabContext, newLabContext } from './lab-context.js';
import { lockLab } from './lab-lock.js';
import { type LabState, ensureStateDir, readLabState, writeLabState } from './lab-state.js';
import { resolveKubernetesVersion } from './versions.js';

/**
 * `up --inventory`: the same HA sequence as on Docker, on the user's hosts. The hosts are
 * prepared first (packages, binaries, images: what the node image carries), then the very
 * actions a Docker lab runs, through the SSH provider. An interrupted preparation keeps what
 * arrived, so the next `up` resumes it; a failure once the cluster phases began is undone on
 * every host (unless --keep) by the caller's `teardown`.
 */

/** Six hosts at most: all at once, bounded for when inventories grow. */
const HOST_PARALLEL = 6;
/** The bound is the whole command failing within 10 s on an unreachable host. */
const CONNECT_TIMEOUT_MS = 8_000;

export interface InventoryUpOptions {
  lab: string;
  inventory: Inventory;
  /** Absolute path of the inventory file (kept in the state). */
  file: string;
  /** --known-hosts, resolved: kept so later commands trust the same file. */
  knownHosts?: string;
  provider: Provider;
  connect: ConnectHost;
  /** The host bundle for this version: from the cache, or built where an engine runs. */
  bundle: (version: string) => Promise<HostBundle>;
  /** Returns every host to how it was found (down --inventory's work). */
  teardown: (state: LabState) => Promise<void>;
  kubernetesVersion?: string | undefined;
  keep: boolean;
  timing: 'default' | 'fast';
  preempt: boolean;
  events: EventSink;
  signal: AbortSignal;
}

export interface InventoryUpResult {
  state: LabState;
  resumed: boolean;
  hosts: HostPrepareResult[];
}

export async function upInventory(options: InventoryUpOptions): Promise<InventoryUpResult> {
  const lab = validateLabName(options.lab);
  const version = resolveKubernetesVersion(options.kubernetesVersion);
  const topology = inventoryTopology(options.inventory, lab);
  const unlock = await lockLab(lab, 'up');
  try {
    const existing = await readLabState(lab);
    if (existing && !existing.inventory) {
      throw new UsageError(
        'lab-exists',
        `lab "${lab}" is a Docker lab: pick another --name, or \`ha-lab down --name ${lab}\` first`,
      );
    }
    if (existing && existing.phase !== 'creating' && existing.phase !== 'ready') {
      throw new UsageError(
        'lab-incomplete',
        `lab "${lab}" was left half-made (phase ${existing.phase}): run \`ha-lab down --name ${lab}\`, then \`ha-lab up --inventory\` again`,
      );
    }
    if (existing && existing.kubernetesVersion !== version.version) {
      throw new UsageError(
        'version-mismatch',
        `lab "${lab}" runs Kubernetes ${existing.kubernetesVersion}: leave out --kubernetes-version, or use \`ha-lab upgrade\``,
      );
    }
    // Hosts first: a wrong key or an unreachable host is known in seconds, before any build.
    // Not a progress step: a refusal here is bad input or an unreachable host, one line.
    const sessions = await connectAll(options, topology);
    try {
      const bundle = await runStep(options, 'artifacts', () => options.bundle(version.version));
      const state: LabState = existing ?? newState(options, topology, version.version, bundle);
      if (!existing) await writeLabState(state);
      const hosts = await runStep(options, 'hosts', () =>
        prepareHosts(options, topology, sessions, bundle),
      ).catch(async (error: unknown) => {
        await afterFailedPreparation(state, options);
        throw error;
      });
      const ready = existing?.phase === 'ready';
      const context = newLabContext(
        { provider: options.provider, topology, state, stateDir: await ensureStateDir(lab) },
        options,
      );
      await context.saveState({
        cgroupV1: hosts.some((h) => !h.cgroupV2),
        inventory: {
          ...inventoryRecord(options),
          kernelConfigMissing: hosts.some((h) => !h.kernelConfig),
        },
      });
      if (ready) {
        await runActions(haResumeActions([], Date.now()), context);
        return { state: context.state, resumed: true, hosts };
      }
      await provision(context, options);
      return { state: context.state, resumed: false, hosts };
    } finally {
      for (const session of sessions.values()) session.close();
    }
  } finally {
    await unlock().catch(() => undefined);
  }
}

function newState(
  options: InventoryUpOptions,
  topology: Topology,
  kubernetesVersion: string,
  bundle: HostBundle,
): LabState {
  return {
    schemaVersion: 1,
    lab: topology.lab,
    createdAt: new Date().toISOString(),
    phase: 'creating',
    subnet: topology.subnet,
    kubernetesVersion,
    nodeImage: bundle.nodeImage,
    // Hosts are not containers; the field only matters to a Docker lab's machines.
    privilege: 'privileged',
    cgroupV1: false,
    timing: options.timing,
    preempt: options.preempt,
    accessMode: 'direct',
    clusterToken: `ha-lab-${topology.lab}-${randomBytes(6).toString('hex')}`,
    inventory: { ...inventoryRecord(options), kernelConfigMissing: false },
  };
}

function inventoryRecord(options: InventoryUpOptions) {
  return {
    file: options.file,
    inventory: options.inventory,
    ...(options.knownHosts === undefined ? {} : { knownHosts: options.knownHosts }),
  };
}

/** The HA phases; on failure the hosts are returned to how they were found, unless --keep. */
async function provision(context: LabContext, options: InventoryUpOptions): Promise<void> {
  try {
    await context.saveState({ phase: 'provisioning' });
    await runActions(haActions(), context);
    await context.saveState({ phase: 'ready' });
  } catch (error) {
    await context.saveState({ phase: 'failed' }).catch(() => undefined);
    await undoHosts(context.state, options);
    throw error;
  }
}

/**
 * An interrupted preparation keeps what arrived, so the next `up` resumes without sending it
 * again (the state stays at `creating`); a failed one is undone like a failed bring-up.
 */
async function afterFailedPreparation(state: LabState, options: InventoryUpOptions): Promise<void> {
  if (options.signal.aborted) {
    log(
      options,
      'warn',
      `the hosts keep what arrived: \`ha-lab up --inventory\` again resumes, \`ha-lab down --name ${state.lab}\` removes it`,
    );
    return;
  }
  await writeLabState({ ...state, phase: 'failed' }).catch(() => undefined);
  await undoHosts({ ...state, phase: 'failed' }, options);
}

async function undoHosts(state: LabState, options: InventoryUpOptions): Promise<void> {
  if (options.keep) {
    log(
      options,
      'warn',
      `--keep: the hosts of lab "${state.lab}" are left as they are; \`ha-lab down --name ${state.lab}\` cleans them`,
    );
    return;
  }
  log(options, 'info', `returning the hosts of lab "${state.lab}" to how they were found`);
  await options
    .teardown(state)
    .catch((error: unknown) =>
      log(
        options,
        'warn',
        `could not clean every host (${(error as Error).message.split('\n')[0]}): run \`ha-lab down --name ${state.lab}\``,
      ),
    );
}

function log(options: InventoryUpOptions, level: 'info' | 'warn', message: string): void {
  options.events({ kind: 'log', at: Date.now(), level, message });
}

async function connectAll(
  options: InventoryUpOptions,
  topology: Topology,
): Promise<Map<string, HostSession>> {
  const sessions = new Map<string, HostSession>();
  try {
    await mapLimit(
      topology.nodes,
      HOST_PARALLEL,
      async (node) => {
        const host = hostOf(options.inventory, node);
        const session = await options.connect(host, {
          signal: options.signal,
          timeoutMs: CONNECT_TIMEOUT_MS,
        });
        sessions.set(node.name, session);
        // sudo is proven here, before anything is written: a host whose sudo wants a
        // password is one line now, not a failed preparation later.
        await run(session.runner, ['true'], { timeoutMs: 30_000, signal: options.signal });
      },
      options.signal,
    );
  } catch (error) {
    for (const session of sessions.values()) session.close();
    throw error;
  }
  return sessions;
}

function hostOf(inventory: Inventory, node: NodeSpec): InventoryHost {
  const host = inventory.hosts.find((h) => h.name === node.host?.name);
  if (!host) throw new Error(`no inventory host for ${node.name}`);
  return host;
}

/**
 * Reads every host's packages, fetches what any lacks in one go (so six hosts never fetch the
 * same .deb at once), then prepares all hosts in parallel.
 */
async function prepareHosts(
  options: InventoryUpOptions,
  topology: Topology,
  sessions: Map<string, HostSession>,
  bundle: HostBundle,
): Promise<HostPrepareResult[]> {
  const session = (node: NodeSpec) => sessions.get(node.name)!;
  const states = await mapLimit(
    topology.nodes,
    HOST_PARALLEL,
    async (node) => ({
      name: node.name,
      role: node.role,
      state: await readHostPackages(session(node).runner, node.role, options.signal),
    }),
    options.signal,
  );
  const debs = { signal: options.signal, events: options.events };
  const { cache, plans } = await fetchDebs(states, debs);
  return mapLimit(
    topology.nodes,
    HOST_PARALLEL,
    // Errors name the host: its runner is named after the inventory's host.
    (node) =>
      prepareHost(session(node), node, {
        lab: topology.lab,
        bundle,
        packages: { ...debs, ...(cache ? { cache } : {}) },
        plannedPackages: (plans.get(node.name) ?? []).map((p) => p.name),
        nodeNames: topology.nodes.map(({ name, ip }) => ({ name, ip })),
        signal: options.signal,
      }),
    options.signal,
  );
}
