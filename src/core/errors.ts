/** Exit statuses shared by every command (see README, "Troubleshooting"). */
export const ExitCode = {
  ok: 0,
  runtime: 1,
  usage: 2,
  checkFailed: 3,
  interrupted: 130,
  terminated: 143,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * Every error ha-lab expects carries a code, an exit status and a one-line message that
 * says what is wrong and what to do. The CLI prints `message` alone (no stack) unless --debug.
 */
export class HaLabError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;
  constructor(code: string, message: string, exitCode: ExitCode, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HaLabError';
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** Bad input: flags, names, files. Exit 2. */
export class UsageError extends HaLabError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, ExitCode.usage, options);
    this.name = 'UsageError';
  }
}

/** The environment or a step at run time failed. Exit 1. */
export class RuntimeError extends HaLabError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, ExitCode.runtime, options);
    this.name = 'RuntimeError';
  }
}

/** A verification check failed. Exit 3. */
export class CheckFailedError extends HaLabError {
  constructor(message: string) {
    super('check-failed', message, ExitCode.checkFailed);
    this.name = 'CheckFailedError';
  }
}

/** The user interrupted (SIGINT 130, SIGTERM 143). */
export class InterruptedError extends HaLabError {
  constructor(signal: 'SIGINT' | 'SIGTERM') {
    super(
      'interrupted',
      `interrupted by ${signal}`,
      signal === 'SIGTERM' ? ExitCode.terminated : ExitCode.interrupted,
    );
    this.name = 'InterruptedError';
  }
}

/** Turns anything thrown into a HaLabError so the CLI has one shape to print. */
export function asHaLabError(error: unknown): HaLabError {
  if (error instanceof HaLabError) return error;
  if (error instanceof Error && error.name === 'AbortError') {
    const reason = (error as Error & { cause?: unknown }).cause;
    if (reason instanceof HaLabError) return reason;
    return new InterruptedError('SIGINT');
  }
  const message = error instanceof Error ? error.message : String(error);
  return new RuntimeError('unexpected', firstLine(message), { cause: error });
}

export function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim().length > 0) ?? text;
  return line.trim();
}
