import { setMaxListeners } from 'node:events';
import type { OpenLab } from '../../lab/open-lab.js';
import type { HistoryEntry } from '../history.js';
import { apiProbe } from './api-probe.js';
import { etcdProbe } from './etcd-probe.js';
import { nodesProbe } from './nodes-probe.js';
import type { ProbeContext, ProbeOptions } from './probe-context.js';
import { vipProbe } from './vip-probe.js';
import { workloadProbe } from './workload-probe.js';
import { readerProbe, writerProbe } from './writer-probe.js';

export interface RunningProbes {
  stop(): Promise<void>;
}

/**
 * Starts every probe. They stop on stop(), or by themselves at the duration or entry bound,
 * whichever comes first: probing never outlives its run.
 */
export function startProbes(
  lab: OpenLab,
  options: ProbeOptions,
  sink: (entry: HistoryEntry) => void,
  include: { writer: boolean } = { writer: true },
): RunningProbes {
  const controller = new AbortController();
  // One listener per probe loop and stream: more than Node's default warning threshold of 10.
  setMaxListeners(64, controller.signal);
  let count = 0;
  const bound = setTimeout(() => {
    sink({
      type: 'note',
      at: Date.now(),
      message: `probes stopped at their ${Math.round(options.maxDurationMs / 1000)} s bound`,
    });
    controller.abort();
  }, options.maxDurationMs);
  const ctx: ProbeContext = {
    lab,
    options,
    signal: controller.signal,
    emit(entry) {
      if (controller.signal.aborted) return;
      count += 1;
      if (count > options.maxEntries) {
        sink({
          type: 'note',
          at: Date.now(),
          message: `probes stopped at their ${options.maxEntries} sample bound`,
        });
        controller.abort();
        return;
      }
      sink(entry);
    },
  };
  const loops = [
    ...vipProbe(ctx),
    ...apiProbe(ctx),
    ...etcdProbe(ctx),
    nodesProbe(ctx),
    ...(include.writer ? [...writerProbe(ctx), readerProbe(ctx)] : []),
    // Only when the scenario deployed one: no workload, no loops.
    ...workloadProbe(ctx),
  ];
  return {
    async stop() {
      clearTimeout(bound);
      controller.abort();
      await Promise.race([Promise.allSettled(loops), new Promise((r) => setTimeout(r, 5000))]);
    },
  };
}
