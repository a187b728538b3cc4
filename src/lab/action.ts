import type { NodeRunner } from '../runtime/node-runner.js';
import { HaLabError, RuntimeError, firstLine } from '../core/errors.js';
import type { EventSink } from '../core/events.js';

/**
 * `up` is an ordered list of small named actions (kind's model). Each reports started/done
 * with its duration; a failure names the phase and the node.
 */
export interface Action<C> {
  name: string;
  run(ctx: C): Promise<void>;
}

export class PhaseError extends RuntimeError {
  constructor(
    readonly phase: string,
    readonly node: string | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('phase-failed', `${phase}${node ? ` on ${node}` : ''} failed: ${message}`, options);
  }
}

/** Attaches the node name to an error raised while working on it. */
export class NodeStepError extends Error {
  constructor(
    readonly node: string,
    readonly inner: unknown,
  ) {
    super(inner instanceof Error ? inner.message : String(inner));
  }
}

export async function onNode<T>(node: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof NodeStepError) throw error;
    throw new NodeStepError(node, error);
  }
}

export async function runActions<C extends { events: EventSink; signal?: AbortSignal | undefined }>(
  actions: Action<C>[],
  ctx: C,
): Promise<void> {
  for (const action of actions) {
    ctx.signal?.throwIfAborted();
    const started = Date.now();
    ctx.events({ kind: 'phase-started', at: started, phase: action.name });
    try {
      await action.run(ctx);
    } catch (error) {
      if (ctx.signal?.aborted) throw ctx.signal.reason ?? error;
      const node = error instanceof NodeStepError ? error.node : undefined;
      const inner = error instanceof NodeStepError ? error.inner : error;
      const message =
        inner instanceof HaLabError
          ? inner.message
          : firstLine(inner instanceof Error ? inner.message : String(inner));
      ctx.events({
        kind: 'phase-failed',
        at: Date.now(),
        phase: action.name,
        message,
        ...(node ? { node } : {}),
      });
      throw new PhaseError(action.name, node, message, { cause: inner });
    }
    ctx.events({
      kind: 'phase-done',
      at: Date.now(),
      phase: action.name,
      durationMs: Date.now() - started,
    });
  }
}

/**
 * Runs `step` on each node at once with its runner; a failure names the node. The common
 * shape of every per-node provisioning action.
 */
export async function onEachNode<N extends { name: string }>(
  ctx: { runners: Record<string, NodeRunner> },
  nodes: readonly N[],
  step: (node: N, runner: NodeRunner) => Promise<void>,
): Promise<void> {
  await Promise.all(
    nodes.map((node) =>
      onNode(node.name, async () => {
        const runner = ctx.runners[node.name];
        if (!runner) throw new Error(`no runner for ${node.name}`);
        await step(node, runner);
      }),
    ),
  );
}

/** One named step outside an action list (artifacts, hosts), reported like an action. */
export async function runStep<T>(
  options: { events: EventSink; signal?: AbortSignal | undefined },
  phase: string,
  step: () => Promise<T>,
): Promise<T> {
  const started = Date.now();
  options.events({ kind: 'phase-started', at: started, phase });
  try {
    const result = await step();
    options.events({ kind: 'phase-done', at: Date.now(), phase, durationMs: Date.now() - started });
    return result;
  } catch (error) {
    if (!options.signal?.aborted) {
      const message =
        error instanceof HaLabError
          ? error.message
          : ((error as Error).message?.split('\n')[0] ?? String(error));
      options.events({ kind: 'phase-failed', at: Date.now(), phase, message });
    }
    throw error;
  }
}
