import { parseRelations, parseStanzas, type Relation } from './deb-control.js';
import { compareDebVersions } from './deb-version.js';

/** One binary package of the archive's index, with what is needed to fetch and check it. */
export interface DebPackage {
  name: string;
  version: string;
  architecture: string;
  preDepends: Relation[][];
  depends: Relation[][];
  /** Virtual packages it provides (a version only for `name (= version)`). */
  provides: Relation[];
  /** Path of the .deb under the mirror's root (pool/main/...). */
  filename: string;
  size: number;
  sha256: string;
}

/** A Packages file for one architecture, read: packages by name, and who provides what. */
export interface DebIndex {
  architecture: string;
  packages: ReadonlyMap<string, DebPackage>;
  /** Virtual name -> the packages providing it, by name (a stable choice between several). */
  providers: ReadonlyMap<string, readonly DebPackage[]>;
}

const FIELDS = new Set([
  'Package',
  'Version',
  'Architecture',
  'Pre-Depends',
  'Depends',
  'Provides',
  'Filename',
  'Size',
  'SHA256',
]);

/**
 * Reads a Packages file. Packages of other architectures are left out; where a name appears
 * twice (an index merged from several suites), the higher version wins, as with apt.
 * A paragraph without a filename or sha256 could not be fetched safely, so it is left out too.
 */
export function parsePackagesIndex(text: string, architecture: string): DebIndex {
  const packages = new Map<string, DebPackage>();
  for (const s of parseStanzas(text, FIELDS)) {
    const arch = s.Architecture ?? '';
    if (arch !== architecture && arch !== 'all') continue;
    if (!s.Package || !s.Version || !s.Filename || !/^[0-9a-f]{64}$/.test(s.SHA256 ?? '')) continue;
    const pkg: DebPackage = {
      name: s.Package,
      version: s.Version,
      architecture: arch,
      preDepends: parseRelations(s['Pre-Depends']),
      depends: parseRelations(s.Depends),
      provides: parseRelations(s.Provides).flatMap((group) => group),
      filename: s.Filename,
      size: Number(s.Size ?? 0),
      sha256: s.SHA256!,
    };
    const seen = packages.get(pkg.name);
    if (!seen || compareDebVersions(pkg.version, seen.version) > 0) packages.set(pkg.name, pkg);
  }
  const providers = new Map<string, DebPackage[]>();
  for (const pkg of [...packages.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    for (const p of pkg.provides) {
      const list = providers.get(p.name) ?? [];
      list.push(pkg);
      providers.set(p.name, list);
    }
  }
  return { architecture, packages, providers };
}
