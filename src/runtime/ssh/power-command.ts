import { execa } from 'execa';
import { RuntimeError, firstLine } from '../../core/errors.js';

/** A hypervisor CLI answers in seconds; one that hangs must not hold a fault's undo forever. */
export const POWER_COMMAND_TIMEOUT_MS = 120_000;

/**
 * Runs one of a host's power commands (`powerOff`, `powerOn` from the inventory) on the
 * operator's machine: argv as given, no shell, so nothing in it is interpreted twice.
 */
export async function runPowerCommand(
  machine: string,
  argv: readonly string[],
  signal?: AbortSignal,
  timeoutMs = POWER_COMMAND_TIMEOUT_MS,
): Promise<void> {
  const [file, ...args] = argv;
  if (file === undefined) {
    throw new RuntimeError('power-command-failed', `${machine}: the power command is empty`);
  }
  const shown = `\`${argv.join(' ')}\``;
  const result = await execa(file, args, {
    reject: false,
    timeout: timeoutMs,
    stdin: 'ignore',
    ...(signal ? { cancelSignal: signal } : {}),
  });
  if (result.isCanceled) {
    throw signal?.reason ?? new RuntimeError('canceled', `${machine}: ${shown} was canceled`);
  }
  if (!result.failed) return;
  const why = result.timedOut
    ? `did not finish within ${Math.round(timeoutMs / 1000)} s`
    : result.exitCode !== undefined
      ? `exited ${result.exitCode}`
      : result.signal !== undefined
        ? `was ended by ${result.signal}`
        : `could not run (${firstLine(result.originalMessage ?? result.shortMessage ?? 'no reason given')})`;
  const stderr = String(result.stderr ?? '').trim();
  throw new RuntimeError(
    'power-command-failed',
    `${machine}: ${shown} ${why}${stderr ? `: ${firstLine(stderr)}` : ''}`,
  );
}
