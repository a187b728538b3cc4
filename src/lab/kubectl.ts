import { access, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { EventSink } from '../core/events.js';
import { cacheRoot, labStateDir } from '../core/paths.js';
import { validateLabName } from '../core/topology.js';
import { runHostAttached } from '../runtime/host-commands.js';
import { kubeconfigPath } from './actions/kubeadm-actions.js';
import { ensureKubernetesBinaries } from './artifacts/go-binaries.js';
import { checkEntry } from './artifacts/cache-manifest.js';
import { forwarderKubeconfigPath } from './forwarder-access.js';
import { readLabState } from './lab-state.js';
import { resolveKubernetesVersion } from './versions.js';

/**
 * A kubectl of the lab's own Kubernetes version from the cache (ha-lab built it for the lab,
 * from Go modules or a checked release download), built now if the cache has none.
 */
async function kubectlFor(version: string, events: EventSink, signal?: AbortSignal) {
  const dir = join(cacheRoot(), 'bin', 'kubernetes');
  const entries = await readdir(dir).catch(() => [] as string[]);
  for (const entry of entries.filter((e) => e.startsWith(`${version}-`))) {
    const check = await checkEntry(join(dir, entry));
    if (check.ok && 'kubectl' in check.manifest.files) return join(dir, entry, 'kubectl');
  }
  const set = await ensureKubernetesBinaries(resolveKubernetesVersion(version), {
    cacheRoot: cacheRoot(),
    logDir: join(cacheRoot(), 'logs'),
    events,
    signal,
  });
  return join(set.dir, 'kubectl');
}

/** `ha-lab kubectl ARGS`: the lab's kubectl against the lab, on the user's terminal. */
export async function runLabKubectl(
  labName: string,
  args: string[],
  events: EventSink,
  signal?: AbortSignal,
): Promise<number> {
  const lab = validateLabName(labName);
  const state = await readLabState(lab);
  if (!state || state.phase !== 'ready')
    throw new UsageError(
      'lab-not-ready',
      `lab "${lab}" is not up: start it with \`ha-lab up --name ${lab}\``,
    );
  const stateDir = labStateDir(lab);
  const kubeconfig =
    state.accessMode === 'forwarder' ? forwarderKubeconfigPath(stateDir) : kubeconfigPath(stateDir);
  await access(kubeconfig);
  const kubectl = await kubectlFor(state.kubernetesVersion, events, signal);
  return runHostAttached(kubectl, ['--kubeconfig', kubeconfig, ...args], { signal });
}
