import { execa } from 'execa';
import { CLI } from './cli.js';

/** `ha-lab scenario run` in the background, as a user starts it, its step log kept. */
export function startScenario(lab: string, scenario: string, reportDir: string) {
  const child = execa(
    'node',
    [CLI, 'scenario', 'run', scenario, '--name', lab, '--report-dir', reportDir],
    { reject: false, stdin: 'ignore' },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return {
    child,
    get stderr() {
      return stderr;
    },
    /** The first match of `pattern` in the step log; throws with the log after `ms`. */
    async until(pattern: RegExp, ms = 300_000): Promise<RegExpExecArray> {
      const end = Date.now() + ms;
      for (;;) {
        const match = pattern.exec(stderr);
        if (match) return match;
        if (Date.now() > end) throw new Error(`the run never printed ${pattern}:\n${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
  };
}
