import { join } from 'node:path';
import { repoRoot } from '../core/paths.js';
import { startDetached } from '../runtime/host-commands.js';

// Waits until the process PID is gone, then runs `ha-lab down --name NAME`, retrying while the
// dead process's lab lock has not gone stale yet.
const SCRIPT = `
const [pid, cli, name] = process.argv.slice(1);
const { spawnSync } = require('node:child_process');
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const alive = () => { try { process.kill(Number(pid), 0); return true; } catch { return false; } };
for (let i = 0; i < 3000 && alive(); i++) sleep(100);
for (let i = 0; i < 24; i++) {
  if (spawnSync(process.execPath, [cli, 'down', '--name', name], { stdio: 'ignore' }).status === 0) break;
  sleep(5000);
}
`;

/**
 * Test runners end the process on Ctrl-C without waiting for a global teardown, so a lab that
 * must not outlive the run is removed by a process of its own once this one has exited.
 */
export function removeLabAfterExit(name: string): void {
  startDetached(process.execPath, [
    '-e',
    SCRIPT,
    String(process.pid),
    join(repoRoot(), 'dist', 'cli', 'main.js'),
    name,
  ]);
}
