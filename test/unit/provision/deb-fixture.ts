import { createHash } from 'node:crypto';

/** Small hand-written archive pieces for the Debian package tests. */

/** What gpg --clearsign makes of `text`, with a signature that verifies against nothing. */
export function clearsign(text: string): string {
  return [
    '-----BEGIN PGP SIGNED MESSAGE-----',
    'Hash: SHA256',
    '',
    ...text.split('\n').map((line) => (line.startsWith('-') ? `- ${line}` : line)),
    '-----BEGIN PGP SIGNATURE-----',
    '',
    'iQIzBAEBCAAdFiEETLUBkCB7R1ij9zp5bQ7nuCZD4TEFAmiY',
    '-----END PGP SIGNATURE-----',
    '',
  ].join('\n');
}

export const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** The bytes a fake .deb of `name` holds (its sha256 and size go into the index). */
export const debBytes = (name: string, version: string) => `fake deb ${name} ${version}\n`;

export interface FakePackage {
  name: string;
  version?: string;
  arch?: string;
  preDepends?: string;
  depends?: string;
  recommends?: string;
  provides?: string;
}

/** A Packages paragraph per package, with a filename, size and sha256 matching `debBytes`. */
export function packagesText(packages: readonly FakePackage[]): string {
  return packages
    .map((p) => {
      const version = p.version ?? '1.0';
      const arch = p.arch ?? 'amd64';
      const bytes = debBytes(p.name, version);
      return [
        `Package: ${p.name}`,
        `Version: ${version}`,
        `Architecture: ${arch}`,
        ...(p.preDepends ? [`Pre-Depends: ${p.preDepends}`] : []),
        ...(p.depends ? [`Depends: ${p.depends}`] : []),
        ...(p.recommends ? [`Recommends: ${p.recommends}`] : []),
        ...(p.provides ? [`Provides: ${p.provides}`] : []),
        'Description: a package',
        ' with a long description',
        `Filename: pool/main/${p.name[0]}/${p.name}/${p.name}_${version.replace(/^\d+:/, '')}_${arch}.deb`,
        `Size: ${Buffer.byteLength(bytes)}`,
        `SHA256: ${sha256(bytes)}`,
        '',
      ].join('\n');
    })
    .join('\n');
}
