import type { Labels, SnapshotPart, SnapshotStore } from '../../src/runtime/provider.js';
import type { FakeProvider } from './fake-provider.js';

/**
 * The fake provider's snapshots: a capture records the machine's labels as a committed image
 * and copies its containerd volume by name; a restore brings the copies back under the
 * machine's own volume names. Refuses what Docker would (a running machine, a missing copy).
 */
export function fakeSnapshotStore(fake: FakeProvider): SnapshotStore {
  const store: SnapshotStore = {
    capture: async (machine, tag, labels) => {
      fake.call(`capture ${machine} ${tag}`);
      const m = fake.machine(machine);
      if (m.state === 'running') throw new Error(`${machine} is running: freeze it first`);
      fake.snapshotImages.set(tag, { labels: { ...m.spec.labels, ...labels }, from: machine });
      const volume = `${machine}-containerd`;
      const copy = `${tag.replace(/[^a-zA-Z0-9_.-]+/g, '-')}-${volume}`;
      fake.volumes.set(copy, labels);
      fake.volumeSources.set(copy, volume);
      return { machine, image: tag, volumes: [{ volume, copy }], bytes: 1000 };
    },
    restoreVolumes: async (capture, volumeLabels) => {
      fake.call(`restore volumes ${capture.machine}`);
      if (fake.machines.has(capture.machine)) throw new Error(`${capture.machine} still exists`);
      for (const { volume, copy } of capture.volumes) {
        if (!fake.volumes.has(copy)) throw new Error(`no such volume: ${copy}`);
        fake.volumes.set(volume, volumeLabels);
        fake.volumeSources.set(volume, copy);
      }
    },
    list: async (labels) => {
      fake.call('list snapshots');
      const match = (l: Labels) =>
        Object.entries(labels).every(([k, v]) => (v === '' ? k in l : l[k] === v));
      const parts: SnapshotPart[] = [];
      for (const [name, image] of fake.snapshotImages)
        if (match(image.labels))
          parts.push({ kind: 'image', name, labels: image.labels, bytes: 500 });
      for (const [name, l] of fake.volumes)
        if (match(l)) parts.push({ kind: 'volume', name, labels: l, bytes: 500 });
      return parts;
    },
    remove: async (labels) => {
      fake.call('remove snapshots');
      const parts = await store.list(labels);
      for (const p of parts) {
        if (p.kind === 'image') fake.snapshotImages.delete(p.name);
        else fake.volumes.delete(p.name);
      }
      return parts.length;
    },
  };
  return store;
}
