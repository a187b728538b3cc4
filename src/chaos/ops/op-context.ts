import { runnerFor } from '../../lab/node-access.js';
import type { OpenLab } from '../../lab/open-lab.js';
import type { NodeRunner } from '../../runtime/node-runner.js';
import type { HistoryEntry, OpRecord } from '../history.js';

/** What an operation sees: the lab, its targets, and a way to record each step it takes. */
export interface OpContext {
  lab: OpenLab;
  id: string;
  op: string;
  targets: string[];
  /** The version an upgrade goes to (only the upgrade operation takes one). */
  to?: string | undefined;
  runId: string;
  /** Ends the operation early: only the engine going away or its own time limit. */
  signal: AbortSignal;
  record: (entry: HistoryEntry) => void;
  log: (line: string) => void;
  /** Runs one named step and records it with its start and duration (also when it fails). */
  step<T>(name: string, node: string | undefined, work: () => Promise<T>): Promise<T>;
  runner(node: string): NodeRunner;
}

/** One day-2 operation: what it stops and starts again (for "whole"), and how it runs. */
export interface Operation {
  /** Services it stops and starts again on each target; recovery demands fresh processes. */
  restarts: string[];
  run(ctx: OpContext): Promise<void>;
}

export function newOpContext(base: Omit<OpContext, 'step' | 'runner'>, target: string): OpContext {
  const ctx: OpContext = {
    ...base,
    runner: (node) => runnerFor(base.lab.runners, node),
    async step(name, node, work) {
      const startedAt = Date.now();
      base.log(`  ${base.op}: ${name}${node ? ` on ${node}` : ''}`);
      const entry = (extra: Partial<OpRecord>): OpRecord => ({
        type: 'op',
        at: Date.now(),
        id: base.id,
        op: base.op,
        target,
        phase: 'step',
        step: name,
        ...(node ? { node } : {}),
        startedAt,
        durationMs: Date.now() - startedAt,
        ...extra,
      });
      try {
        const value = await work();
        base.record(entry(describe(value)));
        return value;
      } catch (error) {
        base.record(entry({ message: `failed: ${firstLine(error)}` }));
        throw error;
      }
    },
  };
  return ctx;
}

/** A step that returns numbers or strings (a revision, a member id) keeps them in its record. */
function describe(value: unknown): Partial<OpRecord> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  const values = Object.fromEntries(
    Object.entries(value).filter(([, v]) => typeof v === 'number' || typeof v === 'string'),
  ) as Record<string, number | string>;
  return Object.keys(values).length > 0 ? { values } : {};
}

export function firstLine(error: unknown): string {
  return ((error as Error).message ?? String(error)).split('\n')[0] ?? String(error);
}
