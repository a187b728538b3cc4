import type { Provider } from '../runtime/provider.js';
import { LABEL_LAB, LABEL_MANAGED } from '../core/topology.js';

export interface TeardownResult {
  containers: number;
  networks: number;
  volumes: number;
}

/**
 * Removes everything that carries the lab's label: containers (with their volumes), then
 * networks, then any named volume left. Idempotent: a lab that does not exist removes nothing.
 */
export async function removeLabResources(provider: Provider, lab: string): Promise<TeardownResult> {
  const labels = { [LABEL_MANAGED]: 'true', [LABEL_LAB]: lab };
  const containers = await provider.listMachines(labels);
  await Promise.all(containers.map((c) => provider.removeMachine(c.name)));
  const networks = (await provider.listNetworks()).filter(
    (n) => n.labels[LABEL_MANAGED] === 'true' && n.labels[LABEL_LAB] === lab,
  );
  for (const network of networks) await provider.removeNetwork(network.name);
  const volumes = await provider.listVolumes(labels);
  await Promise.all(volumes.map((v) => provider.removeVolume(v)));
  return { containers: containers.length, networks: networks.length, volumes: volumes.length };
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
