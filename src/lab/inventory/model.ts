import type { Role } from '../../core/topology.js';

/** One of the user's hosts, as `up --inventory` uses it (paths absolute, defaults filled in). */
export interface InventoryHost {
  name: string;
  /** Where SSH reaches the host: an IPv4 address or a DNS name. */
  address: string;
  port: number;
  user: string;
  /** Absolute path of the private key; absent when the key is in ssh-agent. */
  identityFile?: string;
  /** Authenticate with the agent at SSH_AUTH_SOCK. */
  agent: boolean;
  role: Role;
  /** The IPv4 address the cluster uses on this host (etcd, API server, keepalived). */
  nodeIp: string;
  /** As written in the file, when the cluster's address differs from `address`. */
  internalAddress?: string;
  /** argv run on the operator's machine; both or neither. */
  powerOff?: string[];
  powerOn?: string[];
}

export interface InventoryVip {
  address: string;
  interface: string;
  prefix: number;
}

export interface Inventory {
  /** How the file is named in messages. */
  file: string;
  vip: InventoryVip;
  /** In file order: masters keep their order (first master = highest keepalived priority). */
  hosts: InventoryHost[];
  /** Absolute path of the known_hosts file, when the file names one. */
  knownHosts?: string;
}
