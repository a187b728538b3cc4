import type { Role } from '../../core/topology.js';

/**
 * What an inventory host must offer before `up --inventory`, defined once for `doctor` now and
 * for `up`'s package install later. The packages are the ones the Docker node image installs
 * (images/node.Dockerfile) for the cluster's own work; openssh, sudo and systemd are assumed,
 * since ha-lab could not have reached or checked the host without them.
 */

const GiB = 1024 ** 3;

/** The one system whose packages ha-lab installs itself (with dpkg, from the operator's cache). */
export const SUPPORTED_OS = {
  id: 'debian',
  versionId: '12',
  name: 'Debian 12',
  codename: 'bookworm',
} as const;

export interface RequiredPackage {
  /** The Debian package name. */
  name: string;
  /** What shows it is present where dpkg cannot tell: a command on PATH or an absolute path. */
  commands: readonly string[];
  roles: readonly Role[];
}

const BOTH: readonly Role[] = ['master', 'worker'];

export const REQUIRED_PACKAGES: readonly RequiredPackage[] = [
  { name: 'containerd', commands: ['containerd'], roles: BOTH },
  { name: 'runc', commands: ['runc'], roles: BOTH },
  // Debian installs the plugins under /usr/lib/cni; other systems use /opt/cni/bin.
  {
    name: 'containernetworking-plugins',
    commands: ['/usr/lib/cni/bridge', '/opt/cni/bin/bridge'],
    roles: BOTH,
  },
  { name: 'iproute2', commands: ['ip'], roles: BOTH },
  { name: 'iptables', commands: ['iptables'], roles: BOTH },
  // The partition fault drops ARP with it, so the VIP cannot be answered across the cut.
  { name: 'arptables', commands: ['arptables'], roles: BOTH },
  // kubeadm's preflight wants conntrack; ethtool and socat it warns about (port-forward).
  { name: 'conntrack', commands: ['conntrack'], roles: BOTH },
  { name: 'ethtool', commands: ['ethtool'], roles: BOTH },
  { name: 'socat', commands: ['socat'], roles: BOTH },
  { name: 'keepalived', commands: ['keepalived'], roles: ['master'] },
  // keepalived's health check asks the local API server (curl) and pings the peer masters.
  { name: 'curl', commands: ['curl'], roles: ['master'] },
  { name: 'iputils-ping', commands: ['ping'], roles: ['master'] },
];

export function packagesFor(role: Role): RequiredPackage[] {
  return REQUIRED_PACKAGES.filter((p) => p.roles.includes(role));
}

export function isSupportedOs(os: { id: string; versionId: string } | undefined): boolean {
  return os?.id === SUPPORTED_OS.id && os.versionId === SUPPORTED_OS.versionId;
}

/** What a host shows of the required packages: dpkg's view, and the commands on its PATH. */
export interface PackagePresence {
  os?: { id: string; versionId: string };
  /** True when dpkg-query answered, so `installedPackages` is authoritative. */
  dpkg: boolean;
  installedPackages: readonly string[];
  commands: Readonly<Record<string, boolean>>;
}

/** On Debian 12 dpkg decides (ha-lab installs with it); elsewhere the commands do. */
export function missingRequiredPackages(role: Role, presence: PackagePresence): string[] {
  const dpkgDecides = isSupportedOs(presence.os) && presence.dpkg;
  return packagesFor(role)
    .filter((p) =>
      dpkgDecides
        ? !presence.installedPackages.includes(p.name)
        : !p.commands.some((c) => presence.commands[c] === true),
    )
    .map((p) => p.name);
}

/** The one line for a host ha-lab cannot install packages on (doctor and `up` alike). */
export function unsupportedOsText(osName: string | undefined, role: Role): string {
  const system = osName ?? 'a system without /etc/os-release';
  const needed = packagesFor(role).map((p) => p.name);
  return `${system} is not ${SUPPORTED_OS.name}: ha-lab cannot install packages there, so ${needed.join(', ')} must be present`;
}

/**
 * Free space on the filesystem holding /var (containerd's images, etcd's data, kubelet and
 * the journal live there); a master also keeps etcd and the control-plane images.
 */
export const MIN_VAR_FREE_BYTES: Record<Role, number> = { master: 10 * GiB, worker: 5 * GiB };
/** Only when / is not /var's filesystem: the binaries ha-lab installs under /usr/local. */
export const MIN_ROOT_FREE_BYTES = 1 * GiB;
export const MIN_AVAILABLE_MEMORY_BYTES: Record<Role, number> = {
  master: 2 * GiB,
  worker: 1 * GiB,
};
/** etcd's lease and raft timing and TLS validity both assume clocks that agree within this. */
export const MAX_CLOCK_SKEW_MS = 2_000;
