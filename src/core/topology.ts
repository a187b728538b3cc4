import { UsageError } from './errors.js';

/** One source of truth for names, addresses, labels and ports. Everything imports these. */

export type Role = 'master' | 'worker';

export interface NodeSpec {
  /** "master-0" .. "worker-2": also the hostname and the Kubernetes node name. */
  name: string;
  role: Role;
  /** 0..2 within its role. */
  index: number;
  /** 0..5 across the lab: picks the pod CIDR and the overlay address. */
  ordinal: number;
  ip: string;
  /** keepalived priority (masters only; distinct so the election is deterministic). */
  priority: number;
  /** This node's pod CIDR (e.g. 10.244.3.0/24). */
  podCidr: string;
  /** This node's address on the VXLAN overlay that carries pod traffic between nodes. */
  overlayIp: string;
  /** On an inventory lab: the user's machine this node is, and how SSH reaches it. */
  host?: NodeHost;
}

/** A machine of the user's inventory (absent on a Docker lab, whose nodes are containers). */
export interface NodeHost {
  /** The name the inventory gives it (what the user calls the machine). */
  name: string;
  /** Where SSH reaches it; may differ from the node's `ip` (NAT, a management network). */
  address: string;
  port: number;
  user: string;
}

export interface Topology {
  lab: string;
  subnet: string;
  /** The range Docker may allocate from; the VIP lies outside it. On an inventory lab nothing
   * allocates, and it equals `subnet`. */
  ipRange: string;
  /** The lab network's gateway. On an inventory lab the subnet's first address, by convention
   * only: ha-lab does not know the user's router. */
  gateway: string;
  vip: string;
  /** Where the VIP lives on an inventory lab (the hosts' interface and the VIP's prefix);
   * absent on a Docker lab, whose nodes all have eth0 on a /24. */
  vipNetwork?: { interface: string; prefix: number };
  podSubnet: string;
  serviceSubnet: string;
  /** The cluster DNS service address (10th address of the service subnet, as kubeadm does). */
  dnsServiceIp: string;
  nodes: NodeSpec[];
}

/**
 * The nodes' link: the interface carrying node IPs and the VIP, and the VIP's prefix. A
 * Docker lab's nodes all have eth0 on a /24; an inventory names its hosts' own.
 */
export function labLink(t: Pick<Topology, 'vipNetwork'>): { interface: string; prefix: number } {
  return t.vipNetwork ?? { interface: 'eth0', prefix: 24 };
}

export const LABEL_MANAGED = 'io.ha-lab.managed';
export const LABEL_LAB = 'io.ha-lab.lab';
export const LABEL_NODE = 'io.ha-lab.node';
export const LABEL_ROLE = 'io.ha-lab.role';
export const LABEL_TEST = 'io.ha-lab.test';
/** On a snapshot's images and volumes: the snapshot's name. */
export const LABEL_SNAPSHOT = 'io.ha-lab.snapshot';
/** On a containerd seed volume: the node image it was made from. */
export const LABEL_SEED = 'io.ha-lab.seed';
/** What a node's preload unit (images/node-files/.../halab-preload) touches once its images are in. */
export const PRELOADED_MARKER = '/run/ha-lab-preloaded';

export const API_PORT = 6443;
export const ETCD_CLIENT_PORT = 2379;
export const ETCD_PEER_PORT = 2380;
export const VXLAN_PORT = 4789;
export const VXLAN_ID = 4242;

export const MASTER_COUNT = 3;
export const WORKER_COUNT = 3;
export const MASTER_PRIORITIES = [150, 140, 130] as const;
export const DEFAULT_LAB_NAME = 'ha-lab';
export const POD_SUBNET = '10.244.0.0/16';
export const SERVICE_SUBNET = '10.96.0.0/16';
/** The cluster DNS service: the 10th address of the service subnet, as kubeadm picks it. */
export const DNS_SERVICE_IP = '10.96.0.10';
export const OVERLAY_SUBNET_PREFIX = '10.245.0';

/** Where each node sits in its /24: masters .11-.13, workers .21-.23, the VIP at .200. */
const MASTER_HOST = 11;
const WORKER_HOST = 21;
const VIP_HOST = 200;

const LAB_NAME = /^[a-z][a-z0-9-]{0,29}$/;

export function validateLabName(name: string): string {
  if (!LAB_NAME.test(name) || name.endsWith('-')) {
    throw new UsageError(
      'invalid-lab-name',
      `invalid lab name "${name}": use 1-30 lowercase letters, digits and dashes, starting with a letter`,
    );
  }
  return name;
}

/** Parses "a.b.c.0/24" and insists on a /24 with the host part zero: the layout needs one. */
export function parseSubnet(subnet: string): { prefix: string; cidr: string } {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(subnet);
  const octets = match?.slice(1, 5).map(Number) ?? [];
  if (!match || octets.some((o) => o > 255) || match[5] !== '24' || octets[3] !== 0) {
    throw new UsageError(
      'invalid-subnet',
      `invalid subnet "${subnet}": give a /24 such as 172.30.5.0/24`,
    );
  }
  const prefix = octets.slice(0, 3).join('.');
  return { prefix, cidr: `${prefix}.0/24` };
}

export function nodeNames(): string[] {
  return [
    ...Array.from({ length: MASTER_COUNT }, (_, i) => `master-${i}`),
    ...Array.from({ length: WORKER_COUNT }, (_, i) => `worker-${i}`),
  ];
}

export function buildTopology(lab: string, subnet: string): Topology {
  validateLabName(lab);
  const { prefix, cidr } = parseSubnet(subnet);
  const nodes: NodeSpec[] = [];
  for (let i = 0; i < MASTER_COUNT; i++) {
    nodes.push(nodeSpec('master', i, nodes.length, `${prefix}.${MASTER_HOST + i}`));
  }
  for (let i = 0; i < WORKER_COUNT; i++) {
    nodes.push(nodeSpec('worker', i, nodes.length, `${prefix}.${WORKER_HOST + i}`));
  }
  return {
    lab,
    subnet: cidr,
    // Docker allocates only from .0/25 (.1-.127); the VIP (.200) can never be handed out.
    ipRange: `${prefix}.0/25`,
    gateway: `${prefix}.1`,
    vip: `${prefix}.${VIP_HOST}`,
    podSubnet: POD_SUBNET,
    serviceSubnet: SERVICE_SUBNET,
    dnsServiceIp: DNS_SERVICE_IP,
    nodes,
  };
}

/** One node of either kind of lab: priority, pod CIDR and overlay address follow from its place. */
export function nodeSpec(role: Role, index: number, ordinal: number, ip: string): NodeSpec {
  return {
    name: `${role}-${index}`,
    role,
    index,
    ordinal,
    ip,
    priority: role === 'master' ? (MASTER_PRIORITIES[index] ?? 100) : 0,
    podCidr: `10.244.${ordinal}.0/24`,
    overlayIp: `${OVERLAY_SUBNET_PREFIX}.${ordinal + 1}`,
  };
}

export function masters(topology: Topology): NodeSpec[] {
  return topology.nodes.filter((n) => n.role === 'master');
}

export function workers(topology: Topology): NodeSpec[] {
  return topology.nodes.filter((n) => n.role === 'worker');
}

export function findNode(topology: Topology, name: string): NodeSpec {
  const node = topology.nodes.find((n) => n.name === name);
  if (!node) {
    throw new UsageError(
      'unknown-node',
      `unknown node "${name}": use one of ${topology.nodes.map((n) => n.name).join(', ')}`,
    );
  }
  return node;
}

/** Docker names: the lab name prefixes everything so two labs never collide. */
export function containerName(lab: string, node: string): string {
  return `${lab}-${node}`;
}

export function networkName(lab: string): string {
  return `${lab}-net`;
}

export function labLabels(lab: string): Record<string, string> {
  return { [LABEL_MANAGED]: 'true', [LABEL_LAB]: lab };
}
