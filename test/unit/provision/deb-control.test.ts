import { describe, expect, it } from 'vitest';
import { parseRelations, parseStanzas } from '../../../src/provision/deb-control.js';

describe('parseStanzas', () => {
  it('splits paragraphs, joins continuation lines and keeps only the fields asked for', () => {
    const text = [
      'Package: a',
      'Description: first line',
      ' second line',
      ' .',
      'Depends: b,',
      '  c',
      '',
      '',
      'Package: b\r',
      'Version: 1',
      '',
    ].join('\n');
    expect(parseStanzas(text, new Set(['Package', 'Depends', 'Version']))).toEqual([
      { Package: 'a', Depends: 'b,\nc' },
      { Package: 'b', Version: '1' },
    ]);
  });

  it('keeps every field without a filter, and a text without a final newline', () => {
    expect(parseStanzas('A: 1\nB: two words')).toEqual([{ A: '1', B: 'two words' }]);
  });
});

describe('parseRelations', () => {
  it('reads groups, alternatives, version restrictions and architecture qualifiers', () => {
    expect(
      parseRelations('libc6 (>= 2.34), exim4 | mail-transport-agent, python3:any, old (> 1)'),
    ).toEqual([
      [{ name: 'libc6', op: '>=', version: '2.34' }],
      [{ name: 'exim4' }, { name: 'mail-transport-agent' }],
      [{ name: 'python3' }],
      [{ name: 'old', op: '>=', version: '1' }],
    ]);
  });

  it('reads versioned Provides and an empty field', () => {
    expect(parseRelations('awk, libfoo-abi-2 (= 2.1-1)')).toEqual([
      [{ name: 'awk' }],
      [{ name: 'libfoo-abi-2', op: '=', version: '2.1-1' }],
    ]);
    expect(parseRelations(undefined)).toEqual([]);
    expect(parseRelations('  ')).toEqual([]);
  });
});
