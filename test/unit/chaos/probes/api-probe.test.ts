import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiProbe } from '../../../../src/chaos/probes/api-probe.js';
import type { ProbeContext } from '../../../../src/chaos/probes/probe-context.js';
import type { HistoryEntry } from '../../../../src/chaos/history.js';
import { API_PORT, buildTopology, masters } from '../../../../src/core/topology.js';
import type { OpenLab } from '../../../../src/lab/open-lab.js';
import { createEtcdPki, type EtcdPki } from '../../../../src/provision/pki.js';

// A lab on 127.0.0.0/24: its masters are 127.0.0.11-13, loopback addresses named in the
// test PKI's server certificates, so each gets a real /readyz on the real API port.
const topology = buildTopology('probe-test', '127.0.0.0/24');
let pki: EtcdPki;
const servers: Server[] = [];
const hits = new Map<string, number>();
let vipUrl = '';
/** How long the "VIP" takes to answer. */
let vipDelayMs = 0;

function readyzServer(name: string, host: string, port: number, cert: EtcdPki['ca']) {
  const server = createServer(
    { ca: pki.ca.certPem, cert: cert.certPem, key: cert.keyPem },
    (req, res) => {
      hits.set(name, (hits.get(name) ?? 0) + 1);
      setTimeout(() => res.end('ok'), name === 'vip' ? vipDelayMs : 0);
    },
  );
  servers.push(server);
  return new Promise<Server>((resolve) => server.listen(port, host, () => resolve(server)));
}

beforeAll(async () => {
  pki = await createEtcdPki(topology);
  for (const m of masters(topology)) {
    const member = pki.members[m.name];
    if (!member) throw new Error(`no PKI for ${m.name}`);
    await readyzServer(m.name, m.ip, API_PORT, member.server);
  }
  // The "VIP": master-0's certificate on another port of its address.
  const vip = await readyzServer('vip', '127.0.0.11', 0, pki.members['master-0']!.server);
  vipUrl = `https://127.0.0.11:${(vip.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

function contextFor(options: {
  intervalMs: number;
  memberIntervalMs?: number;
  vipRequestIntervalMs?: number;
}) {
  const controller = new AbortController();
  const entries: HistoryEntry[] = [];
  const identity = { ca: pki.ca.certPem };
  const ctx: ProbeContext = {
    lab: { topology, apiUrl: vipUrl, admin: identity } as unknown as OpenLab,
    options: {
      writeIntervalMs: 1000,
      runId: 't',
      maxDurationMs: 60_000,
      maxEntries: 10_000,
      ...options,
    },
    emit: (e) => entries.push(e),
    signal: controller.signal,
  };
  return { ctx, entries, stop: () => controller.abort() };
}

describe('apiProbe', () => {
  it('samples the VIP every interval and each master every member interval, all answering', async () => {
    hits.clear();
    const { ctx, entries, stop } = contextFor({ intervalMs: 100, memberIntervalMs: 500 });
    const loops = apiProbe(ctx);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    stop();
    await Promise.all(loops);
    const api = entries.filter((e) => e.type === 'api');
    const count = (target: string) => api.filter((e) => e.target === target).length;
    expect(api.every((e) => e.ok)).toBe(true);
    // 2 s at 100 ms: about 20 VIP samples; at 500 ms: about 4 per master.
    expect(count('vip')).toBeGreaterThanOrEqual(12);
    for (const m of ['master-0', 'master-1', 'master-2']) {
      expect(count(m)).toBeGreaterThanOrEqual(3);
      expect(count(m)).toBeLessThanOrEqual(6);
    }
  });

  it('samples every target at the interval when no member interval is given', async () => {
    const { ctx, entries, stop } = contextFor({ intervalMs: 200 });
    const loops = apiProbe(ctx);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    stop();
    await Promise.all(loops);
    const perMaster = entries.filter((e) => e.type === 'api' && e.target === 'master-1').length;
    expect(perMaster).toBeGreaterThanOrEqual(6);
  });

  it('starts a VIP request every 50 ms without waiting for slow answers (overlapping)', async () => {
    vipDelayMs = 300;
    try {
      const { ctx, entries, stop } = contextFor({
        intervalMs: 250,
        memberIntervalMs: 1000,
        vipRequestIntervalMs: 50,
      });
      const loops = apiProbe(ctx);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      stop();
      await Promise.all(loops);
      const vip = entries
        .filter((e) => e.type === 'api' && e.target === 'vip')
        .sort((a, b) => a.at - b.at);
      // A serial probe would get 3-4 answers of 300 ms in a second; overlapping ones start ~20.
      expect(vip.length).toBeGreaterThanOrEqual(12);
      expect(vip.every((e) => e.type === 'api' && e.ok)).toBe(true);
      const gaps = vip
        .slice(1)
        .map((e, i) => e.at - vip[i]!.at)
        .sort((a, b) => a - b);
      // Requests start 50 ms apart (a busy host may delay one, never the rhythm).
      expect(gaps[Math.floor(gaps.length / 2)]).toBeLessThanOrEqual(70);
    } finally {
      vipDelayMs = 0;
    }
  });
});
