import { RuntimeError, firstLine } from '../../core/errors.js';
import { waitFor } from '../../core/wait.js';
import { run } from '../../runtime/node-runner.js';
import type { Labels, MachineSpec } from '../../runtime/provider.js';
import type { LabState } from '../lab-state.js';
import { type Action, onEachNode, onNode } from '../action.js';
import type { LabContext } from '../lab-context.js';
import { warn } from '../artifacts/artifact-context.js';
import {
  LABEL_NODE,
  LABEL_ROLE,
  type NodeSpec,
  containerName,
  labLabels,
  networkName,
} from '../../core/topology.js';

export const createNetwork: Action<LabContext> = {
  name: 'network',
  async run(ctx) {
    const name = networkName(ctx.lab);
    if (await ctx.provider.inspectNetwork(name)) return;
    const t = ctx.topology;
    await ctx.provider.createInternalNetwork({
      name,
      subnet: t.subnet,
      ipRange: t.ipRange,
      gateway: t.gateway,
      labels: labLabels(ctx.lab),
    });
  },
};

/** The labels a node's machine and its volumes carry. */
export function nodeLabels(lab: string, node: NodeSpec): Labels {
  return { ...labLabels(lab), [LABEL_NODE]: node.name, [LABEL_ROLE]: node.role };
}

/** How a node's machine is made: by `up`, and again from a snapshot's image by `reset`. */
export function nodeMachineSpec(state: LabState, node: NodeSpec, image: string): MachineSpec {
  return {
    name: containerName(state.lab, node.name),
    hostname: node.name,
    image,
    network: networkName(state.lab),
    ip: node.ip,
    labels: nodeLabels(state.lab, node),
    privilege: state.privilege,
    env: [`HA_LAB_ROLE=${node.role}`],
  };
}

/**
 * The containerd seeds for the nodes still to be made (see SeedStore): with one, a new node
 * boots with its images already imported. Made once per node image; a seed that cannot be
 * made costs only speed, since the node then imports its images at boot as before.
 */
export const seedVolumes: Action<LabContext> = {
  name: 'seed',
  async run(ctx) {
    const image = ctx.artifacts?.nodeImage ?? ctx.state.nodeImage;
    const missing = await Promise.all(
      ctx.topology.nodes.map(async (n) =>
        (await ctx.provider.inspectMachine(containerName(ctx.lab, n.name))) ? undefined : n.role,
      ),
    );
    const roles = [...new Set(missing.filter((r) => r !== undefined))];
    const seeds = await Promise.all(
      roles.map(async (role) => {
        try {
          return [
            role,
            await ctx.provider.seeds.ensure(image, role, ctx.state.privilege, ctx.signal),
          ];
        } catch (error) {
          if (ctx.signal?.aborted) throw error;
          warn(
            ctx,
            `no ${role} seed (${firstLine((error as Error).message)}): its nodes import their images at boot`,
          );
          return undefined;
        }
      }),
    );
    ctx.seeds = Object.fromEntries(seeds.filter((s) => s !== undefined));
  },
};

/** The node's containerd volume from its role's seed; without one, it starts empty. */
async function plantSeed(ctx: LabContext, node: NodeSpec, image: string): Promise<void> {
  const seed = ctx.seeds?.[node.role];
  if (!seed) return;
  const machine = containerName(ctx.lab, node.name);
  try {
    await ctx.provider.seeds.plant(seed, machine, nodeLabels(ctx.lab, node), image);
  } catch (error) {
    warn(
      ctx,
      `${node.name}: seed not planted (${firstLine((error as Error).message)}); it imports its images at boot`,
    );
  }
}

export const createNodes: Action<LabContext> = {
  name: 'nodes',
  async run(ctx) {
    const image = ctx.artifacts?.nodeImage ?? ctx.state.nodeImage;
    await Promise.all(
      ctx.topology.nodes.map((node) =>
        onNode(node.name, async () => {
          const name = containerName(ctx.lab, node.name);
          const existing = await ctx.provider.inspectMachine(name);
          if (existing?.running) return;
          if (existing) {
            // A stopped node (engine restart, `docker stop`): start it again, same IP and volumes.
            await ctx.provider.power(name, 'start');
            return;
          }
          await plantSeed(ctx, node, image);
          await ctx.provider.createMachine(nodeMachineSpec(ctx.state, node, image));
        }),
      ),
    );
  },
};

/** systemd `running` on every node; `degraded` is a failure that names the failed units. */
export const waitForSystemd: Action<LabContext> = {
  name: 'systemd',
  async run(ctx) {
    await onEachNode(ctx, ctx.topology.nodes, async (node, runner) => {
      const state = await waitFor(
        async () => {
          const result = await runner.exec(['systemctl', 'is-system-running'], {
            timeoutMs: 10_000,
          });
          const s = result.stdout.trim();
          return s === 'running' || s === 'degraded' ? s : undefined;
        },
        {
          what: `systemd on ${node.name} to finish booting`,
          timeoutMs: 90_000,
          intervalMs: 250,
          signal: ctx.signal,
        },
      );
      if (state === 'degraded') {
        const failed = await run(runner, ['systemctl', '--failed', '--no-legend', '--plain']);
        const units = failed
          .split('\n')
          .map((l) => l.trim().split(/\s+/)[0])
          .filter(Boolean);
        throw new RuntimeError(
          'node-degraded',
          `systemd is degraded; failed units: ${units.join(', ')}`,
        );
      }
    });
  },
};

/** `up`'s first actions: the network, the seeds, six machines and systemd running on each. */
export const bootNodes: Action<LabContext>[] = [
  createNetwork,
  seedVolumes,
  createNodes,
  waitForSystemd,
];
