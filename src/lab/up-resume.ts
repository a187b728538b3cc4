import { UsageError } from '../core/errors.js';
import { LABEL_NODE } from '../core/topology.js';
import { runActions } from './action.js';
import { haActions } from './actions/ha-actions.js';
import { haResumeActions } from './actions/resume-actions.js';
import { createNodes, waitForSystemd } from './actions/node-actions.js';
import { newLabContext } from './lab-context.js';
import { type LabState, ensureStateDir, labTopology } from './lab-state.js';
import type { UpOptions, UpResult } from './up-options.js';

/** `up` on an existing lab: start stopped nodes (e.g. after an engine restart), else refuse. */
export async function resume(
  state: LabState,
  containers: { name: string; state: string; labels: Record<string, string> }[],
  options: UpOptions,
): Promise<UpResult> {
  const allRunning = containers.length === 6 && containers.every((c) => c.state === 'running');
  if (
    allRunning &&
    (state.phase === 'ready' || (options.nodesOnly && state.phase === 'nodes-running'))
  ) {
    throw new UsageError(
      'lab-exists',
      `lab "${state.lab}" is already up: see \`ha-lab status --name ${state.lab}\`, or \`ha-lab down --name ${state.lab}\` first`,
    );
  }
  if (state.phase !== 'ready' && state.phase !== 'nodes-running') {
    throw new UsageError(
      'lab-incomplete',
      `lab "${state.lab}" was left half-made (phase ${state.phase}): run \`ha-lab down --name ${state.lab}\`, then \`ha-lab up\``,
    );
  }
  const topology = labTopology(state);
  const stateDir = await ensureStateDir(state.lab);
  const context = newLabContext({ provider: options.provider, topology, state, stateDir }, options);
  const since = Date.now();
  const stopped = containers
    .filter((c) => c.state !== 'running')
    .map((c) => c.labels[LABEL_NODE])
    .filter((n): n is string => n !== undefined);
  await runActions(
    [
      createNodes,
      waitForSystemd,
      ...(state.phase === 'ready' ? haResumeActions(stopped, since) : []),
    ],
    context,
  );
  if (state.phase === 'nodes-running' && !options.nodesOnly) {
    // A nodes-only lab asked for the full cluster: provision it on the running nodes.
    await context.saveState({ phase: 'provisioning' });
    await runActions(haActions(), context);
    await context.saveState({ phase: 'ready' });
  }
  return { state: context.state, resumed: true };
}
