import { Writable } from 'node:stream';
import type { CliContext } from '../../src/cli/cli-context.js';
import { buildProgram } from '../../src/cli/program.js';
import { ExitCode, HaLabError } from '../../src/core/errors.js';

export interface InProcessRun {
  /** The exit status main() would map the outcome to. */
  exit: number;
  /** Everything the command printed, stdout and stderr together. */
  stdout: string;
  /** The error's code and one-line message, when it ended in one. */
  code?: string;
  message: string;
}

/**
 * `ha-lab ARGS` run in-process for commands that must never reach the Docker engine: making
 * the provider throws, so a command that asks for it fails the test with `refusal`.
 */
export async function runWithoutEngine(args: string[], refusal: string): Promise<InProcessRun> {
  let stdout = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      stdout += chunk.toString();
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  const ctx: CliContext = {
    signal: new AbortController().signal,
    usageErrors: [],
    stdout: sink,
    stderr: sink,
    provider: () => {
      throw new Error(refusal);
    },
    reach: () => Promise.reject(new Error(refusal)),
    labProvider: () => Promise.reject(new Error(refusal)),
  };
  try {
    await buildProgram(ctx).parseAsync(['node', 'ha-lab', ...args]);
    return { exit: ExitCode.ok, stdout, message: '' };
  } catch (error) {
    if (!(error instanceof HaLabError)) throw error;
    return { exit: error.exitCode, stdout, code: error.code, message: error.message };
  }
}
