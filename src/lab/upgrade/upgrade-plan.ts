import type { NodeSpec, Topology } from '../../core/topology.js';
import { masters } from '../../core/topology.js';

/** What happens on one node, in kubeadm's HA order. */
export interface NodeUpgrade {
  node: string;
  role: NodeSpec['role'];
  /** `kubeadm upgrade apply` (the first master) or `kubeadm upgrade node` (every other node). */
  kubeadm: 'apply' | 'node';
  /** The VIP holder: its keepalived stops first, so the VIP moves once, onto an upgraded master. */
  moveVipAway: boolean;
}

/**
 * kubeadm's order for an HA cluster: one control-plane node applies the upgrade, the other
 * control planes follow one at a time, then the workers one at a time. The masters that do
 * not hold the VIP go first (the first of them applies), so the VIP never points at a
 * restarting API server: it moves once, gracefully, when its holder's turn comes, onto a
 * master that already runs the new version. With no holder (or several: a split brain the
 * upgrade must not start on, refused by the caller) the order is the topology's.
 */
export function planUpgrade(topology: Topology, vipHolder: string | undefined): NodeUpgrade[] {
  const group = masters(topology);
  const ordered = [
    ...group.filter((m) => m.name !== vipHolder),
    ...group.filter((m) => m.name === vipHolder),
  ];
  const workers = topology.nodes.filter((n) => n.role === 'worker');
  return [
    ...ordered.map((m, i) => ({
      node: m.name,
      role: m.role,
      kubeadm: i === 0 ? ('apply' as const) : ('node' as const),
      moveVipAway: m.name === vipHolder,
    })),
    ...workers.map((w) => ({
      node: w.name,
      role: w.role,
      kubeadm: 'node' as const,
      moveVipAway: false,
    })),
  ];
}
