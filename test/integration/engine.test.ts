import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { RuntimeError } from '../../src/core/errors.js';
import { repoRoot } from '../../src/core/paths.js';
import { NO_ENGINE_MESSAGE } from '../../src/runtime/docker-client.js';
import { DockerProvider } from '../../src/runtime/docker-provider.js';
import { cgroupMode } from '../../src/runtime/host-facts.js';

const run = promisify(execFile);
const DEAD_SOCKET = `unix:///tmp/ha-lab-no-engine-${process.pid}.sock`;
const CLI = join(repoRoot(), 'dist', 'cli', 'main.js');

describe('the local engine', () => {
  it('answers a ping', async () => {
    await expect(new DockerProvider().ping()).resolves.toBeUndefined();
  });

  it('reports its version, API version and cgroup setup', async () => {
    const info = await new DockerProvider().engineInfo();
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.apiVersion).toMatch(/^1\.\d+$/);
    expect(['1', '2']).toContain(info.cgroupVersion);
    expect(['v1', 'hybrid', 'v2']).toContain(cgroupMode(info));
    expect(info.memTotalBytes).toBeGreaterThan(0);
  });
});

describe('with no engine behind DOCKER_HOST', () => {
  const previous = process.env.DOCKER_HOST;
  // Made before DOCKER_HOST changes: each provider keeps the engine it was made for.
  const before = new DockerProvider();

  afterEach(() => {
    if (previous === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = previous;
  });

  it('a provider pings fast with no-engine and says to run scripts/ensure-engine.sh', async () => {
    process.env.DOCKER_HOST = DEAD_SOCKET;
    const fresh = new DockerProvider();
    expect(fresh.address).toBe(DEAD_SOCKET);
    const started = Date.now();
    const error = await fresh.ping().then(
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

  it('leaves a provider made earlier on the real engine', async () => {
    process.env.DOCKER_HOST = DEAD_SOCKET;
    expect(before.address).toBe(previous ?? 'unix:///var/run/docker.sock');
    await expect(before.ping()).resolves.toBeUndefined();
  });
});
