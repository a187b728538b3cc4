import { setTimeout as delay } from 'node:timers/promises';
import { RuntimeError } from './errors.js';

export interface WaitOptions {
  /** What is awaited, for the timeout message ("etcd to report one leader"); a function is
   * asked at the timeout, so the message can say what was still missing. */
  what: string | (() => string);
  timeoutMs: number;
  intervalMs?: number;
  signal?: AbortSignal | undefined;
}

/**
 * Polls `check` until it returns a value that is not undefined, or the deadline passes.
 * Every wait in ha-lab goes through here so none can hang: there is always a deadline,
 * and the abort signal (Ctrl-C) ends it at once.
 */
export async function waitFor<T>(
  check: () => Promise<T | undefined>,
  options: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 500;
  let lastError: unknown;
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      const value = await untilAborted(check(), options.signal);
      if (value !== undefined) return value;
    } catch (error) {
      // A check in flight (a node command, a request) must not hold Ctrl-C up.
      options.signal?.throwIfAborted();
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const detail =
        lastError instanceof Error ? ` (last error: ${lastError.message.split('\n')[0]})` : '';
      throw new RuntimeError(
        'timeout',
        `timed out after ${Math.round(options.timeoutMs / 1000)} s waiting for ${typeof options.what === 'function' ? options.what() : options.what}${detail}`,
      );
    }
    await delay(Math.min(interval, Math.max(0, deadline - Date.now())), undefined, {
      signal: options.signal,
    });
  }
}

/** `work`, or the abort as soon as the signal fires, whichever comes first. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Runs `task` with its own time limit; the returned promise rejects when it passes. */
export async function withTimeout<T>(
  what: string,
  timeoutMs: number,
  task: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    return await Promise.race([
      task(controller.signal),
      new Promise<never>((_, reject) =>
        controller.signal.addEventListener('abort', () =>
          reject(
            new RuntimeError(
              'timeout',
              `${what} did not finish within ${Math.round(timeoutMs / 1000)} s`,
            ),
          ),
        ),
      ),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * waitFor whose deadline is an answer, not an error: it returns `fallback()` (typically the
 * last thing seen) when time runs out. Ctrl-C still ends it at once with the abort.
 */
export async function waitForOr<T>(
  check: () => Promise<T | undefined>,
  options: WaitOptions,
  fallback: () => T,
): Promise<T> {
  try {
    return await waitFor(check, options);
  } catch (error) {
    if (options.signal?.aborted) throw error;
    if (error instanceof RuntimeError && error.code === 'timeout') return fallback();
    throw error;
  }
}
