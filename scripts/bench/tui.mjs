// The dashboard's figures: CPU while idle-watching and key press to fault applied, in tmux.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function cpuTicks(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** Runs the real TUI in tmux: CPU over 30 s of idle watching, and key press -> node paused. */
export async function measureTui(cli, name) {
  const session = `bench-tui-${process.pid}`;
  const tmux = (...a) => spawnSync('tmux', a, { encoding: 'utf8' });
  tmux(
    'new-session',
    '-d',
    '-s',
    session,
    '-x',
    '100',
    '-y',
    '30',
    `exec node ${cli} tui --name ${name}`,
  );
  try {
    await sleep(10_000);
    const pid = Number(tmux('list-panes', '-t', session, '-F', '#{pane_pid}').stdout.trim());
    const hz = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
    const before = cpuTicks(pid);
    await sleep(30_000);
    const cpuPercent = Math.round(((cpuTicks(pid) - before) / hz / 30) * 1000) / 10;
    // Select worker-2 (last row), pause it, and time until the engine reports it paused.
    for (let i = 0; i < 5; i++) tmux('send-keys', '-t', session, 'j');
    tmux('send-keys', '-t', session, 'p');
    const screen = () => tmux('capture-pane', '-p', '-t', session).stdout;
    const asked = Date.now();
    while (!screen().includes('Pause worker-2?') && Date.now() - asked < 5000) await sleep(50);
    if (!screen().includes('Pause worker-2?')) {
      console.error(`bench: the dashboard did not ask to pause worker-2; it shows:\n${screen()}`);
    }
    const pressed = Date.now();
    tmux('send-keys', '-t', session, 'y');
    let keyToFaultMs = null;
    while (Date.now() - pressed < 10_000) {
      const state = execFileSync(
        'docker',
        ['inspect', '-f', '{{.State.Paused}}', `${name}-worker-2`],
        { encoding: 'utf8' },
      ).trim();
      if (state === 'true') {
        keyToFaultMs = Date.now() - pressed;
        break;
      }
      await sleep(10);
    }
    tmux('send-keys', '-t', session, 'p');
    await sleep(500);
    tmux('send-keys', '-t', session, 'y');
    await sleep(3000);
    return { idleCpuPercentOfOneCore: cpuPercent, keyToFaultMs, refreshPerSecond: 4 };
  } finally {
    // Quit, and answer the "undo active faults?" prompt with yes if it comes.
    tmux('send-keys', '-t', session, 'q');
    await sleep(1000);
    tmux('send-keys', '-t', session, 'y');
    await sleep(2000);
    tmux('kill-session', '-t', session);
    spawnSync('docker', ['unpause', `${name}-worker-2`], { stdio: 'ignore' });
  }
}
