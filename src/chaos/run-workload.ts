import { withTimeout } from '../core/wait.js';
import type { OpenLab } from '../lab/open-lab.js';
import type { DeployedWorkload } from '../lab/workload.js';
import type { HistoryEntry } from './history.js';
import type { RunnerDeps } from './runner-deps.js';
import type { Scenario } from './scenario/index.js';

export interface RunWorkload {
  /** A deploy was begun: whatever it left behind is removed after the run. */
  attempted: boolean;
  deployed?: DeployedWorkload;
  error?: string;
}

/** Removal waits for the pods' grace (15 s) and the namespace; Ctrl-C must not skip it. */
const REMOVE_LIMIT_MS = 150_000;

/**
 * Deploys the scenario's workload once the starting state is reached and before the probes
 * start, so its own bring-up never counts against it. A failure is the run's error: a
 * scenario that asks for a workload proves nothing about it without one.
 */
export async function deployRunWorkload(
  lab: OpenLab,
  scenario: Scenario,
  deps: Pick<RunnerDeps, 'deployWorkload'>,
  record: (entry: HistoryEntry) => void,
  log: (line: string) => void,
  signal: AbortSignal,
): Promise<RunWorkload> {
  if (!scenario.workload) return { attempted: false };
  log(`deploying the workload (${scenario.workload.replicas} replicas behind a NodePort)`);
  try {
    const deployed = await deps.deployWorkload(
      lab,
      { replicas: scenario.workload.replicas, log },
      signal,
    );
    const paths = deployed.workers.map((w) => w.name).join(', ');
    record({
      type: 'note',
      at: Date.now(),
      message: `workload ${deployed.image} deployed (${deployed.replicas} replicas), probed on NodePort ${deployed.nodePort} through ${paths}`,
    });
    return { attempted: true, deployed };
  } catch (e) {
    const error = `could not deploy the workload: ${(e as Error).message.split('\n')[0]}`;
    record({ type: 'note', at: Date.now(), message: error });
    return { attempted: true, error };
  }
}

/** Removes the workload after the run, under its own time limit; a failure is only noted. */
export async function removeRunWorkload(
  lab: OpenLab,
  workload: RunWorkload,
  deps: Pick<RunnerDeps, 'removeWorkload'>,
  record: (entry: HistoryEntry) => void,
): Promise<void> {
  if (!workload.attempted) return;
  await withTimeout('removing the workload', REMOVE_LIMIT_MS, (signal) =>
    deps.removeWorkload(lab, signal),
  ).catch((e: Error) =>
    record({
      type: 'note',
      at: Date.now(),
      message: `could not remove the workload: ${e.message.split('\n')[0]}`,
    }),
  );
}
