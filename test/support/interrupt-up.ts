import { execa } from 'execa';
import { expect } from 'vitest';
import { CLI } from './cli.js';
import { NOTHING, leftovers } from './leftovers.js';

export interface InterruptOptions {
  phase: string;
  signal: 'SIGINT' | 'SIGTERM';
  env: Record<string, string>;
  /** Extra `up` flags (--nodes-only, --keep ...). */
  extra?: string[];
  /** Wait this long after "<phase>: started" before the signal, to land mid-phase. */
  delayMs?: number;
  timeoutMs?: number;
}

/** Starts `up`, sends the signal once the phase has started, and waits for the exit. */
export async function interruptUp(lab: string, options: InterruptOptions) {
  const child = execa('node', [CLI, 'up', '--no-tui', '--name', lab, ...(options.extra ?? [])], {
    reject: false,
    timeout: options.timeoutMs ?? 240_000,
    env: { ...options.env, CI: 'true' },
    stdin: 'ignore',
    // execa would SIGKILL 5 s after a SIGTERM; cleaning up a full lab takes longer than that.
    forceKillAfterDelay: false,
  });
  let stderr = '';
  let sent = false;
  const started = new RegExp(`\\] ${options.phase}: started`);
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (!sent && started.test(stderr)) {
      sent = true;
      setTimeout(() => child.kill(options.signal), options.delayMs ?? 0);
    }
  });
  const result = await child;
  return {
    exitCode: result.exitCode,
    killedBy: result.signal,
    sent,
    stderr,
    durationMs: result.durationMs,
  };
}

/**
 * What an interrupted `up` without --keep must leave: the signal delivered, its exit status,
 * the reason said (no stack trace), nothing in the engine and no state directory.
 */
export async function expectRemovedAfter(
  result: Awaited<ReturnType<typeof interruptUp>>,
  expected: { lab: string; signal: 'SIGINT' | 'SIGTERM'; exitCode: number },
  stateExists: (lab: string) => Promise<boolean>,
): Promise<void> {
  expect(result.sent, result.stderr).toBe(true);
  expect(result.exitCode, result.stderr).toBe(expected.exitCode);
  expect(result.stderr).toContain(`interrupted by ${expected.signal}`);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(await leftovers(expected.lab)).toEqual(NOTHING);
  expect(await stateExists(expected.lab)).toBe(false);
}
