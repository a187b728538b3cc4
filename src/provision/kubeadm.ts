import { stringify } from 'yaml';
import { UsageError } from '../core/errors.js';
import { API_PORT, masters, type NodeSpec, type Topology } from '../core/topology.js';
import {
  APISERVER_ETCD_CLIENT_CERT,
  APISERVER_ETCD_CLIENT_KEY,
  etcdEndpoints,
  KUBE_ETCD_CA_CERT,
} from './etcd.js';

export const KUBEADM_API_VERSION = 'kubeadm.k8s.io/v1beta4';
export const KUBELET_API_VERSION = 'kubelet.config.k8s.io/v1beta1';
export const KUBE_PROXY_API_VERSION = 'kubeproxy.config.k8s.io/v1alpha1';
export const CRI_SOCKET = 'unix:///run/containerd/containerd.sock';
export const IMAGE_REPOSITORY = 'registry.k8s.io';
/** Where kubeadm writes the cluster-admin kubeconfig on a control-plane node. */
export const ADMIN_KUBECONFIG = '/etc/kubernetes/admin.conf';

/** kubectl as cluster admin on a control-plane node: the argv, `args` appended. */
export function adminKubectl(args: string[]): string[] {
  return ['kubectl', `--kubeconfig=${ADMIN_KUBECONFIG}`, ...args];
}
export const DNS_DOMAIN = 'cluster.local';
export const KUBEADM_CONFIG_PATH = '/etc/kubernetes/ha-lab/kubeadm.yaml';
/** The resolv.conf kubelet hands to pods with dnsPolicy Default, CoreDNS among them. */
export const KUBELET_RESOLV_CONF_PATH = '/etc/kubelet-resolv.conf';
export const BOOTSTRAP_TOKEN_TTL = '2h';

/** kubeadm v1beta4's argument form: a list, so a flag may repeat. */
export interface KubeadmArg {
  name: string;
  value: string;
}

interface NodeRegistrationInput {
  node: NodeSpec;
  /** Preflight checks to skip, e.g. SystemVerification on cgroup v1 hosts. */
  ignorePreflightErrors?: readonly string[];
  /**
   * Leave unset to get kubeadm's default (control planes tainted NoSchedule, workers not);
   * an empty list removes the control-plane taint so workloads may run on masters.
   */
  taints?: readonly { key: string; effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' }[];
}

export interface InitConfigInput extends NodeRegistrationInput {
  topology: Topology;
  kubernetesVersion: string;
  /** "abcdef.0123456789abcdef". */
  bootstrapToken: string;
  /** 64 hex characters; encrypts the certificates `--upload-certs` stores for other masters. */
  certificateKey: string;
  /** Extra API server certificate SANs, e.g. a host-side forwarder's name. */
  extraCertSans?: readonly string[];
  /** The host runs cgroup v1: Kubernetes 1.35+ kubelets refuse to start there by default. */
  cgroupV1: boolean;
}

export interface JoinConfigInput extends NodeRegistrationInput {
  topology: Topology;
  bootstrapToken: string;
  /** "sha256:<hex>" pins of the cluster CA. */
  caCertHashes: readonly string[];
  /** Required for masters (joined as control planes), ignored for workers. */
  certificateKey?: string;
}

/** The init phase `up` runs later, on its own (see the join action). */
export const DEFERRED_INIT_PHASE = 'addon/coredns';

/**
 * One file for `kubeadm init --config`: InitConfiguration and ClusterConfiguration, plus the
 * kubelet and kube-proxy component configs, which kubeadm stores in the cluster so every
 * node that joins later gets the same settings.
 */
export function renderInitConfig(input: InitConfigInput): string {
  const { topology, node } = input;
  const init = {
    apiVersion: KUBEADM_API_VERSION,
    kind: 'InitConfiguration',
    bootstrapTokens: [
      {
        token: input.bootstrapToken,
        ttl: BOOTSTRAP_TOKEN_TTL,
        usages: ['signing', 'authentication'],
        groups: ['system:bootstrappers:kubeadm:default-node-token'],
      },
    ],
    certificateKey: input.certificateKey,
    // Explicit: kubeadm otherwise picks the address of the default route (kubeadm#2604).
    localAPIEndpoint: { advertiseAddress: node.ip, bindPort: API_PORT },
    nodeRegistration: nodeRegistration(input),
    // Deployed by `kubeadm init phase addon coredns` once a second node exists: made here,
    // both replicas would land on master-0, the only node, and need a restart to spread.
    skipPhases: [DEFERRED_INIT_PHASE],
  };
  const cluster = {
    apiVersion: KUBEADM_API_VERSION,
    kind: 'ClusterConfiguration',
    kubernetesVersion: input.kubernetesVersion,
    clusterName: topology.lab,
    controlPlaneEndpoint: `${topology.vip}:${API_PORT}`,
    imageRepository: IMAGE_REPOSITORY,
    apiServer: {
      certSANs: unique([
        topology.vip,
        ...masters(topology).map((m) => m.ip),
        '127.0.0.1',
        'localhost',
        ...(input.extraCertSans ?? []),
      ]),
    },
    controllerManager: {
      // ha-lab gives each node a fixed pod CIDR in its CNI config and overlay routes.
      extraArgs: [{ name: 'allocate-node-cidrs', value: 'false' }] satisfies KubeadmArg[],
    },
    etcd: {
      external: {
        endpoints: etcdEndpoints(topology),
        caFile: KUBE_ETCD_CA_CERT,
        certFile: APISERVER_ETCD_CLIENT_CERT,
        keyFile: APISERVER_ETCD_CLIENT_KEY,
      },
    },
    networking: {
      podSubnet: topology.podSubnet,
      serviceSubnet: topology.serviceSubnet,
      dnsDomain: DNS_DOMAIN,
    },
  };
  return [init, cluster, kubeletConfiguration(input), kubeProxyConfiguration(topology)]
    .map((doc) => stringify(doc))
    .join('---\n');
}

/** `kubeadm join --config` for a worker, or for a master as an extra control plane. */
export function renderJoinConfig(input: JoinConfigInput): string {
  const { topology, node } = input;
  const controlPlane =
    node.role === 'master'
      ? {
          controlPlane: {
            localAPIEndpoint: { advertiseAddress: node.ip, bindPort: API_PORT },
            certificateKey: requireCertificateKey(input),
          },
        }
      : {};
  const join = {
    apiVersion: KUBEADM_API_VERSION,
    kind: 'JoinConfiguration',
    discovery: {
      bootstrapToken: {
        apiServerEndpoint: `${topology.vip}:${API_PORT}`,
        token: input.bootstrapToken,
        caCertHashes: [...input.caCertHashes],
      },
    },
    nodeRegistration: nodeRegistration(input),
    ...controlPlane,
  };
  return stringify(join);
}

/**
 * Docker's resolv.conf names 127.0.0.11; CoreDNS given that forwards to itself and its loop
 * plugin exits. With no nameserver at all its forward plugin fails to start. The lab gateway
 * is a non-loopback address that answers no DNS (the lab is offline): out-of-cluster names
 * fail fast, cluster names are served by CoreDNS itself.
 */
export function renderKubeletResolvConf(topology: Topology): string {
  return `nameserver ${topology.gateway}\noptions ndots:5 timeout:1 attempts:1\n`;
}

function nodeRegistration(input: NodeRegistrationInput): Record<string, unknown> {
  return {
    name: input.node.name,
    criSocket: CRI_SOCKET,
    // Every image is preloaded and no registry is reachable.
    imagePullPolicy: 'Never',
    // Explicit for the same reason as advertiseAddress: never the default route's address.
    kubeletExtraArgs: [{ name: 'node-ip', value: input.node.ip }] satisfies KubeadmArg[],
    ...(input.ignorePreflightErrors?.length
      ? { ignorePreflightErrors: [...input.ignorePreflightErrors] }
      : {}),
    ...(input.taints ? { taints: input.taints.map((t) => ({ ...t })) } : {}),
  };
}

function kubeletConfiguration(input: InitConfigInput): Record<string, unknown> {
  return {
    apiVersion: KUBELET_API_VERSION,
    kind: 'KubeletConfiguration',
    // containerd 1.6 cannot report its cgroup driver, so kubelet must be told.
    cgroupDriver: 'systemd',
    ...(input.cgroupV1 ? { failCgroupV1: false } : {}),
    failSwapOn: false,
    // Never garbage-collect or evict the preloaded images: nothing could pull them back.
    imageGCHighThresholdPercent: 100,
    evictionHard: {
      'nodefs.available': '0%',
      'nodefs.inodesFree': '0%',
      'imagefs.available': '0%',
    },
    resolvConf: KUBELET_RESOLV_CONF_PATH,
    clusterDNS: [input.topology.dnsServiceIp],
    clusterDomain: DNS_DOMAIN,
    serializeImagePulls: false,
  };
}

function kubeProxyConfiguration(topology: Topology): Record<string, unknown> {
  return {
    apiVersion: KUBE_PROXY_API_VERSION,
    kind: 'KubeProxyConfiguration',
    // The kernel has no IPVS; iptables is what the node image's backend is aligned with.
    mode: 'iptables',
    clusterCIDR: topology.podSubnet,
    // nf_conntrack_max is global to the host kernel; a node container must not resize it.
    conntrack: { maxPerCore: 0 },
  };
}

function requireCertificateKey(input: JoinConfigInput): string {
  if (!input.certificateKey) {
    throw new UsageError(
      'missing-certificate-key',
      `joining ${input.node.name} as a control plane needs the certificate key from kubeadm init`,
    );
  }
  return input.certificateKey;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
