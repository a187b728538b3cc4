import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RuntimeError } from '../../src/core/errors.js';
import { repoRoot } from '../../src/core/paths.js';
import { NO_ENGINE_MESSAGE, engineAddress, pingEngine } from '../../src/runtime/docker-client.js';
import { cgroupMode, engineInfo } from '../../src/runtime/engine-info.js';

const run = promisify(execFile);
const DEAD_SOCKET = `unix:///tmp/ha-lab-no-engine-${process.pid}.sock`;
const CLI = join(repoRoot(), 'dist', 'cli', 'main.js');

describe('the local engine', () => {
  it('answers a ping', async () => {
    await expect(pingEngine()).resolves.toBeUndefined();
  });

  it('reports its version, API version and cgroup setup', async () => {
    const info = await engineInfo();
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.apiVersion).toMatch(/^1\.\d+$/);
    expect(['1', '2']).toContain(info.cgroupVersion);
    expect(['v1', 'hybrid', 'v2']).toContain(cgroupMode(info));
    expect(info.memTotalBytes).toBeGreaterThan(0);
  });
});

describe('with no engine behind DOCKER_HOST', () => {
  const previous = process.env.DOCKER_HOST;

  afterEach(() => {
    if (previous === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = previous;
    vi.resetModules();
  });

  it('pingEngine fails fast with no-engine and says to run scripts/ensure-engine.sh', async () => {
    process.env.DOCKER_HOST = DEAD_SOCKET;
    // docker-client caches one client per module instance: a fresh instance reads the new DOCKER_HOST.
    vi.resetModules();
    const fresh = await import('../../src/runtime/docker-client.js');
    expect(fresh.engineAddress()).toBe(DEAD_SOCKET);
    const started = Date.now();
    const error = await fresh.pingEngine().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(Date.now() - started).toBeLessThan(5000);
    expect((error as Error).name).toBe('RuntimeError');
    expect((error as RuntimeError).code).toBe('no-engine');
    expect((error as RuntimeError).exitCode).toBe(1);
    expect((error as Error).message).toContain('scripts/ensure-engine.sh');
    expect((error as Error).message).toContain(DEAD_SOCKET);
  });

  it('the CLI exits 1 with one line naming scripts/ensure-engine.sh', async () => {
    if (!existsSync(CLI))
      throw new Error(`${CLI} is missing: run \`npm run build\` before the integration tests`);
    const env = { ...process.env, DOCKER_HOST: DEAD_SOCKET };
    const result = await run(process.execPath, [CLI, 'status', '--name', 'it-no-engine'], {
      env,
      timeout: 30_000,
    }).then(
      () => ({ code: 0, stdout: '', stderr: '' }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({
        code: e.code,
        stdout: e.stdout ?? '',
        stderr: e.stderr ?? '',
      }),
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`ha-lab: ${NO_ENGINE_MESSAGE} (${DEAD_SOCKET})\n`);
  });

  it('leaves the shared client of this process on the real engine', async () => {
    expect(engineAddress()).toBe(previous ?? 'unix:///var/run/docker.sock');
    await expect(pingEngine()).resolves.toBeUndefined();
  });
});
