/**
 * Text helpers shared by the TUI and the plain-line printer. Every glyph the UI draws
 * (★ ✗ ✓ → › and the block elements) is one column wide in common terminals, so code
 * points stand in for columns here; that keeps the UI free of a string-width dependency.
 */

/** Columns a string takes, under the single-width assumption above. */
export function textWidth(text: string): number {
  return [...text].length;
}

/** Cuts to `width` columns, marking the cut with "…" so a clipped value never passes as whole. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  const chars = [...text];
  if (chars.length <= width) return text;
  if (width === 1) return '…';
  return `${chars.slice(0, width - 1).join('')}…`;
}

/** Truncates, then pads with spaces so columns line up. */
export function fit(text: string, width: number): string {
  const cut = truncate(text, width);
  return cut + ' '.repeat(Math.max(0, width - textWidth(cut)));
}

/** "12s ago", "3m ago", "2h ago": coarse on purpose so the grid changes at most once a second. */
export function formatAgo(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ago`;
  return `${Math.floor(minutes / 60)}h ago`;
}

/** Offset from the last fault, e.g. "+3.2s" or "+2m05s"; the sign says "after". */
export function formatSince(ms: number): string {
  const sign = ms < 0 ? '-' : '+';
  return sign + formatDuration(Math.abs(ms));
}

/** "850ms", "4.1s", "2m05s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const totalSeconds = Math.floor(ms / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  return `${minutes}m${String(seconds).padStart(2, '0')}s`;
}

/** Wall-clock time of day, local, "14:03:07": the timeline's first column. */
export function formatClock(at: number): string {
  const d = new Date(at);
  return [d.getHours(), d.getMinutes(), d.getSeconds()]
    .map((n) => String(n).padStart(2, '0'))
    .join(':');
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit] ?? 'GiB'}`;
}
