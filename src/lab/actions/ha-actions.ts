import type { Action } from '../action.js';
import type { LabContext } from '../lab-context.js';
import { clusterReadyAction } from './cluster-ready.js';
import { etcdAction, pkiAction } from './etcd-action.js';
import { keepalivedAction } from './keepalived-action.js';
import { joinAction, kubeadmInitAction } from './kubeadm-actions.js';
import { podNetworkAction } from './podnet-action.js';

/**
 * The HA bring-up, in the order operators run it on VMs (recipe.md), with one change that
 * the recipe allows: keepalived starts before the pod network and etcd, which it does not
 * depend on, so that its first election runs while they come up (kubeadm-init waits for the
 * VIP). Within `join` the workers join alongside the control planes.
 */
export function haActions(): Action<LabContext>[] {
  return [
    pkiAction,
    keepalivedAction,
    podNetworkAction,
    etcdAction,
    kubeadmInitAction,
    joinAction,
    clusterReadyAction,
  ];
}
