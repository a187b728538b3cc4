import type { History } from '../history.js';
import { formatDuration } from '../scenario/duration.js';

export type Figures = Record<string, number | string | boolean | null>;

/** The outcome of one check; `figures` are the measured numbers reports and --repeat aggregate. */
export interface Verdict {
  check: string;
  passed: boolean;
  /** One line a person can act on: what was measured against what limit. */
  summary: string;
  figures: Figures;
  /**
   * The moment (ms since the epoch) the verdict rests on, e.g. when the new VIP holder
   * appeared or an outage began, so a report can point at it; absent when no moment decides.
   */
  decidedAt?: number;
}

/** One fault as the run applied it, rebuilt from its FaultRecord entries. */
export interface FaultWindow {
  id: string;
  fault: string;
  /** The node names it hit (a special target such as vip-holder already resolved). */
  targets: string[];
  appliedAt: number;
  /** For service faults: which service. */
  service?: string;
  /** An inventory host's power fault: how it was done (see FaultRecord). */
  method?: 'power-command' | 'service-signals';
  /** When its undo finished; null while it was still active at the end of the run. */
  undoneAt: number | null;
  /** When its (last) undo was issued; older histories lack it, then it is undoneAt. */
  undoIssuedAt: number | null;
  undoFailed: boolean;
  /**
   * A day-2 operation rather than a fault: it began at `appliedAt`, its end counts as the undo
   * (the lab must be whole after it), and `services` are what it stopped and started again.
   */
  operation?: boolean;
  services?: string[];
}

export interface CheckContext {
  masters: string[];
  /** Every Kubernetes node that must be Ready once the lab has recovered. */
  nodes: string[];
  /** In the order they were applied. */
  faults: FaultWindow[];
}

export type Checker<E> = (history: History, expectation: E, context: CheckContext) => Verdict;

export function verdict(
  check: string,
  passed: boolean,
  summary: string,
  figures: Figures = {},
  decidedAt?: number,
): Verdict {
  return { check, passed, summary, figures, ...(decidedAt === undefined ? {} : { decidedAt }) };
}

/** "+12.3s": a moment as an offset from the start of the run, which is how timelines read. */
export function offset(history: History, at: number): string {
  return `+${formatDuration(Math.max(0, at - history.startedAt))}`;
}

export { formatDuration };

export function byTime<T extends { at: number }>(items: T[]): T[] {
  return [...items].sort((a, b) => a.at - b.at);
}
