import type { SeedStore } from '../../src/runtime/provider.js';
import type { FakeProvider } from './fake-provider.js';

/** The fake provider's seeds: one per role, and a planted volume remembers its seed. */
export function fakeSeedStore(fake: FakeProvider): SeedStore {
  return {
    ensure: async (image, role) => {
      fake.call(`seed ${role}`);
      const name = `seed-${role}`;
      fake.seedVolumes.set(name, image);
      return name;
    },
    plant: async (seed, machine, labels) => {
      fake.call(`plant ${machine}`);
      if (!fake.seedVolumes.has(seed)) throw new Error(`no such volume: ${seed}`);
      if (fake.machines.has(machine)) throw new Error(`${machine} exists`);
      fake.volumes.set(`${machine}-containerd`, labels);
      fake.volumeSources.set(`${machine}-containerd`, seed);
    },
  };
}
