import type { Provider } from '../runtime/provider.js';
import { LABEL_LAB, LABEL_MANAGED, LABEL_SNAPSHOT } from '../core/topology.js';

export interface TeardownResult {
  containers: number;
  networks: number;
  volumes: number;
  /** Snapshot images and volumes removed. */
  snapshotParts: number;
}

/**
 * Removes everything that carries the lab's label: containers (with their volumes), then
 * networks, then any named volume left. Idempotent: a lab that does not exist removes nothing.
 * Snapshots stay unless asked for: only `down` removes them (a failed `up --from-snapshot`
 * must not take its snapshot with it).
 */
export async function removeLabResources(
  provider: Provider,
  lab: string,
  options: { snapshots: 'keep' | 'remove' } = { snapshots: 'keep' },
): Promise<TeardownResult> {
  const labels = { [LABEL_MANAGED]: 'true', [LABEL_LAB]: lab };
  const containers = await provider.listMachines(labels);
  await Promise.all(containers.map((c) => provider.removeMachine(c.name)));
  const networks = (await provider.listNetworks()).filter(
    (n) => n.labels[LABEL_MANAGED] === 'true' && n.labels[LABEL_LAB] === lab,
  );
  for (const network of networks) await provider.removeNetwork(network.name);
  const snapshotVolumes = new Set(
    (await provider.snapshots.list({ ...labels, [LABEL_SNAPSHOT]: '' }))
      .filter((p) => p.kind === 'volume')
      .map((p) => p.name),
  );
  const volumes = (await provider.listVolumes(labels)).filter((v) => !snapshotVolumes.has(v));
  await Promise.all(volumes.map((v) => provider.removeVolume(v)));
  const snapshotParts =
    options.snapshots === 'remove'
      ? await provider.snapshots.remove({ ...labels, [LABEL_SNAPSHOT]: '' })
      : 0;
  return {
    containers: containers.length,
    networks: networks.length,
    volumes: volumes.length,
    snapshotParts,
  };
}

/** Every lab that has resources in the engine (users' labs and test labs alike). */
export async function listLabNames(provider: Provider): Promise<string[]> {
  const containers = await provider.listMachines({ [LABEL_MANAGED]: 'true' });
  const names = new Set(
    containers.map((c) => c.labels[LABEL_LAB]).filter((n): n is string => Boolean(n)),
  );
  for (const network of await provider.listNetworks()) {
    const lab = network.labels[LABEL_LAB];
    if (network.labels[LABEL_MANAGED] === 'true' && lab) names.add(lab);
  }
  return [...names].sort();
}
