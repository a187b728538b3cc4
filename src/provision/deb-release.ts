import { parseStanzas } from './deb-control.js';

/**
 * A suite's InRelease: the Release file, clearsigned. It is the one signed file of the
 * archive; it lists the sha256 and size of every index, and each index the sha256 of every
 * package, so one verified InRelease vouches for every byte fetched after it.
 */
export interface ReleaseIndexFile {
  sha256: string;
  size: number;
}

export interface ReleaseFile {
  codename: string;
  /** The Date field, as written ("Sat, 11 Jul 2026 10:16:37 UTC"). */
  date: string;
  /** The mirror serves indexes under by-hash/SHA256/<sum> (immune to a mid-update mirror). */
  acquireByHash: boolean;
  /** Every index the suite lists, by its path under dists/<suite>/. */
  files: ReadonlyMap<string, ReleaseIndexFile>;
}

const BEGIN_SIGNED = '-----BEGIN PGP SIGNED MESSAGE-----';
const BEGIN_SIGNATURE = '-----BEGIN PGP SIGNATURE-----';

/**
 * The signed text of a clearsigned message without checking the signature (RFC 4880 7.1):
 * after the armor header lines and a blank line, up to the signature, dash-escapes undone.
 * Used only where gpgv is not available; otherwise gpgv's own output is the text.
 */
export function clearsignedText(message: string): string {
  const lines = message.replace(/\r\n/g, '\n').split('\n');
  const begin = lines.indexOf(BEGIN_SIGNED);
  if (begin < 0) throw new Error('not a clearsigned message (no BEGIN PGP SIGNED MESSAGE line)');
  const blank = lines.indexOf('', begin + 1);
  const end = lines.indexOf(BEGIN_SIGNATURE, blank + 1);
  if (blank < 0 || end < 0) throw new Error('a clearsigned message without its signature block');
  return lines
    .slice(blank + 1, end)
    .map((line) => (line.startsWith('- ') ? line.slice(2) : line))
    .join('\n');
}

/** Reads a Release file's text (the part InRelease signs). */
export function parseRelease(text: string): ReleaseFile {
  const fields = new Set(['Codename', 'Date', 'Acquire-By-Hash', 'SHA256']);
  const stanza = parseStanzas(text, fields)[0];
  if (!stanza?.Codename) throw new Error('a Release file without a Codename field');
  const files = new Map<string, ReleaseIndexFile>();
  for (const line of (stanza.SHA256 ?? '').split('\n')) {
    const match = /^([0-9a-f]{64})\s+(\d+)\s+(\S+)$/.exec(line.trim());
    if (match) files.set(match[3]!, { sha256: match[1]!, size: Number(match[2]) });
  }
  return {
    codename: stanza.Codename,
    date: stanza.Date ?? '',
    acquireByHash: stanza['Acquire-By-Hash'] === 'yes',
    files,
  };
}
