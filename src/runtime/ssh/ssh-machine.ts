import type { Labels } from '../provider.js';
import type { ConnectFn } from './host-links.js';
import type { HostKeyVerifier } from './host-key-policy.js';
import type { SshTarget } from './ssh-auth.js';

/** One machine of an inventory lab: a host, the node it is, and how its power is switched. */
export interface SshMachine {
  /** The machine name the lab uses (halab-<lab>-master-0). */
  machine: string;
  /** The lab's node name (master-0). */
  node: string;
  target: SshTarget;
  /** The lab, node and role labels, as listMachines and watchEvents filter by them. */
  labels: Labels;
  /** The interface carrying the node IP and the VIP (kernelAddresses reads it). */
  interface: string;
  /** On a master: the VIP, which a kill by signals takes off the host like a power-off would. */
  vip?: { address: string; prefix: number };
  /** argv run on the operator's machine (a hypervisor CLI); both or neither. */
  powerOff?: string[];
  powerOn?: string[];
}

export interface SshProviderOptions {
  /** How messages name where the machines are (the inventory file). */
  address: string;
  machines: SshMachine[];
  hostKeys: HostKeyVerifier;
  signal?: AbortSignal;
  /** How a connection is opened; connectSsh unless a test scripts the hosts. */
  connect?: ConnectFn;
}
