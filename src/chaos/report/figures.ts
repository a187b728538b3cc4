import type { Figures } from '../checkers/verdict.js';

/** "failoverMs=2310, from=master-0": figures as one line, in the order the checker gave them. */
export function formatFigures(figures: Figures): string {
  return Object.entries(figures)
    .map(([name, value]) => `${name}=${value === null ? '–' : String(value)}`)
    .join(', ');
}
