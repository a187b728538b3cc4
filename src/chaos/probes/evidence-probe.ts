import { setMaxListeners } from 'node:events';
import { gatherLabEvidence } from '../../lab/evidence/lab-evidence.js';
import type { OpenLab } from '../../lab/open-lab.js';
import type { EvidenceSample, HistoryEntry } from '../history.js';
import { tick } from './probe-context.js';

/** A reading takes one exec per node and a few TLS requests: once a second is plenty. */
export const EVIDENCE_INTERVAL_MS = 1000;

export interface EvidenceProbe {
  /** The newest reading, if any was taken. */
  latest(): EvidenceSample | undefined;
  stop(): Promise<void>;
}

/**
 * Reads the evidence "whole" is judged on, once a second, into the history. The runner starts
 * it at the first restore (during the fault it would only add load to a host that is busy
 * failing over) and stops it with the probes.
 */
export function startEvidenceProbe(
  lab: OpenLab,
  sink: (entry: HistoryEntry) => void,
  bound: { maxDurationMs: number },
): EvidenceProbe {
  const controller = new AbortController();
  setMaxListeners(32, controller.signal);
  const deadline = Date.now() + bound.maxDurationMs;
  let newest: EvidenceSample | undefined;
  const loop = (async () => {
    while (!controller.signal.aborted && Date.now() < deadline) {
      const started = Date.now();
      const evidence = await gatherLabEvidence(lab, controller.signal).catch(() => undefined);
      if (evidence && !controller.signal.aborted) {
        newest = { type: 'evidence', ...evidence };
        sink(newest);
      }
      await tick(Math.max(0, EVIDENCE_INTERVAL_MS - (Date.now() - started)), controller.signal);
    }
  })();
  return {
    latest: () => newest,
    async stop() {
      controller.abort();
      await Promise.race([loop, new Promise((r) => setTimeout(r, 5000))]);
    },
  };
}
