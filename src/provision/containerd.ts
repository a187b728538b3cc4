/** Debian's containernetworking-plugins package installs here, not in /opt/cni/bin. */
export const CNI_BIN_DIR = '/usr/lib/cni';
export const CNI_CONF_DIR = '/etc/cni/net.d';

export interface ContainerdConfigInput {
  /** Exactly the pause tag kubeadm expects, or the first sandbox tries a pull and fails. */
  pauseImage: string;
}

const CRI = 'plugins."io.containerd.grpc.v1.cri"';

/** config.toml (schema version 2) for Debian bookworm's containerd 1.6. */
export function renderContainerdConfig(input: ContainerdConfigInput): string {
  return `version = 2

[${CRI}]
  sandbox_image = ${tomlString(input.pauseImage)}
  # The node lacks CAP_SYS_RESOURCE: raising a container's oom_score_adj would fail.
  restrict_oom_score_adj = true

  [${CRI}.containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"

    [${CRI}.containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"

      [${CRI}.containerd.runtimes.runc.options]
        # Must match kubelet's cgroupDriver: containerd 1.6 cannot tell kubelet its driver.
        SystemdCgroup = true

  [${CRI}.cni]
    bin_dir = ${tomlString(CNI_BIN_DIR)}
    conf_dir = ${tomlString(CNI_CONF_DIR)}
`;
}

/** JSON string escapes are valid TOML basic-string escapes. */
function tomlString(value: string): string {
  return JSON.stringify(value);
}
