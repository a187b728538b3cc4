import { type HaLabError, asHaLabError } from '../core/errors.js';

/**
 * What a command's failure exits with: once Ctrl-C or SIGTERM aborted the command, its signal
 * (130/143) wins over whatever the cleanup threw; otherwise the error's own exit code.
 */
export function failureOf(error: unknown, signal: AbortSignal): HaLabError {
  return signal.aborted ? asHaLabError(signal.reason) : asHaLabError(error);
}
