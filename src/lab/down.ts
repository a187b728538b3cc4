import type { Provider } from '../runtime/provider.js';
import { lockLab } from './lab-lock.js';
import { removeLabState } from './lab-state.js';
import { type TeardownResult, removeLabResources } from './teardown.js';
import { validateLabName } from '../core/topology.js';

/** Removes everything with the lab's label and its state; a lab that does not exist is fine. */
export async function down(
  provider: Provider,
  labName: string,
  options: { purge: boolean; keepSnapshots?: boolean },
): Promise<TeardownResult> {
  const lab = validateLabName(labName);
  await provider.ping();
  const unlock = await lockLab(lab, 'down');
  try {
    const result = await removeLabResources(provider, lab, {
      snapshots: options.keepSnapshots ? 'keep' : 'remove',
    });
    await removeLabState(lab, {
      keepBundles: !options.purge,
      keepSnapshots: Boolean(options.keepSnapshots),
    });
    return result;
  } finally {
    await unlock().catch(() => undefined);
  }
}
