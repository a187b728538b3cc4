import type { RelationOp } from './deb-version.js';

/**
 * Debian's control-file format (deb822), as the archive's Release and Packages files use it:
 * paragraphs separated by blank lines, `Field: value` lines, continuation lines starting with
 * a space or tab. A Packages file is 50 MB with 63,000 paragraphs, so only the fields asked
 * for are kept: parsing it then takes a fraction of a second.
 */
export type Stanza = Record<string, string>;

export function parseStanzas(text: string, fields?: ReadonlySet<string>): Stanza[] {
  const stanzas: Stanza[] = [];
  let current: Stanza = {};
  let field: string | undefined;
  let count = 0;
  const flush = () => {
    if (count > 0) stanzas.push(current);
    current = {};
    field = undefined;
    count = 0;
  };
  let pos = 0;
  while (pos <= text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const start = pos;
    pos = end + 1;
    const first = text.charCodeAt(start);
    // Continuation lines (descriptions, mostly) of fields not kept are skipped unread.
    if ((first === 32 || first === 9) && field === undefined) continue;
    const line = text.slice(start, end).replace(/\r$/, '');
    if (line.trim() === '') {
      flush();
      continue;
    }
    if (first === 32 || first === 9) {
      // A continuation of the last field kept (a multi-line list such as a Release's SHA256).
      current[field!] += `\n${line.trim()}`;
      continue;
    }
    count++;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon) : undefined;
    field = name !== undefined && (fields === undefined || fields.has(name)) ? name : undefined;
    if (field !== undefined) current[field] = line.slice(colon + 1).trim();
  }
  flush();
  return stanzas;
}

/** One package name a relation field points at, with its optional version restriction. */
export interface Relation {
  name: string;
  op?: RelationOp;
  version?: string;
}

const OPS: Record<string, RelationOp> = {
  '<<': '<<',
  '<=': '<=',
  '=': '=',
  '>=': '>=',
  '>>': '>>',
  // Obsolete spellings dpkg still reads as <= and >=.
  '<': '<=',
  '>': '>=',
};

const RELATION =
  /^([a-z0-9][a-z0-9+.-]*)(?::[a-z0-9-]+)?\s*(?:\(\s*(<<|<=|>=|>>|=|<|>)\s*([^)\s]+)\s*\))?/;

/**
 * A Depends-like field: groups separated by commas, each a list of alternatives separated by
 * `|`. An architecture qualifier (`python3:any`) is dropped: ha-lab installs one architecture.
 */
export function parseRelations(field: string | undefined): Relation[][] {
  if (field === undefined || field.trim() === '') return [];
  return field
    .split(',')
    .map((group) =>
      group
        .split('|')
        .map((alternative) => parseRelation(alternative.trim()))
        .filter((r): r is Relation => r !== undefined),
    )
    .filter((group) => group.length > 0);
}

function parseRelation(text: string): Relation | undefined {
  const match = RELATION.exec(text);
  if (!match) return undefined;
  const relation: Relation = { name: match[1]! };
  if (match[2] !== undefined && match[3] !== undefined) {
    relation.op = OPS[match[2]]!;
    relation.version = match[3];
  }
  return relation;
}
