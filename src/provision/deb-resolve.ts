import { RuntimeError } from '../core/errors.js';
import type { Relation } from './deb-control.js';
import type { DebIndex, DebPackage } from './deb-index.js';
import { versionSatisfies } from './deb-version.js';

/** A package the host has installed (dpkg status `ii`), with what it provides. */
export interface InstalledPackage {
  name: string;
  version: string;
  provides: Relation[];
}

/**
 * The .debs a host needs so that every `wanted` package is installed: the closure over
 * Pre-Depends and Depends (Recommends and Suggests are not installed, as with
 * --no-install-recommends), minus what the host has. In install order: every package after
 * the packages it depends on (a dependency cycle is cut where it closes, as dpkg does).
 *
 * What counts as present, kept simple on purpose:
 * - a wanted package installed at any version (an older containerd than the index's is the
 *   user's choice, not something to upgrade behind their back);
 * - a dependency installed at a version that meets the dependency's restriction; one that is
 *   too old is fetched from the index (a host installed from an older point release);
 * - among alternatives (`a | b`), any one present; else the first the index has;
 * - a virtual package, when something installed or chosen provides it; else the index's
 *   first provider by name.
 * Conflicts and Breaks are apt's to judge when it installs the set.
 */
export function resolveDebs(
  index: DebIndex,
  wanted: readonly string[],
  installed: ReadonlyMap<string, InstalledPackage>,
  suite = 'the index',
): DebPackage[] {
  const chosen = new Map<string, DebPackage>();
  const visited = new Set<string>();
  const order: DebPackage[] = [];
  const installedProviders = new Map<string, InstalledPackage[]>();
  for (const pkg of installed.values()) {
    for (const p of pkg.provides) {
      installedProviders.set(p.name, [...(installedProviders.get(p.name) ?? []), pkg]);
    }
  }

  const provides = (pkg: { provides: Relation[] }, rel: Relation) =>
    pkg.provides.some(
      (p) =>
        p.name === rel.name &&
        (rel.op === undefined ||
          (p.version !== undefined && versionSatisfies(p.version, rel.op, rel.version!))),
    );
  const meets = (version: string, rel: Relation) =>
    rel.op === undefined || versionSatisfies(version, rel.op, rel.version!);

  const present = (rel: Relation): boolean => {
    const pick = chosen.get(rel.name);
    if (pick) return meets(pick.version, rel);
    const have = installed.get(rel.name);
    if (have && meets(have.version, rel)) return true;
    // A provider being replaced by a chosen version counts by what the new version provides.
    const byInstalled = (installedProviders.get(rel.name) ?? []).some(
      (p) => !chosen.has(p.name) && provides(p, rel),
    );
    return byInstalled || [...chosen.values()].some((p) => provides(p, rel));
  };

  const candidate = (rel: Relation): DebPackage | undefined => {
    const real = index.packages.get(rel.name);
    if (real && meets(real.version, rel)) return real;
    return index.providers.get(rel.name)?.find((p) => provides(p, rel));
  };

  const visit = (pkg: DebPackage, path: readonly string[]): void => {
    if (visited.has(pkg.name)) return;
    visited.add(pkg.name);
    const via = [...path, pkg.name];
    for (const group of [...pkg.preDepends, ...pkg.depends]) {
      if (group.some(present)) continue;
      const [rel, pick] = group
        .map((r) => [r, candidate(r)] as const)
        .find(([, p]) => p !== undefined) ?? [group[0]!, undefined];
      if (!pick) throw unresolvable(via, group, suite);
      chosen.set(pick.name, pick);
      visit(pick, rel.name === pick.name ? via : [...via, `${rel.name} (via ${pick.name})`]);
    }
    order.push(pkg);
  };

  for (const name of wanted) {
    if (installed.has(name) || chosen.has(name)) continue;
    const pkg = candidate({ name });
    if (!pkg) throw unresolvable([], [{ name }], suite);
    chosen.set(pkg.name, pkg);
    visit(pkg, []);
  }
  return order;
}

function unresolvable(path: readonly string[], group: Relation[], suite: string): RuntimeError {
  const needed = group
    .map((r) => (r.op === undefined ? r.name : `${r.name} (${r.op} ${r.version})`))
    .join(' | ');
  const who = path.length > 0 ? `${path.join(' -> ')} needs ${needed}` : `${needed} is needed`;
  return new RuntimeError(
    'deb-unresolvable',
    `${who}, which neither the host nor ${suite} has: check the mirror (HA_LAB_DEBIAN_MIRROR)`,
  );
}
