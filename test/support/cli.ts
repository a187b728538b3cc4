import { execa } from 'execa';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = `${ROOT}dist/cli/main.js`;

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** Runs the built CLI exactly as a user would, with a deadline. */
export async function haLab(
  args: string[],
  options: { timeoutMs?: number; env?: Record<string, string>; prefix?: string[] } = {},
): Promise<CliResult> {
  const started = Date.now();
  // A prefix runs the CLI under another command, e.g. setpriv to take capabilities away.
  const [command = 'node', ...commandArgs] = [...(options.prefix ?? []), 'node'];
  const result = await execa(command, [...commandArgs, CLI, ...args], {
    reject: false,
    timeout: options.timeoutMs ?? 900_000,
    env: { ...options.env, CI: 'true' },
    stdin: 'ignore',
  });
  return {
    exitCode: result.exitCode ?? -1,
    stdout: String(result.stdout),
    stderr: String(result.stderr),
    durationMs: Date.now() - started,
  };
}

/** A lab name of the tests' own, never one a user brought up. */
export function testLabName(prefix: string): string {
  return `${prefix}-${process.pid.toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
}
