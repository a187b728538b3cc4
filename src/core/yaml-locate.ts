import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

/**
 * The 1-based line of the deepest node that exists along `path`. A missing field is
 * reported on the line of the mapping that lacks it; a present one on its key's line, so
 * a block value (`probes:` then an indented mapping) points at `probes:` itself.
 */
export function lineOfPath(
  doc: Document,
  lineCounter: LineCounter,
  path: readonly PropertyKey[],
): number {
  let node: unknown = doc.contents;
  let line = lineAt(lineCounter, node) ?? 1;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isScalar(p.key) && String(p.key.value) === String(segment),
      );
      if (!pair) break;
      line = lineAt(lineCounter, pair.key) ?? line;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item: unknown = node.items[segment];
      if (item === undefined) break;
      line = lineAt(lineCounter, item) ?? line;
      node = item;
    } else {
      break;
    }
  }
  return line;
}

function lineAt(lineCounter: LineCounter, node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? lineCounter.linePos(range[0]).line : undefined;
}

/** `steps[1].fault`, as a reader of the file would name it. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment, i) =>
      typeof segment === 'number' ? `[${segment}]` : `${i === 0 ? '' : '.'}${String(segment)}`,
    )
    .join('');
}
