/**
 * kubelet's systemd units as the upstream kubeadm packages (pkgs.k8s.io deb/rpm) ship them:
 * ha-lab builds kubelet from source, so nothing installs these for it.
 */

export const KUBELET_UNIT_PATH = '/usr/lib/systemd/system/kubelet.service';
export const KUBEADM_DROP_IN_PATH = '/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf';
export const DEFAULT_KUBELET_BIN = '/usr/bin/kubelet';

export function renderKubeletUnit(kubeletBinPath: string = DEFAULT_KUBELET_BIN): string {
  return `[Unit]
Description=kubelet: The Kubernetes Node Agent
Documentation=https://kubernetes.io/docs/
Wants=network-online.target
After=network-online.target

[Service]
ExecStart=${kubeletBinPath}
Restart=always
StartLimitInterval=0
RestartSec=10

[Install]
WantedBy=multi-user.target
`;
}

/**
 * kubeadm writes /var/lib/kubelet/config.yaml and kubeadm-flags.env during init/join; until
 * then kubelet exits and systemd restarts it, which is expected.
 */
export function renderKubeadmDropIn(kubeletBinPath: string = DEFAULT_KUBELET_BIN): string {
  return `# Note: This dropin only works with kubeadm and kubelet v1.11+
[Service]
Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"
Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"
# This is a file that "kubeadm init" and "kubeadm join" generates at runtime, populating the KUBELET_KUBEADM_ARGS variable dynamically
EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env
# This is a file that the user can use for overrides of the kubelet args as a last resort. Preferably, the user should use
# the .NodeRegistration.KubeletExtraArgs object in the configuration files instead. KUBELET_EXTRA_ARGS should be sourced from this file.
EnvironmentFile=-/etc/default/kubelet
ExecStart=
ExecStart=${kubeletBinPath} $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS
`;
}
