/**
 * SSH carries one command line, which the remote login shell parses: every argv word is
 * quoted so that it reaches the program unchanged, whatever it holds (spaces, quotes, `$`,
 * globs, newlines). Words made only of characters no POSIX shell treats specially stay bare,
 * so commands read naturally in logs; `=` is not among them, since a bare `A=b` first word
 * would be an assignment.
 */
const BARE = /^[A-Za-z0-9_/.,:@%+-]+$/;

export function shellQuote(word: string): string {
  if (word.includes('\0')) {
    throw new TypeError('a command word cannot contain a NUL byte');
  }
  if (BARE.test(word)) return word;
  // Inside single quotes nothing is special; a quote itself ends the string, is escaped, and reopens it.
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

export function shellJoin(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}
