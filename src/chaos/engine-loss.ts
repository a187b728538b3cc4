import { LABEL_LAB, LABEL_MANAGED } from '../core/topology.js';
import type { Provider } from '../runtime/provider.js';

export interface EngineLossWatch {
  /** Aborts, with what to do as its reason, when the engine's event stream ends while open. */
  signal: AbortSignal;
  readonly lost: boolean;
  close(): void;
}

/** The runner's note when the engine's event stream ends mid-run; reports look for it. */
export const ENGINE_LOST_NOTE = 'the Docker engine went away';

function engineLostMessage(lab: string): string {
  return `${ENGINE_LOST_NOTE} (an engine restart stops every node unless it runs with live-restore): bring the lab back with \`ha-lab up --name ${lab}\`, then retry`;
}

/**
 * The engine holds an event stream open for as long as it runs; the stream ending while we
 * still listen means the engine stopped or restarted, and the lab's nodes with it. Watching
 * it lets a run stop at once with the real cause, instead of failing checks one by one.
 */
export async function watchEngineLoss(provider: Provider, lab: string): Promise<EngineLossWatch> {
  const controller = new AbortController();
  let closed = false;
  const watcher = await provider.watchEvents(
    { [LABEL_MANAGED]: 'true', [LABEL_LAB]: lab },
    () => undefined,
  );
  void watcher.ended.then(() => {
    if (!closed) controller.abort(new Error(engineLostMessage(lab)));
  });
  return {
    signal: controller.signal,
    get lost() {
      return controller.signal.aborted;
    },
    close() {
      closed = true;
      watcher.close();
    },
  };
}
