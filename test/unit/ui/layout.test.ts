import { describe, expect, it } from 'vitest';
import { renderSparkline, addSample, summarise } from '../../../src/ui/availability-series.js';
import { computeLayout } from '../../../src/ui/dashboard-layout.js';
import { formatAgo, formatSince, truncate } from '../../../src/ui/format.js';
import { gridWidth, rowCells } from '../../../src/ui/grid-columns.js';
import { loadFixtures, replay } from './fixtures.js';

describe('availability series', () => {
  it('draws one glyph per second: bars by latency, ✗ for a second with an error, blank for no data', () => {
    let series = addSample([], 10_000, true, 5);
    series = addSample(series, 11_200, true, 1500);
    series = addSample(series, 12_100, true, 5);
    series = addSample(series, 12_600, false, 1000);
    expect(renderSparkline(series, 14_000, 5)).toBe('▁█✗  ');
    expect(summarise(series, 14_000, 5)).toEqual({
      samples: 4,
      ok: 3,
      errorSeconds: 1,
      maxLatencyMs: 1500,
    });
  });

  it('keeps at most a minute of buckets', () => {
    let series = addSample([], 0, true, 1);
    for (let s = 1; s < 200; s++) series = addSample(series, s * 1000, true, 1);
    expect(series).toHaveLength(60);
    expect(series[0]?.start).toBe(140_000);
  });
});

describe('format', () => {
  it('labels offsets and ages the way the timeline and grid show them', () => {
    expect(formatSince(3200)).toBe('+3.2s');
    expect(formatSince(125_000)).toBe('+2m05s');
    expect(formatAgo(12_400)).toBe('12s ago');
    expect(formatAgo(3 * 60_000)).toBe('3m ago');
    expect(truncate('kube-apiserver', 6)).toBe('kube-…');
  });
});

describe('computeLayout', () => {
  const fixture = loadFixtures()[0];
  if (!fixture) throw new Error('no fixtures');
  const state = replay(fixture);
  const cells = state.nodes.map((row) => rowCells(row, state.now, false));

  it('fits the grid into 80 columns and leaves timeline lines at 24 rows', () => {
    const layout = computeLayout(80, 24, cells, 3);
    expect(gridWidth(layout.grid)).toBeLessThanOrEqual(80);
    expect(layout.etcdBeside).toBe(false);
    expect(layout.timelineLines).toBeGreaterThanOrEqual(8);
  });

  it('drops the role column first when the IPs are long', () => {
    const wide = cells.map((c) => ({ ...c, ip: { ...c.ip, text: '192.168.100.211' } }));
    const layout = computeLayout(80, 24, wide, 3);
    expect(layout.grid.map((c) => c.key)).not.toContain('role');
    expect(layout.grid.map((c) => c.key)).toContain('ip');
    expect(gridWidth(layout.grid)).toBeLessThanOrEqual(80);
  });

  it('moves the etcd panel beside the grid when there is room', () => {
    expect(computeLayout(140, 40, cells, 3).etcdBeside).toBe(true);
  });

  it('gives the timeline no lines rather than overflowing a short terminal', () => {
    expect(computeLayout(80, 12, cells, 3).timelineLines).toBe(0);
  });
});

describe('ready cell', () => {
  const row = {
    name: 'master-0',
    role: 'master' as const,
    ip: '172.30.5.11',
    container: 'running' as const,
    systemd: 'running',
    hasVip: false,
    etcd: 'follower' as const,
    apiReady: true,
    kubeletReady: 'True',
    leaseRenewedAt: 100_000,
    lastChangeAt: undefined,
  };

  it('shows Ready while the lease is fresh', () => {
    expect(rowCells(row, 105_000, false).ready).toEqual({ text: 'Ready', tone: 'good' });
  });

  it('marks Ready stale with the lease age once the kubelet stopped renewing', () => {
    expect(rowCells(row, 140_000, false).ready.text).toMatch(/^Ready\? /);
    expect(rowCells(row, 140_000, false).ready.tone).toBe('warn');
  });

  it('marks Ready stale on a node whose container is not running', () => {
    const exited = { ...row, container: 'exited' as const };
    expect(rowCells(exited, 101_000, false).ready.text).toMatch(/^Ready\?/);
  });
});
