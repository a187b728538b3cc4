import Docker from 'dockerode';
import { execa } from 'execa';
import { readFile } from 'node:fs/promises';
import { ROOT } from './cli.js';

const PID_FILE = '/var/run/docker.pid';

/**
 * Running containers that belong to no lab of this test run: a user's own lab or anything
 * else. Restarting the engine would stop them, so the engine-restart test leaves such a
 * machine alone (a fresh CI machine has none).
 */
export async function foreignRunningContainers(ownLab: string): Promise<string[]> {
  const running = await new Docker().listContainers();
  return running.filter((c) => c.Labels['io.ha-lab.lab'] !== ownLab).map((c) => c.Names[0] ?? c.Id);
}

/** Stops dockerd the way a restart begins (SIGTERM) and waits for it to be gone. */
export async function stopEngine(timeoutMs = 120_000): Promise<void> {
  const pid = Number((await readFile(PID_FILE, 'utf8')).trim());
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`dockerd (pid ${pid}) did not stop within ${timeoutMs / 1000} s`);
}

/** Starts the engine again exactly as the README's first command does. */
export async function startEngine(): Promise<void> {
  await execa('bash', [`${ROOT}scripts/ensure-engine.sh`], { timeout: 120_000 });
}
