import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellJoin, shellQuote } from '../../../src/runtime/ssh/shell-quote.js';

/** What a POSIX shell hands the program for the quoted line: one word per line of output. */
function throughShell(words: string[]): string[] {
  const line = `printf '%s\\0' ${shellJoin(words)}`;
  const out = spawnSync('sh', ['-c', line], { encoding: 'utf8' });
  expect(out.status, out.stderr).toBe(0);
  return out.stdout.split('\0').slice(0, -1);
}

describe('shellQuote', () => {
  it('brings every word through the remote shell unchanged', () => {
    const words = [
      'plain',
      'two words',
      "it's",
      "''",
      '$HOME',
      '`id`',
      '$(id)',
      '*',
      '~',
      'a;b|c&d',
      'line\nbreak',
      '"double"',
      '\\',
      '',
      '-n',
      'A=b',
      '!x',
    ];
    expect(throughShell(words)).toEqual(words);
  });

  it('leaves plain words bare and never an assignment', () => {
    expect(shellJoin(['sha256sum', '--', '/opt/bin/kubeadm'])).toBe(
      'sha256sum -- /opt/bin/kubeadm',
    );
    expect(shellQuote('A=b')).toBe("'A=b'");
    expect(shellQuote('')).toBe("''");
  });

  it('refuses a NUL byte, which no command line can carry', () => {
    expect(() => shellQuote('a\0b')).toThrow(/NUL/);
  });
});
