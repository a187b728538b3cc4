import { MAX_DURATION_MS } from './names.js';

/** Durations in scenario files are strings such as "500ms", "5s", "2m"; runs work in ms. */

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
// Hours parse only so that "99h" gets "too long" rather than "not a duration".
const DURATION = /^(-?\d+(?:\.\d+)?)\s*(ms|s|m|h)$/;

export const DURATION_PATTERN = '^\\d+(\\.\\d+)?(ms|s|m)$';

export type DurationResult = { ok: true; ms: number } | { ok: false; message: string };

export function parseDuration(text: string): DurationResult {
  const match = DURATION.exec(text.trim());
  if (!match) {
    return {
      ok: false,
      message: `"${text}" is not a duration: write a number with ms, s or m, e.g. 5s`,
    };
  }
  const ms = Math.round(Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]);
  if (ms <= 0) return { ok: false, message: `duration "${text}" must be positive` };
  if (ms > MAX_DURATION_MS) {
    return {
      ok: false,
      message: `duration "${text}" is too long (at most ${formatDuration(MAX_DURATION_MS)})`,
    };
  }
  return { ok: true, ms };
}

/** "1m 05s", "12.3s", "250ms": for summaries, never parsed back. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1).replace(/\.?0+$/, '')}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return seconds === 0 ? `${minutes}m` : `${minutes}m ${String(seconds).padStart(2, '0')}s`;
}
