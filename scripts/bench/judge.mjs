// The bench judges itself: every figure beside its target (and its physical floor where it has
// one), one table, and a verdict. A missing figure counts as a miss: a bench that could not
// measure something has not shown that the target is met.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * rows: { figure, value (a number or null), unit, target, floor?, floorTarget? }
 *   target: the figure must be <= target;
 *   floorTarget: when a floor is given, value / floor must be <= floorTarget too.
 * Returns the rows with their ratios and verdicts, and how many missed.
 */
export function judge(rows) {
  const judged = rows.map((row) => {
    const measured = typeof row.value === 'number' && Number.isFinite(row.value);
    // A zero target ("never") has no meaningful ratio: 0 when met, none otherwise.
    const ratio = !measured
      ? null
      : row.target === 0
        ? row.value === 0
          ? 0
          : null
        : row.value / row.target;
    const floorRatio = measured && row.floor ? row.value / row.floor : null;
    const reasons = [];
    if (!measured) reasons.push('not measured');
    else if (row.value > row.target) reasons.push(`above target ${row.target} ${row.unit}`);
    if (measured && row.floorTarget !== undefined) {
      if (floorRatio === null) reasons.push('no floor measured');
      else if (floorRatio > row.floorTarget)
        reasons.push(`${floorRatio.toFixed(2)}x floor > ${row.floorTarget}x`);
    }
    return { ...row, ratio, floorRatio, met: reasons.length === 0, reasons };
  });
  return { rows: judged, missed: judged.filter((r) => !r.met).length };
}

const fmt = (v, digits = 2) => (v === null || v === undefined ? '-' : Number(v).toFixed(digits));

export function renderTable({ rows }) {
  const header = ['figure', 'value', 'target', 'ratio', 'floor', 'x floor', 'verdict'];
  const body = rows.map((r) => [
    r.figure,
    `${fmt(r.value)} ${r.unit}`,
    `<= ${r.target} ${r.unit}`,
    fmt(r.ratio),
    r.floor ? `${fmt(r.floor)} ${r.unit}` : '-',
    r.floorRatio === null
      ? '-'
      : `${fmt(r.floorRatio)}x${r.floorTarget ? ` (<= ${r.floorTarget}x)` : ''}`,
    r.met ? 'met' : `MISSED: ${r.reasons.join(', ')}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/** Writes the whole result (figures, judged rows) where --json asked, 0600 in its own dir. */
export function writeJson(path, content) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
}
