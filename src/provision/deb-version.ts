/**
 * Debian version ordering, as dpkg defines it (deb-version(7)): `[epoch:]upstream[-revision]`,
 * compared part by part, alternating runs of non-digits (where `~` sorts before everything,
 * even the end, and letters before other characters) and runs of digits (numerically).
 * The resolver needs it to tell whether an installed library is new enough for a package.
 */

export type RelationOp = '<<' | '<=' | '=' | '>=' | '>>';

interface Parsed {
  epoch: number;
  upstream: string;
  revision: string;
}

function parse(version: string): Parsed {
  const colon = version.indexOf(':');
  const epoch = colon > 0 ? Number(version.slice(0, colon)) : 0;
  const rest = colon > 0 ? version.slice(colon + 1) : version;
  const dash = rest.lastIndexOf('-');
  return {
    epoch: Number.isFinite(epoch) ? epoch : 0,
    upstream: dash >= 0 ? rest.slice(0, dash) : rest,
    revision: dash >= 0 ? rest.slice(dash + 1) : '',
  };
}

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

/** dpkg's `order()`: the weight of one character in a non-digit run (undefined = the end). */
function weight(c: string | undefined): number {
  if (c === undefined || isDigit(c)) return 0;
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
  if (c === '~') return -1;
  return c.charCodeAt(0) + 256;
}

/** dpkg's `verrevcmp()` on one part (upstream or revision). */
function comparePart(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a[i])) || (j < b.length && !isDigit(b[j]))) {
      const diff = weight(a[i]) - weight(b[j]);
      if (diff !== 0) return diff;
      i++;
      j++;
    }
    while (a[i] === '0') i++;
    while (b[j] === '0') j++;
    let firstDiff = 0;
    while (isDigit(a[i]) && isDigit(b[j])) {
      if (firstDiff === 0) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (isDigit(a[i])) return 1;
    if (isDigit(b[j])) return -1;
    if (firstDiff !== 0) return firstDiff;
  }
  return 0;
}

/** Negative, zero or positive as `a` sorts before, with or after `b`. */
export function compareDebVersions(a: string, b: string): number {
  const pa = parse(a);
  const pb = parse(b);
  if (pa.epoch !== pb.epoch) return pa.epoch - pb.epoch;
  // A missing revision compares as an empty one, which sorts like "0", as in dpkg.
  return comparePart(pa.upstream, pb.upstream) || comparePart(pa.revision, pb.revision);
}

/** Whether `version` meets `op reference` (a dependency's version restriction). */
export function versionSatisfies(version: string, op: RelationOp, reference: string): boolean {
  const c = compareDebVersions(version, reference);
  switch (op) {
    case '<<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '=':
      return c === 0;
    case '>=':
      return c >= 0;
    case '>>':
      return c > 0;
  }
}
