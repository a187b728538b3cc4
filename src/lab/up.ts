import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { UsageError } from '../core/errors.js';
import { cacheRoot } from '../core/paths.js';
import { cgroupMode } from '../runtime/host-facts.js';
import type { Provider } from '../runtime/provider.js';
import { runActions, runStep } from './action.js';
import { haActions } from './actions/ha-actions.js';
import { bootNodes } from './actions/node-actions.js';
import { BASE_IMAGE, ensureArtifacts } from './artifacts/ensure-artifacts.js';
import { saveFailureBundle } from './failure-bundle.js';
import { enableForwarder } from './forwarder-access.js';
import { openLab } from './open-lab.js';
import { type LabContext, newLabContext } from './lab-context.js';
import { lockLab } from './lab-lock.js';
import {
  type LabState,
  ensureStateDir,
  readLabState,
  removeLabState,
  writeLabState,
} from './lab-state.js';
import {
  checkResources,
  ensureInotifyLimits,
  refuseRootlessEngine,
  resourceNeeds,
} from './preflight.js';
import { assertSubnetFree, pickFreeSubnet } from './subnets.js';
import { removeLabResources } from './teardown.js';
import {
  LABEL_LAB,
  LABEL_MANAGED,
  buildTopology,
  labLabels,
  networkName,
  parseSubnet,
  validateLabName,
} from '../core/topology.js';
import { resolveKubernetesVersion } from './versions.js';
import { resume } from './up-resume.js';

import type { UpOptions, UpResult } from './up-options.js';

export type { UpOptions, UpResult };

/**
 * Brings a lab up: validate input before touching anything, take the lab's lock, build what
 * is missing, then run the ordered actions. On failure or Ctrl-C everything created is removed
 * (unless --keep), after the failure's log bundle has been saved.
 */
export async function up(options: UpOptions): Promise<UpResult> {
  const lab = validateLabName(options.lab);
  const version = resolveKubernetesVersion(options.kubernetesVersion);
  if (options.subnet !== undefined) parseSubnet(options.subnet);
  const { provider } = options;
  await provider.ping();
  await ensureInotifyLimits((message) =>
    options.events({ kind: 'log', at: Date.now(), level: 'info', message }),
  );
  const unlock = await lockLab(lab, 'up');
  try {
    const existing = await readLabState(lab);
    const containers = await provider.listMachines({ [LABEL_MANAGED]: 'true', [LABEL_LAB]: lab });
    if (existing && containers.length > 0) return await resume(existing, containers, options);
    if (!existing && containers.length > 0) {
      throw new UsageError(
        'lab-exists',
        `lab "${lab}" has containers but no state: run \`ha-lab down --name ${lab}\` first`,
      );
    }
    if (existing) await removeLabState(lab);
    return await create(lab, version.version, options);
  } finally {
    await unlock().catch(() => undefined);
  }
}

async function create(
  lab: string,
  kubernetesVersion: string,
  options: UpOptions,
): Promise<UpResult> {
  const { provider } = options;
  const info = await provider.engineInfo();
  refuseRootlessEngine(info);
  await checkResources(info.dockerRootDir, resourceNeeds(false));
  let subnet: string;
  try {
    subnet = await claimSubnet(provider, lab, options.subnet);
  } catch (error) {
    await removeLabResources(provider, lab).catch(() => undefined);
    throw error;
  }
  const topology = buildTopology(lab, subnet);
  const stateDir = await ensureStateDir(lab);
  const artifactCtx = {
    cacheRoot: cacheRoot(),
    logDir: join(cacheRoot(), 'logs'),
    events: options.events,
    signal: options.signal,
    images: provider.images,
  };
  let ctx: LabContext | undefined;
  try {
    const artifacts = await runStep(options, 'artifacts', () =>
      ensureArtifacts(
        { version: resolveKubernetesVersion(kubernetesVersion), source: options.artifactSource },
        artifactCtx,
      ),
    );
    const privileged = await provider.privilegedWorks(BASE_IMAGE);
    const state: LabState = {
      schemaVersion: 1,
      lab,
      createdAt: new Date().toISOString(),
      phase: 'creating',
      subnet,
      kubernetesVersion,
      nodeImage: artifacts.nodeImage,
      privilege: privileged.works ? 'privileged' : 'capabilities',
      cgroupV1: cgroupMode(info) !== 'v2',
      timing: options.timing,
      preempt: options.preempt,
      accessMode: options.accessMode,
      clusterToken: `ha-lab-${lab}-${randomBytes(6).toString('hex')}`,
    };
    await writeLabState(state);
    const context = newLabContext({ provider, topology, state, stateDir, artifacts }, options);
    ctx = context;
    await runActions(bootNodes, context);
    await context.saveState({ phase: 'nodes-running' });
    if (!options.nodesOnly) {
      await context.saveState({ phase: 'provisioning' });
      await runActions(haActions(), context);
      await context.saveState({ phase: 'ready' });
      if (options.accessMode === 'forwarder') {
        await runStep(options, 'forwarder', async () => {
          const { port } = await enableForwarder(await openLab(lab, provider));
          context.state = { ...context.state, forwarderPort: port };
        });
      }
    }
    return { state: context.state, resumed: false };
  } catch (error) {
    await handleFailure(lab, ctx, error, options);
    throw error;
  }
}

/**
 * Picks a free /24 and creates the lab network on it at once. Two labs coming up together can
 * pick the same subnet; the engine refuses the second ("Pool overlaps"), which then picks again.
 */
async function claimSubnet(
  provider: Provider,
  lab: string,
  requested: string | undefined,
): Promise<string> {
  const taken: { name: string; subnet: string }[] = [];
  for (let attempt = 0; attempt < 10; attempt++) {
    const networks = [
      ...(await provider.listNetworks()).flatMap((n) =>
        n.subnets.map((subnet) => ({ name: n.name, subnet })),
      ),
      ...taken,
    ];
    let subnet: string;
    if (requested !== undefined) {
      subnet = parseSubnet(requested).cidr;
      assertSubnetFree(subnet, networks);
    } else {
      subnet = pickFreeSubnet(networks.map((n) => n.subnet));
    }
    const t = buildTopology(lab, subnet);
    try {
      await provider.createInternalNetwork({
        name: networkName(lab),
        subnet: t.subnet,
        ipRange: t.ipRange,
        gateway: t.gateway,
        labels: labLabels(lab),
      });
      return subnet;
    } catch (error) {
      const overlap = /overlaps/i.test((error as Error).message);
      if (!overlap) throw error;
      if (requested !== undefined) assertSubnetFree(subnet, [{ name: 'another network', subnet }]);
      taken.push({ name: 'a network created meanwhile', subnet });
    }
  }
  throw new UsageError(
    'no-free-subnet',
    'could not claim a free subnet after 10 attempts: pass --subnet with a free /24',
  );
}

async function handleFailure(
  lab: string,
  ctx: LabContext | undefined,
  error: unknown,
  options: UpOptions,
): Promise<void> {
  const interrupted = options.signal?.aborted === true;
  if (ctx && !interrupted) {
    const bundle = await saveFailureBundle(ctx, error).catch(() => undefined);
    if (bundle)
      options.events({
        kind: 'log',
        at: Date.now(),
        level: 'warn',
        message: `log bundle saved: ${bundle}`,
      });
  }
  if (options.keep) {
    if (ctx) await ctx.saveState({ phase: 'failed' }).catch(() => undefined);
    options.events({
      kind: 'log',
      at: Date.now(),
      level: 'warn',
      message: `--keep: lab "${lab}" left as it is; remove it with \`ha-lab down --name ${lab}\``,
    });
    return;
  }
  options.events({
    kind: 'log',
    at: Date.now(),
    level: 'info',
    message: `removing the half-made lab "${lab}"`,
  });
  await removeLabResources(options.provider, lab).catch(() => undefined);
  await removeLabState(lab, { keepBundles: true }).catch(() => undefined);
}
