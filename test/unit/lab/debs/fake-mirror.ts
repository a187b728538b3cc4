import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import {
  clearsign,
  debBytes,
  type FakePackage,
  packagesText,
  sha256,
} from '../../provision/deb-fixture.js';

/**
 * A Debian mirror on loopback: one suite (bookworm main amd64) made of the given packages,
 * served by hash like deb.debian.org. Every request path is logged; `files` can be changed
 * between requests to play a mirror that serves something else than its index says.
 */
export interface FakeMirror {
  url: string;
  requests: string[];
  files: Map<string, Buffer>;
  close(): Promise<void>;
}

export function archiveFiles(
  packages: readonly FakePackage[],
  { codename = 'bookworm' }: { codename?: string } = {},
): Map<string, Buffer> {
  const gz = gzipSync(packagesText(packages));
  const sum = sha256(gz);
  const release = [
    'Origin: Debian',
    `Codename: ${codename}`,
    'Date: Sat, 11 Jul 2026 10:16:37 UTC',
    'Acquire-By-Hash: yes',
    'SHA256:',
    ` ${sum} ${gz.length} main/binary-amd64/Packages.gz`,
  ].join('\n');
  const files = new Map<string, Buffer>([
    ['/debian/dists/bookworm/InRelease', Buffer.from(clearsign(release))],
    [`/debian/dists/bookworm/main/binary-amd64/by-hash/SHA256/${sum}`, gz],
  ]);
  for (const p of packages) {
    const version = p.version ?? '1.0';
    const arch = p.arch ?? 'amd64';
    const file = `/debian/pool/main/${p.name[0]}/${p.name}/${p.name}_${version.replace(/^\d+:/, '')}_${arch}.deb`;
    files.set(file, Buffer.from(debBytes(p.name, version)));
  }
  return files;
}

export async function startFakeMirror(files: Map<string, Buffer>): Promise<FakeMirror> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '';
    requests.push(path);
    const body = files.get(path);
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/debian`,
    requests,
    files,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A loopback address where nothing listens (connections are refused at once). */
export async function deadMirrorUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/debian`;
}
