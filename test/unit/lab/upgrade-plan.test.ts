import { describe, expect, it } from 'vitest';
import { buildTopology } from '../../../src/core/topology.js';
import { planUpgrade } from '../../../src/lab/upgrade/upgrade-plan.js';
import { imagesFor } from '../../../src/lab/upgrade/stage.js';
import { checkUpgrade } from '../../../src/lab/upgrade/upgrade-lab.js';
import { resolveKubernetesVersion, upgradeRefusal } from '../../../src/lab/versions.js';
import { UsageError } from '../../../src/core/errors.js';
import type { LabState } from '../../../src/lab/lab-state.js';

const topology = buildTopology('t', '10.77.0.0/24');

describe('planUpgrade', () => {
  it('upgrades the masters without the VIP first, the first of them applying, then the holder, then the workers', () => {
    const plan = planUpgrade(topology, 'master-0');
    expect(plan.map((p) => `${p.node}:${p.kubeadm}${p.moveVipAway ? ':move-vip' : ''}`)).toEqual([
      'master-1:apply',
      'master-2:node',
      'master-0:node:move-vip',
      'worker-0:node',
      'worker-1:node',
      'worker-2:node',
    ]);
  });

  it('follows the VIP wherever the last failover left it', () => {
    const plan = planUpgrade(topology, 'master-1');
    expect(plan.slice(0, 3).map((p) => p.node)).toEqual(['master-0', 'master-2', 'master-1']);
    expect(plan.filter((p) => p.moveVipAway).map((p) => p.node)).toEqual(['master-1']);
    expect(plan.filter((p) => p.kubeadm === 'apply')).toHaveLength(1);
  });

  it('moves the VIP exactly once and touches every node exactly once', () => {
    for (const holder of ['master-0', 'master-1', 'master-2']) {
      const plan = planUpgrade(topology, holder);
      expect(plan.filter((p) => p.moveVipAway)).toHaveLength(1);
      expect(new Set(plan.map((p) => p.node)).size).toBe(topology.nodes.length);
      const holderIndex = plan.findIndex((p) => p.node === holder);
      const firstWorker = plan.findIndex((p) => p.role === 'worker');
      expect(holderIndex).toBe(2);
      expect(firstWorker).toBe(3);
    }
  });
});

describe('upgradeRefusal', () => {
  const v = resolveKubernetesVersion;
  it('allows the next minor and a later patch', () => {
    expect(upgradeRefusal(v('1.35'), v('1.36'))).toBeUndefined();
    expect(upgradeRefusal(v('v1.36.1'), v('v1.36.3'))).toBeUndefined();
  });
  it('refuses the same version, a downgrade and a skipped minor, saying why', () => {
    expect(upgradeRefusal(v('1.36'), v('1.36'))).toBe('the lab already runs v1.36.3');
    expect(upgradeRefusal(v('1.36'), v('1.35'))).toMatch(/older than the lab's v1.36.3/);
    expect(upgradeRefusal(v('v1.36.3'), v('v1.36.1'))).toMatch(/does not downgrade/);
    expect(upgradeRefusal(v('1.34'), v('1.36'))).toBe(
      'kubeadm upgrades one minor at a time: go to 1.35 first (the lab runs v1.34.4)',
    );
  });
  it('turns a refusal into a usage error (exit 2) naming the target', () => {
    const state = { kubernetesVersion: 'v1.36.3' } as LabState;
    expect(() => checkUpgrade({ state }, '1.36')).toThrow(UsageError);
    expect(() => checkUpgrade({ state }, '1.36')).toThrow(
      /^cannot upgrade to v1.36.3: the lab already runs/,
    );
    expect(() => checkUpgrade({ state }, '2.0')).toThrow(UsageError);
    expect(
      checkUpgrade({ state: { kubernetesVersion: 'v1.35.4' } as LabState }, '1.36').to.version,
    ).toBe('v1.36.3');
  });
});

describe('imagesFor', () => {
  const expected = {
    apiserver: 'r/kube-apiserver:v1',
    controllerManager: 'r/kube-controller-manager:v1',
    scheduler: 'r/kube-scheduler:v1',
    proxy: 'r/kube-proxy:v1',
    coredns: 'r/coredns:v1',
    pause: 'r/pause:3',
  };
  it('gives masters every component image and workers only what runs there', () => {
    expect(imagesFor('master', expected)).toHaveLength(6);
    expect(imagesFor('worker', expected)).toEqual(['r/kube-proxy:v1', 'r/coredns:v1', 'r/pause:3']);
  });
});
