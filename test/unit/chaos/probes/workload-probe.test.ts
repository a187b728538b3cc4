import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryEntry, WorkloadSample } from '../../../../src/chaos/history.js';
import type { ProbeContext, ProbeOptions } from '../../../../src/chaos/probes/probe-context.js';
import { workloadProbe } from '../../../../src/chaos/probes/workload-probe.js';
import type { OpenLab } from '../../../../src/lab/open-lab.js';

const servers: Server[] = [];
let connections = 0;

/** A stand-in for one worker's NodePort: answers like the probe app, or with `status`. */
async function worker(status: number, body: string): Promise<string> {
  const server = createServer((_req, res) => {
    res.statusCode = status;
    res.end(body);
  });
  server.on('connection', () => (connections += 1));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

/** A port that was open a moment ago and is closed now: connections are refused. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/`;
}

let urls: { name: string; url: string }[] = [];

beforeAll(async () => {
  urls = [
    { name: 'worker-0', url: await worker(200, 'ok probe-app-7c9f-abcde\n') },
    { name: 'worker-1', url: await worker(503, 'draining') },
    { name: 'worker-2', url: await closedPort() },
  ];
});

afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

function contextFor(workload?: ProbeOptions['workload']) {
  const controller = new AbortController();
  const entries: HistoryEntry[] = [];
  const ctx: ProbeContext = {
    lab: {} as OpenLab,
    options: {
      intervalMs: 100,
      writeIntervalMs: 1000,
      runId: 't',
      maxDurationMs: 60_000,
      maxEntries: 10_000,
      ...(workload ? { workload } : {}),
    },
    emit: (e) => entries.push(e),
    signal: controller.signal,
  };
  return { ctx, entries, stop: () => controller.abort() };
}

describe('workloadProbe', () => {
  it('starts no loop when no workload is deployed', () => {
    expect(workloadProbe(contextFor().ctx)).toEqual([]);
  });

  it('requests every worker path each interval on a fresh connection, saying who answered or why not', async () => {
    connections = 0;
    const { ctx, entries, stop } = contextFor({ nodePort: 30080, workers: urls });
    const loops = workloadProbe(ctx);
    expect(loops).toHaveLength(3);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    stop();
    await Promise.all(loops);
    const samples = entries as WorkloadSample[];
    const of = (w: string) => samples.filter((s) => s.worker === w);
    for (const w of ['worker-0', 'worker-1', 'worker-2']) {
      expect(of(w).length).toBeGreaterThanOrEqual(5);
      expect(of(w).length).toBeLessThanOrEqual(11);
    }
    expect(of('worker-0').every((s) => s.ok && s.detail === 'HTTP 200 probe-app-7c9f-abcde')).toBe(
      true,
    );
    expect(of('worker-1').every((s) => !s.ok && s.detail === 'HTTP 503')).toBe(true);
    expect(of('worker-2').every((s) => !s.ok && s.detail === 'ECONNREFUSED')).toBe(true);
    // agent: false, so no connection is reused: one per request to the two open ports.
    expect(connections).toBe(of('worker-0').length + of('worker-1').length);
  });
});
