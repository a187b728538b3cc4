import { execa } from 'execa';
import { ROOT } from './cli.js';

/**
 * The real dashboard in a tmux pane of its own tmux server (a previous server may still be
 * shutting down), 100x30. The pane outlives the dashboard, so a crash leaves its message on
 * the screen for the failure text, and `quit` can tell the dashboard has exited.
 */
export async function openDashboard(lab: string) {
  const server = `ha-lab-test-${lab}`;
  const tmux = (...args: string[]) => execa('tmux', ['-L', server, ...args], { reject: false });
  const opened = await tmux(
    'new-session',
    '-d',
    '-s',
    'tui',
    '-x',
    '100',
    '-y',
    '30',
    `node ${ROOT}dist/cli/main.js tui --name ${lab}; sleep 600`,
  );
  if (opened.exitCode !== 0) throw new Error(`tmux did not start: ${opened.stderr}`);
  const screen = async () => (await tmux('capture-pane', '-p', '-t', 'tui')).stdout;
  const running = async () =>
    (await execa('pgrep', ['-f', `dist/cli/main.js tui --name ${lab}$`], { reject: false }))
      .exitCode === 0;
  return {
    screen,
    async keys(...keys: string[]): Promise<void> {
      for (const key of keys) await tmux('send-keys', '-t', 'tui', key);
    },
    /** Polls the screen until `check` holds; throws with the last screen after `ms`. */
    async waitFor(what: string, check: (s: string) => boolean, ms: number): Promise<string> {
      const end = Date.now() + ms;
      let last = '';
      while (Date.now() < end) {
        last = await screen();
        if (check(last)) return last;
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error(`screen never showed ${what}:\n${last}`);
    },
    /**
     * True once the dashboard process has exited (within `ms`). Asked of the process table:
     * the pane's current command names whichever child the dashboard runs at that moment.
     */
    async exited(ms: number): Promise<boolean> {
      const end = Date.now() + ms;
      while ((await running()) && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
      return !(await running());
    },
    async close(): Promise<void> {
      await tmux('kill-server');
    },
  };
}

/** The grid row of a node on a captured screen (not the header, which names the VIP holder). */
export function rowOf(screen: string, node: string): string {
  const row = new RegExp(`\\s${node}\\s+(master|worker)\\s`);
  return screen.split('\n').find((l) => row.test(l)) ?? '';
}
