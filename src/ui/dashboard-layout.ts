/**
 * How the dashboard's fixed parts share the terminal. Pure, so "fits 80x24" is a unit test
 * and the components only follow the numbers.
 */
import { fitGridColumns, gridWidth, type FittedColumn, type RowCells } from './grid-columns.js';

export const HEADER_LINES = 2;
export const STATUS_LINES = 1;
export const HELP_LINES = 1;
/** Beside the grid the etcd panel is a titled block; below it, one summary line. */
export const ETCD_PANEL_WIDTH = 30;
export const ETCD_PANEL_GAP = 2;
export const ETCD_PANEL_FIXED_LINES = 3;
export const ETCD_SUMMARY_LINES = 1;
/** Below this the timeline would be too short to be worth its title line. */
const MIN_TIMELINE_LINES = 1;

export interface DashboardLayout {
  width: number;
  grid: FittedColumn[];
  etcdBeside: boolean;
  /** Lines for timeline entries (the area's title line is extra, and absent when this is 0). */
  timelineLines: number;
}

export function computeLayout(
  columns: number,
  rows: number,
  cells: readonly RowCells[],
  etcdMembers: number,
): DashboardLayout {
  const width = Math.max(20, columns);
  const natural = fitGridColumns(cells, Number.MAX_SAFE_INTEGER);
  const etcdBeside = gridWidth(natural) + ETCD_PANEL_GAP + ETCD_PANEL_WIDTH <= width;
  const grid = etcdBeside ? natural : fitGridColumns(cells, width);
  const gridLines = 1 + cells.length;
  const middle = etcdBeside
    ? Math.max(gridLines, ETCD_PANEL_FIXED_LINES + etcdMembers)
    : gridLines + ETCD_SUMMARY_LINES;
  // Ink clears the whole screen on every frame once the output is as tall as the terminal,
  // which flickers; one spare line keeps it on the cheap incremental path.
  const budget = rows - 1;
  const left = budget - HEADER_LINES - middle - STATUS_LINES - HELP_LINES - 1;
  return { width, grid, etcdBeside, timelineLines: left >= MIN_TIMELINE_LINES ? left : 0 };
}
