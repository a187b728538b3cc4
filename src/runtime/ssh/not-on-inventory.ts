import { UsageError } from '../../core/errors.js';
import type { ImageStore, SeedStore, SnapshotStore } from '../provider.js';

/**
 * What a Docker lab does with its engine and an inventory lab cannot: the machines are the
 * user's hosts, which ha-lab neither creates nor images. Exit 2 with what to do instead, so a
 * command that reaches one of these on an inventory lab says so rather than half-working.
 */
export function notOnInventory(what: string, instead: string): UsageError {
  return new UsageError(
    'not-on-inventory',
    `${what} is not available on an inventory lab (its machines are your hosts, reached over SSH): ${instead}`,
  );
}

const refuse = (what: string, instead: string) => async (): Promise<never> => {
  throw notOnInventory(what, instead);
};

export const NOT_ON_INVENTORY = {
  createMachine: refuse('creating a machine', 'add the host to the inventory file instead'),
  removeMachine: refuse(
    'removing a machine',
    'ha-lab down --inventory FILE undoes what ha-lab set up on the hosts',
  ),
  createInternalNetwork: refuse(
    'creating a network',
    'the hosts use the network they are on (the inventory names the interface and the VIP)',
  ),
  removeNetwork: refuse('removing a network', 'ha-lab creates no network on an inventory lab'),
  removeVolume: refuse('removing a volume', 'ha-lab creates no volume on an inventory lab'),
  engineInfo: refuse(
    'the container engine check',
    'check the hosts with ha-lab doctor --inventory FILE',
  ),
  privilegedWorks: refuse(
    'the privileged-machine check',
    'check the hosts with ha-lab doctor --inventory FILE',
  ),
  internalNetworkHasDefaultRoute: refuse(
    'the internal-network route check',
    'check the hosts with ha-lab doctor --inventory FILE',
  ),
  ensureForwarder: refuse(
    'a port forwarder',
    'reach the API server at the VIP (or a master) on your network directly',
  ),
};

const IMAGES = 'node images';
const IMAGES_INSTEAD =
  'the hosts get their binaries and component images from the host bundle (ha-lab build --for-hosts)';
export const INVENTORY_IMAGES: ImageStore = {
  labels: refuse(IMAGES, IMAGES_INSTEAD),
  id: refuse(IMAGES, IMAGES_INSTEAD),
  build: refuse(IMAGES, IMAGES_INSTEAD),
  save: refuse(IMAGES, IMAGES_INSTEAD),
  ensureBase: refuse(IMAGES, IMAGES_INSTEAD),
};

const SNAPSHOTS = 'snapshot and reset';
const SNAPSHOTS_INSTEAD = "snapshot the hosts' VMs with your hypervisor";
export const INVENTORY_SNAPSHOTS: SnapshotStore = {
  capture: refuse(SNAPSHOTS, SNAPSHOTS_INSTEAD),
  restoreVolumes: refuse(SNAPSHOTS, SNAPSHOTS_INSTEAD),
  list: refuse(SNAPSHOTS, SNAPSHOTS_INSTEAD),
  remove: refuse(SNAPSHOTS, SNAPSHOTS_INSTEAD),
};

const SEEDS = 'seeded containerd volumes';
const SEEDS_INSTEAD = "ha-lab up --inventory imports the role's images into each host's containerd";
export const INVENTORY_SEEDS: SeedStore = {
  ensure: refuse(SEEDS, SEEDS_INSTEAD),
  plant: refuse(SEEDS, SEEDS_INSTEAD),
};
