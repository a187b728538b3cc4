import { readFile } from 'node:fs/promises';

/**
 * The Debian mirror ha-lab fetches from (the base image, the inventory hosts' packages):
 * HA_LAB_DEBIAN_MIRROR, else the one this machine's apt uses, so both come from the place
 * the operator already trusts and reaches; else deb.debian.org.
 */
export async function debianMirror(): Promise<string> {
  if (process.env.HA_LAB_DEBIAN_MIRROR) return process.env.HA_LAB_DEBIAN_MIRROR;
  try {
    const sources = await readFile('/etc/apt/sources.list.d/debian.sources', 'utf8');
    const uri = /^URIs:\s*(\S+)/m.exec(sources)?.[1];
    if (uri && !uri.includes('security')) return uri;
  } catch {
    // not Debian, or the classic sources.list format: fall through to the default mirror
  }
  return 'http://deb.debian.org/debian';
}
