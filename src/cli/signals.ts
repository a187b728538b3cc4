import { InterruptedError } from '../core/errors.js';

/**
 * Ctrl-C and SIGTERM abort the running use case through one AbortSignal, so undo and cleanup
 * run; a second Ctrl-C gives up on cleanup and exits at once.
 */
export function installSignalHandlers(): AbortController {
  const controller = new AbortController();
  let count = 0;
  const handler = (signal: 'SIGINT' | 'SIGTERM') => {
    count += 1;
    if (count > 1) {
      process.stderr.write('ha-lab: interrupted again, exiting without cleanup\n');
      process.exit(signal === 'SIGTERM' ? 143 : 130);
    }
    process.stderr.write(
      `\nha-lab: ${signal} received, cleaning up (press Ctrl-C again to exit at once)\n`,
    );
    controller.abort(new InterruptedError(signal));
  };
  process.on('SIGINT', () => handler('SIGINT'));
  process.on('SIGTERM', () => handler('SIGTERM'));
  return controller;
}
