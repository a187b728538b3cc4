import { readdir, readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// No registry is reachable, so testcontainers must not start its reaper (whose image it
// would pull); this file cleans up by label instead. Hoisted so it runs before the imports.
vi.hoisted(() => {
  process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
});

import { GenericContainer, type StartedTestContainer } from 'testcontainers';
import { waitFor } from '../../src/core/wait.js';
import { removeLabResources, listLabNames } from '../../src/lab/teardown.js';
import {
  LABEL_LAB,
  LABEL_MANAGED,
  LABEL_NODE,
  LABEL_ROLE,
  LABEL_TEST,
  buildTopology,
  containerName,
  findNode,
  labLabels,
  networkName,
} from '../../src/core/topology.js';
import { pickFreeSubnet } from '../../src/lab/subnets.js';
import Docker from 'dockerode';
import { DockerProvider } from '../../src/runtime/docker-provider.js';
import { run } from '../../src/runtime/node-runner.js';

const engine = new Docker();
const provider = new DockerProvider(engine);

const TEST = 'node-boot';
const BASE_IMAGE = 'ha-lab/debian-base:bookworm';
const PAUSE_IMAGE = 'registry.k8s.io/pause:3.10.2';

/** The newest node image `ha-lab build` made for v1.36.3; never pulled. */
async function newestNodeImage(): Promise<string> {
  const images = await engine.listImages({ filters: { reference: ['ha-lab/node:v1.36.3-*'] } });
  const newest = images.sort((a, b) => b.Created - a.Created)[0];
  const tag = newest?.RepoTags?.find((t) => t.startsWith('ha-lab/node:v1.36.3-'));
  if (!tag)
    throw new Error(
      'no ha-lab/node:v1.36.3-* image: run `node dist/cli/main.js build` before the integration tests',
    );
  return tag;
}

async function hostLeftovers(
  lab: string,
): Promise<{ containers: string[]; networks: string[]; volumes: string[] }> {
  const labels = { [LABEL_MANAGED]: 'true', [LABEL_LAB]: lab };
  return {
    containers: (await provider.listMachines(labels)).map((c) => c.name),
    networks: (await provider.listNetworks())
      .filter((n) => n.labels[LABEL_LAB] === lab)
      .map((n) => n.name),
    volumes: await provider.listVolumes(labels),
  };
}

/** Host PIDs whose command line is exactly `argv0` (first word). */
async function hostPidsRunning(argv0: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.split('\0')[0] === argv0) pids.push(Number(entry));
  }
  return pids;
}

describe('a single ha-lab node', () => {
  const lab = `it-boot-${process.pid}`;
  const name = containerName(lab, 'master-0');
  const runner = provider.runner('master-0', name);
  let containerId = '';

  beforeAll(async () => {
    const image = await newestNodeImage();
    const topology = buildTopology(
      lab,
      pickFreeSubnet((await provider.listNetworks()).flatMap((n) => n.subnets)),
    );
    const node = findNode(topology, 'master-0');
    const labels = { ...labLabels(lab), [LABEL_TEST]: TEST };
    const privilege = (await provider.privilegedWorks(BASE_IMAGE)).works
      ? 'privileged'
      : 'capabilities';
    await provider.createInternalNetwork({
      name: networkName(lab),
      subnet: topology.subnet,
      ipRange: topology.ipRange,
      gateway: topology.gateway,
      labels,
    });
    await provider.createMachine({
      name,
      hostname: node.name,
      image,
      network: networkName(lab),
      ip: node.ip,
      labels: { ...labels, [LABEL_NODE]: node.name, [LABEL_ROLE]: node.role },
      privilege,
      env: [`HA_LAB_ROLE=${node.role}`],
    });
    containerId =
      ((await provider.inspectMachine(name))?.details as { Id?: string } | undefined)?.Id ?? '';
  });

  afterAll(async () => {
    await removeLabResources(provider, lab);
  });

  it('boots systemd to running with no failed unit', async () => {
    const state = await waitFor(
      async () => {
        const s = (
          await runner.exec(['systemctl', 'is-system-running'], { timeoutMs: 10_000 })
        ).stdout.trim();
        return s === 'running' || s === 'degraded' ? s : undefined;
      },
      { what: 'systemd in the node to finish booting', timeoutMs: 150_000, intervalMs: 250 },
    );
    const failed = await run(runner, ['systemctl', '--failed', '--no-legend', '--plain']);
    expect(failed.trim()).toBe('');
    expect(state).toBe('running');
  });

  it('runs the preloaded pause image as a nested container without pulling', async () => {
    await waitFor(
      async () =>
        (await runner.exec(['test', '-e', '/run/ha-lab-preloaded'])).exitCode === 0
          ? true
          : undefined,
      {
        what: 'the preloaded images to be imported',
        timeoutMs: 120_000,
        intervalMs: 500,
      },
    );
    const images = await run(runner, ['ctr', '-n', 'k8s.io', 'images', 'ls', '-q']);
    expect(images.split('\n')).toContain(PAUSE_IMAGE);

    await run(runner, ['ctr', '-n', 'k8s.io', 'run', '-d', PAUSE_IMAGE, 't1'], {
      timeoutMs: 60_000,
    });
    const tasks = await run(runner, ['ctr', '-n', 'k8s.io', 'task', 'ls']);
    const t1 = tasks.split('\n').find((l) => l.startsWith('t1 '));
    expect(t1?.trim().split(/\s+/)[2]).toBe('RUNNING');
  });

  it("keeps the nested container inside the node's own cgroup", async () => {
    const tasks = await run(runner, ['ctr', '-n', 'k8s.io', 'task', 'ls']);
    const nodePid = tasks
      .split('\n')
      .find((l) => l.startsWith('t1 '))
      ?.trim()
      .split(/\s+/)[1];
    expect(nodePid).toMatch(/^\d+$/);

    // Seen from inside the node (private cgroup namespace): a path outside the node's root would start with "/..".
    const inside = await run(runner, ['cat', `/proc/${nodePid}/cgroup`]);
    const insideLines = inside.trim().split('\n');
    expect(insideLines.length).toBeGreaterThan(0);
    for (const line of insideLines) expect(line.split(':')[2]).not.toMatch(/^\/\.\./);

    // Seen from the host: every hierarchy path of the nested pause sits under the node container's cgroup.
    expect(containerId).toMatch(/^[0-9a-f]{64}$/);
    const nested: string[] = [];
    for (const pid of await hostPidsRunning('/pause')) {
      const cgroup = await readFile(`/proc/${pid}/cgroup`, 'utf8').catch(() => '');
      if (cgroup.includes(containerId)) nested.push(cgroup);
    }
    expect(nested).toHaveLength(1);
    for (const line of (nested[0] ?? '').trim().split('\n')) {
      const path = line.split(':')[2] ?? '';
      expect(path, line).toContain(containerId);
      expect(path.length, line).toBeGreaterThan(path.indexOf(containerId) + containerId.length);
    }
  });

  it('is removed without a trace: no container, network or volume keeps the lab label', async () => {
    expect((await hostLeftovers(lab)).volumes).toEqual([`${name}-containerd`]);
    const removed = await removeLabResources(provider, lab);
    expect(removed).toMatchObject({ containers: 1, networks: 1 });
    expect(await hostLeftovers(lab)).toEqual({ containers: [], networks: [], volumes: [] });
    expect(
      await engine
        .listVolumes({ filters: { name: [`${name}-containerd`] } })
        .then((r) => r.Volumes ?? []),
    ).toEqual([]);
    expect(
      await hostPidsRunning('/pause').then(async (pids) => {
        const mine: number[] = [];
        for (const pid of pids)
          if ((await readFile(`/proc/${pid}/cgroup`, 'utf8').catch(() => '')).includes(containerId))
            mine.push(pid);
        return mine;
      }),
    ).toEqual([]);
  });
});

describe('listLabNames', () => {
  const lab = `it-names-${process.pid}`;
  let started: StartedTestContainer | undefined;

  afterAll(async () => {
    await started?.stop().catch(() => undefined);
    for (const c of await provider.listMachines({ [LABEL_MANAGED]: 'true', [LABEL_LAB]: lab }))
      await provider.removeMachine(c.name);
  });

  it('finds a lab by the labels on its containers, and forgets it once they are gone', async () => {
    started = await new GenericContainer(BASE_IMAGE)
      .withLabels({ ...labLabels(lab), [LABEL_TEST]: TEST })
      .withEntrypoint(['sleep', 'infinity'])
      .withNetworkMode('none')
      .start();
    expect(await listLabNames(provider)).toContain(lab);
    await started.stop();
    started = undefined;
    expect(await listLabNames(provider)).not.toContain(lab);
  });
});
