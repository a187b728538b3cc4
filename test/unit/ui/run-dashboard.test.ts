import { Console } from 'node:console';
import { EventEmitter } from 'node:events';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadUi } from '../../../src/cli/load-ui.js';
import { loadFixture, stripAnsi } from './fixtures.js';
import { fakeController } from './fake-controller.js';

const fixture = loadFixture('kill-master-0-failover');

class FakeStdout extends EventEmitter {
  columns = 80;
  rows = 24;
  isTTY = true;
  output = '';
  write(chunk: string): boolean {
    this.output += chunk;
    return true;
  }
}

class FakeStdin extends EventEmitter {
  isTTY = true;
  private queue: string[] = [];
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
  read(): string | null {
    return this.queue.shift() ?? null;
  }
  type(data: string): void {
    this.queue.push(data);
    this.emit('readable');
  }
}

async function eventually(check: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('startDashboard, loaded the way the tui command loads it', () => {
  // Ink patches the console through console.Console, which vitest's console replacement lacks.
  beforeAll(() => {
    (console as { Console?: typeof Console }).Console ??= Console;
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('draws live frames even when the job sets CI, and restores CI afterwards', async () => {
    // CI jobs export CI=true; Ink would then hold every frame back until exit.
    vi.stubEnv('CI', 'true');
    const { startDashboard } = await loadUi();
    expect(process.env.CI).toBe('true');
    const stdout = new FakeStdout();
    const stdin = new FakeStdin();
    const controller = fakeController();
    const handle = startDashboard({
      labName: 'ha-lab',
      nodes: fixture.nodes,
      controller,
      subscribe: () => () => {},
      stdout: stdout as unknown as NodeJS.WriteStream,
      stdin: stdin as unknown as NodeJS.ReadStream,
      color: false,
    });
    await eventually(() => stripAnsi(stdout.output).includes('master-0'));
    expect(stripAnsi(stdout.output)).toContain('master-0');
    stdin.type('q');
    await handle.waitUntilExit();
    expect(controller.quit).toHaveBeenCalledExactlyOnceWith(false);
  });
});
