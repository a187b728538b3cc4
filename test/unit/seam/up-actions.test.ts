import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { LabEvent } from '../../../src/core/events.js';
import { buildTopology, containerName, networkName } from '../../../src/core/topology.js';
import { runActions } from '../../../src/lab/action.js';
import { haActions } from '../../../src/lab/actions/ha-actions.js';
import {
  bootNodes,
  createNetwork,
  createNodes,
  seedVolumes,
  waitForSystemd,
} from '../../../src/lab/actions/node-actions.js';
import { type LabContext, newLabContext } from '../../../src/lab/lab-context.js';
import { removeLabResources } from '../../../src/lab/teardown.js';
import type { ExecScript } from '../../support/fake-provider.js';
import { FakeProvider } from '../../support/fake-provider.js';
import { FAKE_SUBNET, fakeState } from '../../support/fake-lab.js';

const LAB = 'fake-up';
const topology = buildTopology(LAB, FAKE_SUBNET);
const ADMIN_CONF = `apiVersion: v1
kind: Config
clusters:
- name: kubernetes
  cluster:
    server: https://${topology.nodes[0]!.ip}:6443
users: []
contexts: []
`;

/**
 * A cluster that answers the way a healthy one does, command by command: systemd running,
 * etcd converged with one leader, master-0 holding the VIP, kubeadm succeeding, every node
 * Ready and CoreDNS rolled out.
 */
function healthyCluster(ctx: () => LabContext): ExecScript {
  return (node, command) => {
    const line = command.join(' ');
    if (line === 'systemctl is-system-running') return { stdout: 'running\n' };
    if (line.includes('endpoint status -w json'))
      return {
        stdout: JSON.stringify(
          ['master-0', 'master-1', 'master-2'].map((m, i) => ({
            Endpoint: `https://${m}:2379`,
            Status: { header: { member_id: i + 1, raft_term: 2 }, leader: 1 },
          })),
        ),
      };
    if (line.startsWith('ip -4 -o addr show dev eth0'))
      return { stdout: node === 'master-0' ? ` inet ${topology.vip}/32 scope global eth0` : '' };
    if (line === 'cat /etc/kubernetes/pki/ca.crt') return { stdout: ctx().pki!.ca.certPem };
    if (line === 'cat /etc/kubernetes/admin.conf') return { stdout: ADMIN_CONF };
    if (line.includes('get nodes -o json'))
      return {
        stdout: JSON.stringify({
          items: topology.nodes.map((n) => ({
            metadata: { name: n.name },
            status: { conditions: [{ type: 'Ready', status: 'True' }] },
          })),
        }),
      };
    if (line.includes('deployment coredns -o jsonpath')) return { stdout: '2/2/2' };
    // kubeadm records the deferred CoreDNS phase as disabled; up marks it enabled again.
    if (line.includes('get configmap kubeadm-config -o json'))
      return {
        stdout: JSON.stringify({
          data: { ClusterConfiguration: 'clusterName: t\ndns:\n  disabled: true\n' },
        }),
      };
    if (line.includes('get leases -o json'))
      return {
        stdout: JSON.stringify({
          items: topology.nodes.map((n) => ({
            metadata: { name: n.name },
            spec: { renewTime: new Date().toISOString() },
          })),
        }),
      };
    return undefined;
  };
}

async function freshContext(provider: FakeProvider, events: LabEvent[]): Promise<LabContext> {
  const stateDir = await mkdtemp(join(tmpdir(), 'ha-lab-fake-up-'));
  return newLabContext(
    { provider, topology, state: fakeState(LAB, { phase: 'creating' }), stateDir },
    { events: (e) => void events.push(e) },
  );
}

describe("up's action list against the fake provider", () => {
  beforeEach(async () => {
    vi.stubEnv('HA_LAB_STATE_DIR', await mkdtemp(join(tmpdir(), 'ha-lab-fake-state-')));
  });

  it('runs the HA sequence in the recipe order, each step on the right nodes', async () => {
    const provider = new FakeProvider();
    const events: LabEvent[] = [];
    const ctx = await freshContext(provider, events);
    provider.script = healthyCluster(() => ctx);
    await runActions([...bootNodes, ...haActions()], ctx);

    const phases = events.filter((e) => e.kind === 'phase-done').map((e) => e.phase);
    expect(phases).toEqual([
      'network',
      'seed',
      'nodes',
      'systemd',
      'pki',
      'keepalived',
      'pod-network',
      'etcd',
      'kubeadm-init',
      'join',
      'cluster-ready',
    ]);
    expect(provider.networks.get(networkName(LAB))?.subnet).toBe(FAKE_SUBNET);
    expect([...provider.machines.keys()].sort()).toEqual(
      topology.nodes.map((n) => containerName(LAB, n.name)).sort(),
    );
    // One seed per role, planted into every node's containerd volume before the node is made.
    expect(provider.calls.filter((c) => c.startsWith('seed ')).sort()).toEqual([
      'seed master',
      'seed worker',
    ]);
    for (const n of topology.nodes) {
      const machine = containerName(LAB, n.name);
      expect(provider.volumeSources.get(`${machine}-containerd`)).toBe(`seed-${n.role}`);
      expect(provider.calls.indexOf(`plant ${machine}`)).toBeLessThan(
        provider.calls.indexOf(`create ${machine}`),
      );
    }
    const calls = provider.calls;
    const kubeadm = calls
      .filter((c) => / kubeadm (init --config|join) /.test(c))
      .map((c) => c.split(' ').slice(1, 4).join(' '));
    expect(kubeadm[0]).toBe('master-0 kubeadm init');
    // init waits for master-0 to hold the VIP, its control-plane endpoint.
    expect(calls.findIndex((c) => c.startsWith('exec master-0 ip -4 -o addr show'))).toBeLessThan(
      calls.findIndex((c) => c.startsWith('exec master-0 kubeadm init')),
    );
    // Control planes one at a time, master-1 then master-2; the workers all join too.
    const controlPlanes = kubeadm.filter((k) => k.startsWith('master-'));
    expect(controlPlanes).toEqual([
      'master-0 kubeadm init',
      'master-1 kubeadm join',
      'master-2 kubeadm join',
    ]);
    expect(kubeadm.filter((k) => k.startsWith('worker-')).sort()).toEqual([
      'worker-0 kubeadm join',
      'worker-1 kubeadm join',
      'worker-2 kubeadm join',
    ]);
    const master2Starts = calls.findIndex((c) =>
      c.startsWith('exec master-2 test -e /run/ha-lab-preloaded'),
    );
    const coreDns = calls.findIndex((c) =>
      c.startsWith('exec master-0 kubeadm init phase addon coredns'),
    );
    expect(master2Starts).toBeGreaterThan(
      calls.findIndex((c) => c.startsWith('exec master-1 kubeadm join')),
    );
    // CoreDNS is left out of init and deployed once master-1 has joined, before master-2.
    expect(coreDns).toBeGreaterThan(
      calls.findIndex((c) => c.startsWith('exec master-1 kubeadm join')),
    );
    expect(coreDns).toBeLessThan(
      calls.findIndex((c) => c.startsWith('exec master-2 kubeadm join')),
    );
    // ...and kubeadm-config no longer says the addon is disabled (kubeadm upgrade reads it).
    const patched = calls.find((c) => c.includes('patch configmap kubeadm-config'));
    expect(patched).toBeDefined();
    expect(patched).not.toContain('disabled');
    // etcd and keepalived are started on the masters only.
    const started = (unit: string) =>
      calls
        .filter((c) => c.includes(`systemctl enable --quiet ${unit}`))
        .map((c) => c.split(' ')[1])
        .sort();
    expect(started('etcd')).toEqual(['master-0', 'master-1', 'master-2']);
    expect(started('keepalived')).toEqual(['master-0', 'master-1', 'master-2']);
    expect(ctx.state.bootstrapToken).toMatch(/^[a-z0-9]{6}\.[a-z0-9]{16}$/);
    expect(ctx.state.caCertHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    // Keys travel as stdin, never on a command line.
    expect(calls.join('\n')).not.toMatch(/PRIVATE KEY/);
  }, 60_000);

  it('a seed that cannot be made or planted costs only speed: the nodes are made empty, with a warning', async () => {
    const provider = new FakeProvider();
    const events: LabEvent[] = [];
    const ctx = await freshContext(provider, events);
    provider.failOn(/^seed worker$/);
    provider.failOn(/^plant .*master-1$/);
    await runActions([createNetwork, seedVolumes, createNodes], ctx);
    expect(provider.machines.size).toBe(6);
    const seeded = topology.nodes.filter((n) =>
      provider.volumeSources.has(`${containerName(LAB, n.name)}-containerd`),
    );
    expect(seeded.map((n) => n.name)).toEqual(['master-0', 'master-2']);
    const warnings = events.flatMap((e) =>
      e.kind === 'log' && e.level === 'warn' ? [e.message] : [],
    );
    expect(warnings).toEqual([
      expect.stringMatching(/^no worker seed .*import their images at boot/),
      expect.stringMatching(/^master-1: seed not planted/),
    ]);
  });

  it('a failing control-plane join names its phase and node; the other joins end first, nothing after them runs', async () => {
    const provider = new FakeProvider();
    const events: LabEvent[] = [];
    const ctx = await freshContext(provider, events);
    const healthy = healthyCluster(() => ctx);
    provider.script = (node, command) =>
      node === 'master-2' && command[0] === 'kubeadm'
        ? { exitCode: 1, stderr: 'error execution phase control-plane-join/etcd' }
        : healthy(node, command);
    const failure = runActions([...bootNodes, ...haActions()], ctx);
    await expect(failure).rejects.toThrow(/^join on master-2 failed: .*control-plane-join\/etcd/);
    // The workers' joins were under way alongside and ran to their end before the failure.
    expect(provider.calls.filter((c) => /^exec worker-\d kubeadm join/.test(c))).toHaveLength(3);
    expect(provider.calls.some((c) => c.includes('get deployment coredns'))).toBe(false);
    expect(events.filter((e) => e.kind === 'phase-failed').map((e) => e.phase)).toEqual(['join']);
  }, 60_000);

  it('a stopped node is started again, not recreated; a degraded systemd names its failed units', async () => {
    const provider = new FakeProvider();
    const ctx = await freshContext(provider, []);
    await runActions([createNetwork, createNodes], ctx);
    provider.machines.get(containerName(LAB, 'worker-1'))!.state = 'exited';
    provider.calls.length = 0;
    await runActions([createNetwork, createNodes], ctx);
    expect(provider.calls.filter((c) => /^(create|power)/.test(c))).toEqual([
      `power ${containerName(LAB, 'worker-1')} start`,
    ]);
    provider.script = (node, command) => {
      if (command.join(' ') === 'systemctl is-system-running')
        return { stdout: node === 'worker-2' ? 'degraded\n' : 'running\n' };
      if (command.includes('--failed'))
        return { stdout: 'containerd.service loaded failed failed\n' };
      return undefined;
    };
    await expect(runActions([waitForSystemd], ctx)).rejects.toThrow(
      /systemd on worker-2 failed: .*containerd\.service/,
    );
  });

  it("teardown removes exactly the lab's machines, network and volumes", async () => {
    const provider = new FakeProvider();
    const ctx = await freshContext(provider, []);
    await runActions([createNetwork, createNodes], ctx);
    const other = buildTopology('other-lab', '10.213.8.0/24');
    const otherCtx = newLabContext(
      {
        provider,
        topology: other,
        state: fakeState('other-lab', { subnet: other.subnet }),
        stateDir: ctx.stateDir,
      },
      { events: () => undefined },
    );
    await runActions([createNetwork, createNodes], otherCtx);
    expect(await removeLabResources(provider, LAB)).toEqual({
      containers: 6,
      networks: 1,
      volumes: 0,
      snapshotParts: 0,
    });
    expect([...provider.machines.keys()].every((n) => n.startsWith('other-lab'))).toBe(true);
    expect([...provider.networks.keys()]).toEqual([networkName('other-lab')]);
    expect([...provider.volumes.keys()].every((n) => n.startsWith('other-lab'))).toBe(true);
  });
});
