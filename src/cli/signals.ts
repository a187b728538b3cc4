import { setMaxListeners } from 'node:events';
import { InterruptedError } from '../core/errors.js';

/**
 * Ctrl-C and SIGTERM abort the running use case through one AbortSignal, so undo and cleanup
 * run; a second Ctrl-C gives up on cleanup and exits at once. A closed terminal (SIGHUP: a
 * tmux or SSH session ended under the dashboard) cleans up like SIGTERM: a dashboard that
 * started a scenario must still undo its faults.
 */
export function installSignalHandlers(): AbortController {
  const controller = new AbortController();
  // Every host connection, upload and wait of a command listens to this one signal: an
  // inventory lab's six hosts alone pass Node's default warning threshold of ten.
  setMaxListeners(200, controller.signal);
  let count = 0;
  const handler = (signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP') => {
    count += 1;
    const asSignal = signal === 'SIGINT' ? 'SIGINT' : 'SIGTERM';
    if (signal === 'SIGHUP') {
      // Nobody reads the terminal any more: a write to it must not crash the cleanup.
      process.stdout.on('error', () => undefined);
      process.stderr.on('error', () => undefined);
    }
    if (count > 1) {
      if (signal !== 'SIGHUP')
        process.stderr.write('ha-lab: interrupted again, exiting without cleanup\n');
      process.exit(asSignal === 'SIGTERM' ? 143 : 130);
    }
    if (signal !== 'SIGHUP')
      process.stderr.write(
        `\nha-lab: ${signal} received, cleaning up (press Ctrl-C again to exit at once)\n`,
      );
    controller.abort(new InterruptedError(asSignal));
  };
  process.on('SIGINT', () => handler('SIGINT'));
  process.on('SIGTERM', () => handler('SIGTERM'));
  process.on('SIGHUP', () => handler('SIGHUP'));
  return controller;
}
