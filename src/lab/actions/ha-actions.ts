import type { Action } from '../action.js';
import type { LabContext } from '../lab-context.js';
import { clusterReadyAction } from './cluster-ready.js';
import { etcdAction, pkiAction } from './etcd-action.js';
import { keepalivedAction } from './keepalived-action.js';
import { joinMastersAction, joinWorkersAction, kubeadmInitAction } from './kubeadm-actions.js';
import { podNetworkAction } from './podnet-action.js';

/** The HA bring-up, in the order operators run it on VMs (recipe.md). */
export function haActions(): Action<LabContext>[] {
  return [
    pkiAction,
    podNetworkAction,
    etcdAction,
    keepalivedAction,
    kubeadmInitAction,
    joinMastersAction,
    joinWorkersAction,
    clusterReadyAction,
  ];
}
