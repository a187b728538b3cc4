/**
 * The node grid as cells and column widths, kept apart from Ink so the squeeze to 80
 * columns is a pure function with its own tests.
 */
import type { NodeRow } from './dashboard-state.js';
import { LEASE_FRESH_MS } from '../lab/evidence/judge-whole.js';
import { readyLabel } from './dashboard-state.js';
import { formatAgo, textWidth, truncate } from './format.js';
import type { Tone } from './theme.js';

export type GridColumnKey =
  'name' | 'role' | 'ip' | 'container' | 'systemd' | 'vip' | 'etcd' | 'api' | 'ready' | 'changed';

interface GridColumnSpec {
  key: GridColumnKey;
  header: string;
  /** Used when the column is narrower than `header`. */
  short: string;
  /** Narrowest width before the column is cut further; names and IPs are never cut. */
  min: number;
  /** Columns with a drop rank are dropped, lowest rank first, before anything is cut. */
  dropRank?: number;
}

const SPECS: readonly GridColumnSpec[] = [
  { key: 'name', header: 'NODE', short: 'NODE', min: 8 },
  // The node name already says the role, so the role column goes first when space is short.
  { key: 'role', header: 'ROLE', short: 'R', min: 6, dropRank: 1 },
  { key: 'ip', header: 'IP', short: 'IP', min: 15 },
  { key: 'container', header: 'CONTAINER', short: 'CTR', min: 4 },
  { key: 'systemd', header: 'SYSTEMD', short: 'SYSD', min: 4 },
  { key: 'vip', header: 'VIP', short: 'VIP', min: 5 },
  { key: 'etcd', header: 'ETCD', short: 'ETCD', min: 4 },
  { key: 'api', header: 'API', short: 'API', min: 4 },
  { key: 'ready', header: 'READY', short: 'RDY', min: 5 },
  { key: 'changed', header: 'CHANGED', short: 'CHG', min: 4, dropRank: 2 },
];

export const GRID_GAP = 1;
/** The selection marker "› " in front of every row. */
export const GRID_MARKER_WIDTH = 2;

export interface Cell {
  text: string;
  tone: Tone;
}

export type RowCells = Record<GridColumnKey, Cell>;

export interface FittedColumn {
  key: GridColumnKey;
  width: number;
  header: string;
}

export function rowCells(row: NodeRow, now: number, splitBrain: boolean): RowCells {
  return {
    name: { text: row.host === undefined ? row.name : `${row.name} ${row.host}`, tone: 'plain' },
    role: { text: row.role, tone: 'dim' },
    ip: { text: row.ip, tone: 'dim' },
    container: containerCell(row.container),
    systemd: systemdCell(row.systemd),
    vip: row.hasVip
      ? { text: splitBrain ? '★ VIP!' : '★ VIP', tone: splitBrain ? 'bad' : 'accent' }
      : { text: '', tone: 'plain' },
    etcd: etcdCell(row),
    api: apiCell(row),
    ready: readyCell(row, now),
    changed: {
      text: row.lastChangeAt === undefined ? '-' : formatAgo(now - row.lastChangeAt),
      tone: 'dim',
    },
  };
}

/**
 * The API keeps a node Ready for its grace period after the kubelet dies: with a lease older
 * than a live kubelet's (or a container that is not running) Ready is stale, and shown so.
 */
function readyCell(row: NodeRow, now: number): Cell {
  if (row.kubeletReady === undefined) return { text: '?', tone: 'dim' };
  if (row.kubeletReady !== 'True') return { text: readyLabel(row.kubeletReady), tone: 'bad' };
  const age = row.leaseRenewedAt === undefined ? undefined : now - row.leaseRenewedAt;
  const stale = row.container !== 'running' || (age !== undefined && age > LEASE_FRESH_MS);
  if (!stale) return { text: readyLabel('True'), tone: 'good' };
  return { text: age === undefined ? 'Ready?' : `Ready? ${formatAgo(age)}`, tone: 'warn' };
}

function containerCell(state: NodeRow['container']): Cell {
  switch (state) {
    case 'running':
      return { text: 'running', tone: 'good' };
    case 'paused':
      return { text: 'PAUSED', tone: 'warn' };
    case 'exited':
      return { text: 'EXITED', tone: 'bad' };
    case 'missing':
      return { text: 'MISSING', tone: 'bad' };
    case 'unknown':
      return { text: '?', tone: 'dim' };
  }
}

function systemdCell(state: string): Cell {
  if (state === 'running') return { text: 'running', tone: 'good' };
  if (state === 'degraded') return { text: 'DEGRADED', tone: 'bad' };
  if (state === 'unknown' || state === '') return { text: '?', tone: 'dim' };
  return { text: state, tone: 'warn' };
}

function etcdCell(row: NodeRow): Cell {
  switch (row.etcd) {
    case 'leader':
      return { text: 'leader', tone: 'accent' };
    case 'follower':
      return { text: 'follower', tone: 'good' };
    case 'down':
      return { text: 'DOWN', tone: 'bad' };
    case 'unknown':
      return { text: '?', tone: 'warn' };
    case 'none':
      return { text: '-', tone: 'dim' };
  }
}

function apiCell(row: NodeRow): Cell {
  if (row.apiReady === true) return { text: 'ok', tone: 'good' };
  if (row.apiReady === false) return { text: 'DOWN', tone: 'bad' };
  return row.role === 'master' ? { text: '?', tone: 'dim' } : { text: '-', tone: 'dim' };
}

/**
 * Widths that fit `available` columns: natural widths first, then optional columns dropped,
 * then the widest cuttable columns narrowed one step at a time down to their minimum.
 */
export function fitGridColumns(cells: readonly RowCells[], available: number): FittedColumn[] {
  const natural = new Map<GridColumnKey, number>();
  for (const spec of SPECS) {
    const widest = Math.max(0, ...cells.map((c) => textWidth(c[spec.key].text)));
    natural.set(spec.key, Math.max(widest, textWidth(spec.header)));
  }
  const total = (specs: readonly GridColumnSpec[], widths: Map<GridColumnKey, number>): number =>
    GRID_MARKER_WIDTH +
    specs.reduce((sum, s) => sum + (widths.get(s.key) ?? 0), 0) +
    GRID_GAP * Math.max(0, specs.length - 1);

  let specs = [...SPECS];
  const droppable = SPECS.filter((s) => s.dropRank !== undefined).sort(
    (a, b) => (a.dropRank ?? 0) - (b.dropRank ?? 0),
  );
  for (const spec of droppable) {
    if (total(specs, natural) <= available) break;
    specs = specs.filter((s) => s !== spec);
  }
  const widths = new Map(natural);
  while (total(specs, widths) > available) {
    let widest: GridColumnSpec | undefined;
    for (const spec of specs) {
      const width = widths.get(spec.key) ?? 0;
      const floor = Math.min(spec.min, natural.get(spec.key) ?? 0);
      if (width > floor && (!widest || width > (widths.get(widest.key) ?? 0))) widest = spec;
    }
    if (!widest) break;
    widths.set(widest.key, (widths.get(widest.key) ?? 1) - 1);
  }
  return specs.map((spec) => {
    const width = widths.get(spec.key) ?? 0;
    const header = textWidth(spec.header) <= width ? spec.header : truncate(spec.short, width);
    return { key: spec.key, width, header };
  });
}

export function gridWidth(columns: readonly FittedColumn[]): number {
  return (
    GRID_MARKER_WIDTH +
    columns.reduce((sum, c) => sum + c.width, 0) +
    GRID_GAP * Math.max(0, columns.length - 1)
  );
}
