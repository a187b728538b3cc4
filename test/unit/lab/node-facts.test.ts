import { describe, expect, it } from 'vitest';
import { nodeFactsScript, parseNodeFacts } from '../../../src/lab/evidence/node-facts.js';

/** Output of nodeFactsScript as a master printed it (uptime 1000 s, 100 ticks a second). */
const MASTER_OUTPUT = `now 1700000100.500000000
uptime 1000.00
hz 100
svc containerd active 95000
svc kubelet active 99000
svc etcd active 99500
svc keepalived inactive -
pod kube-apiserver 99900
pod kube-controller-manager -
pod kube-scheduler 99950
vrrp BACKUP 1700000099.250
vip free
`;

describe('node facts', () => {
  it('turns process start ticks into wall-clock times with the node clock of the same read', () => {
    const facts = parseNodeFacts('master-0', 'master', MASTER_OUTPUT);
    // now - (uptime - ticks/hz) = 1700000100.5 - (1000 - 990) s
    expect(facts.services.find((s) => s.name === 'kubelet')).toEqual({
      name: 'kubelet',
      running: true,
      startedAt: 1_700_000_090_500,
    });
    expect(facts.services.find((s) => s.name === 'keepalived')).toEqual({
      name: 'keepalived',
      running: false,
      startedAt: null,
    });
    expect(facts.staticPods.map((p) => p.running)).toEqual([true, false, true]);
    expect(facts.vrrp).toEqual({ state: 'BACKUP', writtenAt: 1_700_000_099_250 });
    expect(facts.vip).toBe('free');
  });

  it('counts a service it cannot read as not running, never as running', () => {
    const facts = parseNodeFacts('worker-0', 'worker', 'now 1700000100.5\nuptime 10\nhz 100\n');
    expect(facts.services).toEqual([
      { name: 'containerd', running: false, startedAt: null },
      { name: 'kubelet', running: false, startedAt: null },
    ]);
    expect(facts.vip).toBeUndefined();
  });

  it('asks a worker for its node services only, a master also for etcd, keepalived and the VIP', () => {
    expect(nodeFactsScript('worker', { vip: '10.0.0.200' })).not.toMatch(/etcd|keepalived|vip/);
    const master = nodeFactsScript('master', { vip: '10.0.0.200' });
    expect(master).toContain('for unit in containerd kubelet etcd keepalived');
    expect(master).toContain('" 10.0.0.200/"');
    expect(master).toContain('dev eth0 |');
  });

  it("asks an inventory host about the VIP on the inventory's interface", () => {
    const script = nodeFactsScript('master', {
      vip: '192.168.10.100',
      vipNetwork: { interface: 'ens3', prefix: 22 },
    });
    expect(script).toContain('ip -4 -o addr show dev ens3 | grep -q " 192.168.10.100/"');
  });
});
