import { UsageError } from '../core/errors.js';

/**
 * Kubernetes 1.36 is the default: the newest minor still supported upstream that runs with
 * Debian bookworm's containerd 1.6 (1.37 needs containerd 2.x) and, with failCgroupV1: false,
 * on cgroup v1 hosts. 1.34 is the oldest allowed. These are the patches the Go module proxy
 * serves and this project has built.
 */
export const KNOWN_KUBERNETES_PATCHES: Record<string, string> = {
  '1.34': 'v1.34.4',
  '1.35': 'v1.35.4',
  '1.36': 'v1.36.3',
};
export const DEFAULT_KUBERNETES_VERSION = 'v1.36.3';
export const OLDEST_MINOR = 34;
export const NEWEST_MINOR = 36;

/** etcd for the external cluster: kubeadm 1.34-1.36 accept 3.5.24+ and recommend 3.6. */
export const ETCD_VERSION = 'v3.6.16';

export interface KubernetesVersion {
  version: string;
  major: number;
  minor: number;
  patch: number;
}

/** Accepts "1.36", "v1.36" or an exact "v1.35.4"; refuses minors ha-lab cannot run. */
export function resolveKubernetesVersion(input: string | undefined): KubernetesVersion {
  const raw = (input ?? DEFAULT_KUBERNETES_VERSION).trim().replace(/^v/, '');
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(raw);
  if (!match) {
    throw new UsageError(
      'invalid-kubernetes-version',
      `invalid --kubernetes-version "${input}": use a version such as 1.36 or v1.35.4`,
    );
  }
  const major = Number(match[1]);
  const minor = Number(match[2]);
  if (major !== 1 || minor < OLDEST_MINOR || minor > NEWEST_MINOR) {
    throw new UsageError(
      'unsupported-kubernetes-version',
      `Kubernetes ${raw} is not supported: use 1.${OLDEST_MINOR} to 1.${NEWEST_MINOR} (1.37+ needs containerd 2.x in the node image)`,
    );
  }
  const version = match[3] !== undefined ? `v${raw}` : KNOWN_KUBERNETES_PATCHES[`1.${minor}`];
  if (!version)
    throw new UsageError('unsupported-kubernetes-version', `no known patch release of 1.${minor}`);
  const patch = Number(version.split('.')[2]);
  return { version, major, minor, patch };
}

/** Kubernetes 1.35+ refuse cgroup v1 unless told otherwise (and kubeadm's preflight must skip it). */
export function needsCgroupV1Override(version: KubernetesVersion, cgroupV1: boolean): boolean {
  return cgroupV1 && version.minor >= 35;
}

/** The -X flags that make `kubeadm version` and `kubeadm config images list` report the real version. */
export function kubernetesLdflags(version: KubernetesVersion): string {
  const vars = {
    gitVersion: version.version,
    gitMajor: String(version.major),
    gitMinor: String(version.minor),
    gitTreeState: 'clean',
    buildDate: '1970-01-01T00:00:00Z',
  };
  const flags: string[] = [];
  for (const pkg of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
    for (const [name, value] of Object.entries(vars)) flags.push(`-X ${pkg}.${name}=${value}`);
  }
  return flags.join(' ');
}

export const KUBERNETES_COMMANDS = [
  'kubeadm',
  'kubelet',
  'kubectl',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kube-proxy',
] as const;

export const CONTROL_PLANE_COMMANDS = [
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
] as const;

/**
 * kubeadm upgrades one minor at a time (or to a later patch of the same minor) and never
 * down: the same rule its `upgrade plan` applies. Returns why not, or undefined when allowed.
 */
export function upgradeRefusal(from: KubernetesVersion, to: KubernetesVersion): string | undefined {
  const same = from.minor === to.minor;
  if (same && to.patch === from.patch) return `the lab already runs ${from.version}`;
  if (to.minor < from.minor || (same && to.patch < from.patch))
    return `${to.version} is older than the lab's ${from.version}: kubeadm does not downgrade`;
  if (to.minor > from.minor + 1)
    return `kubeadm upgrades one minor at a time: go to 1.${from.minor + 1} first (the lab runs ${from.version})`;
  return undefined;
}
