import { basename, dirname } from 'node:path';
import { PRELOADED_MARKER } from '../core/topology.js';
import { ETCD_DATA_DIR, ETCD_PKI_DIR, ETCD_UNIT_PATH } from './etcd.js';
import { HOST_LEDGER_DIR, type HostLedger } from './host-ledger.js';
import { HOST_MODULES_PATH, HOST_SYSCTL_PATH } from './host-kernel.js';
import {
  KEEPALIVED_BOOTSTRAP_MARKER,
  KEEPALIVED_CHECK_SCRIPT_PATH,
  KEEPALIVED_CONF_PATH,
  KEEPALIVED_NOTIFY_SCRIPT_PATH,
} from './keepalived.js';
import { ADMIN_KUBECONFIG, KUBELET_RESOLV_CONF_PATH } from './kubeadm.js';
import {
  CNI_CONFLIST_PATH,
  POD_NETWORK_SCRIPT_PATH,
  POD_NETWORK_UNIT_NAME,
  POD_NETWORK_UNIT_PATH,
} from './podnet.js';
import { KUBEADM_DROP_IN_PATH, KUBELET_UNIT_PATH } from './units.js';

/**
 * What ha-lab leaves on a host, for `down --inventory` (host-teardown.ts) to take away: the
 * footprint every node has, and what the host's ledger adds to it.
 */

/**
 * Debian's policy-rc.d: while ha-lab's exits 101, no package's maintainer script starts a
 * service. The install removes it; a host that died mid-install keeps it, and `down` removes
 * it by this marker (a policy-rc.d of the host's own is never touched).
 */
export const POLICY_RC_PATH = '/usr/sbin/policy-rc.d';
export const POLICY_RC_MARKER = '# ha-lab: no service starts while packages install';
/** sh: true when the policy-rc.d there is ha-lab's. */
export const POLICY_RC_IS_OURS = `grep -qxF '${POLICY_RC_MARKER}' ${POLICY_RC_PATH} 2>/dev/null`;

/** Units, files and directories the HA phases and ha-lab's operations leave on any node. */
export const NODE_FOOTPRINT = {
  /** kubelet first: stopped, it no longer restarts the pods being removed. */
  units: [
    basename(KUBELET_UNIT_PATH),
    basename(ETCD_UNIT_PATH),
    'keepalived.service',
    POD_NETWORK_UNIT_NAME,
  ],
  files: [
    ETCD_UNIT_PATH,
    KEEPALIVED_CONF_PATH,
    KEEPALIVED_CHECK_SCRIPT_PATH,
    KEEPALIVED_NOTIFY_SCRIPT_PATH,
    KEEPALIVED_BOOTSTRAP_MARKER,
    CNI_CONFLIST_PATH,
    POD_NETWORK_SCRIPT_PATH,
    POD_NETWORK_UNIT_PATH,
    KUBELET_RESOLV_CONF_PATH,
    KUBELET_UNIT_PATH,
    HOST_SYSCTL_PATH,
    HOST_MODULES_PATH,
    PRELOADED_MARKER,
  ],
  dirs: [
    dirname(ETCD_PKI_DIR),
    ETCD_DATA_DIR,
    dirname(ADMIN_KUBECONFIG),
    dirname(KUBEADM_DROP_IN_PATH),
    // kubelet's, CNI's IPAM leases, kubelet's pod logs: no ha-lab module names them.
    '/var/lib/kubelet',
    '/var/lib/cni',
    '/var/log/pods',
    '/var/log/containers',
    // Named in layers above (tests check they match): VRRP state, image archives and
    // snapshots, upgrade staging, .deb staging.
    '/run/ha-lab',
    '/var/lib/ha-lab',
    '/var/tmp/ha-lab-upgrade',
    '/var/cache/ha-lab',
  ],
} as const;

/** Every rule ha-lab adds carries a comment starting so (fault tags, the pod masquerade). */
export const RULE_COMMENT_PREFIX = 'ha-lab';

/** A containerd ha-lab installed goes whole: its images and state are ha-lab's too. */
const CONTAINERD_DIRS = ['/var/lib/containerd', '/run/containerd', '/etc/containerd'];

export function planHostTeardown(ledger: HostLedger | undefined) {
  const unique = (values: string[]) => [...new Set(values)];
  const packages = ledger?.packages ?? [];
  const ownContainerd = packages.includes('containerd');
  const units = unique([
    ...NODE_FOOTPRINT.units,
    ...(ledger?.units ?? []),
    ...(ownContainerd ? ['containerd.service'] : []),
  ]);
  return {
    units,
    files: unique([...NODE_FOOTPRINT.files, ...(ledger?.files ?? [])]),
    dirs: unique([
      ...NODE_FOOTPRINT.dirs,
      ...(ledger?.dirs ?? []).filter((d) => d !== HOST_LEDGER_DIR),
      ...(ownContainerd ? CONTAINERD_DIRS : []),
    ]),
    packages,
    ownContainerd,
  };
}
