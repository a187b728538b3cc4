import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTopology, masters, type NodeSpec } from '../../../src/core/topology.js';
import {
  KEEPALIVED_BOOTSTRAP_MARKER,
  renderApiCheckScript,
} from '../../../src/provision/keepalived.js';

/**
 * Runs the rendered check under the real /bin/sh, with `ping` and `curl` replaced by stubs
 * on PATH: which peers answer, and how the API server answers, are the test's inputs.
 */
const topology = buildTopology('ha-lab', '172.30.5.0/24');
const master0 = masters(topology)[0] as NodeSpec;
const [peer1, peer2] = masters(topology).slice(1) as [NodeSpec, NodeSpec];

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ha-lab-check-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface World {
  /** Peers that answer a ping; the others fail after `pingFailMs`. */
  answering: string[];
  pingFailMs: number;
  /** curl's exit code and how long it takes. */
  curlExit: number;
  curlMs: number;
  marker?: boolean;
}

async function runCheck(world: World): Promise<{ exitCode: number; ms: number }> {
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  await stub(
    'ping',
    `for a in "$@"; do last="$a"; done
case " ${world.answering.join(' ')} " in *" $last "*) exit 0;; esac
sleep ${seconds(world.pingFailMs)}; exit 1`,
  );
  await stub('curl', `sleep ${seconds(world.curlMs)}; exit ${world.curlExit}`);
  const marker = join(dir, 'bootstrapping');
  if (world.marker) await writeFile(marker, 'x');
  const script = renderApiCheckScript(topology, master0).replace(
    KEEPALIVED_BOOTSTRAP_MARKER,
    marker,
  );
  const started = Date.now();
  const result = await execa('sh', ['-c', script], {
    env: { PATH: `${dir}:/usr/bin:/bin` },
    reject: false,
  });
  return { exitCode: result.exitCode ?? -1, ms: Date.now() - started };
}

async function stub(name: string, body: string): Promise<void> {
  const path = join(dir, name);
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
}

describe('the keepalived check script, run', () => {
  it('passes with both peers reachable and a ready API server', async () => {
    const r = await runCheck({
      answering: [peer1.ip, peer2.ip],
      pingFailMs: 0,
      curlExit: 0,
      curlMs: 0,
    });
    expect(r.exitCode).toBe(0);
  });

  it('passes with one peer dead (kill-master0 seen from a survivor)', async () => {
    const r = await runCheck({ answering: [peer2.ip], pingFailMs: 300, curlExit: 0, curlMs: 0 });
    expect(r.exitCode).toBe(0);
  });

  it('fails when the API server is not ready, peers or not', async () => {
    const r = await runCheck({
      answering: [peer1.ip, peer2.ip],
      pingFailMs: 0,
      curlExit: 22,
      curlMs: 0,
    });
    expect(r.exitCode).not.toBe(0);
  });

  it('fails at once when cut off, without waiting for a hanging /readyz', async () => {
    const r = await runCheck({ answering: [], pingFailMs: 0, curlExit: 28, curlMs: 1500 });
    expect(r.exitCode).toBe(1);
    expect(r.ms).toBeLessThan(1000);
  });

  it('fails when cut off even though the API server still answers ready from its cache', async () => {
    const r = await runCheck({ answering: [], pingFailMs: 200, curlExit: 0, curlMs: 0 });
    expect(r.exitCode).toBe(1);
  });

  it('asks the peers and the API server together: a dead peer adds no time to a slow answer', async () => {
    const r = await runCheck({ answering: [peer2.ip], pingFailMs: 600, curlExit: 0, curlMs: 600 });
    expect(r.exitCode).toBe(0);
    expect(r.ms).toBeLessThan(1100);
  });

  it('passes on the bootstrap marker without asking anything', async () => {
    const r = await runCheck({
      answering: [],
      pingFailMs: 0,
      curlExit: 7,
      curlMs: 0,
      marker: true,
    });
    expect(r.exitCode).toBe(0);
  });
});
