import { RuntimeError } from '../../core/errors.js';
import type { Role } from '../../core/topology.js';
import type { DebPackage } from '../../provision/deb-index.js';
import { resolveDebs } from '../../provision/deb-resolve.js';
import {
  DEB_ARCHITECTURE,
  type DebCache,
  type DebCacheOptions,
  openDebCache,
} from '../debs/deb-cache.js';
import { debPath, fillDebPool, type PoolFill } from '../debs/deb-pool.js';
import { type HostPackageState, readHostPackages } from './host-package-state.js';
import {
  isSupportedOs,
  missingRequiredPackages,
  packagesFor,
  unsupportedOsText,
} from './host-requirements.js';
import { installDebs } from './host-deb-install.js';
import type { HostSession } from './host-session.js';

/**
 * The Debian packages a host lacks (host-requirements.ts), fetched once into the operator's
 * cache and installed on the host with apt from uploaded files only: the hosts need no
 * internet and no apt sources. Two steps, so `up --inventory` can fetch for all hosts at
 * once and then install on each: `fetchDebs` and `ensureHostPackages`.
 */

export interface HostPackagesOptions extends DebCacheOptions {
  /** An index already opened (by `fetchDebs`); opened here when absent and needed. */
  cache?: DebCache;
}

/**
 * The required packages a host lacks; throws the one line saying why ha-lab cannot install
 * them when the host is not Debian 12 on amd64. A host that lacks nothing passes, whatever
 * its system: ha-lab then has nothing to install there.
 */
export function packagesToInstall(host: string, role: Role, state: HostPackageState): string[] {
  const missing = missingRequiredPackages(role, state);
  if (missing.length === 0) return [];
  if (!isSupportedOs(state.os) || !state.dpkg) {
    throw new RuntimeError(
      'host-os-unsupported',
      `${host}: ${unsupportedOsText(state.os?.name, role)}; missing: ${missing.join(', ')}`,
    );
  }
  if (state.architecture !== DEB_ARCHITECTURE) {
    throw new RuntimeError(
      'host-arch-unsupported',
      `${host}: ${state.architecture} host: ha-lab fetches Debian packages for ${DEB_ARCHITECTURE} only so far, so install ${missing.join(', ')} there yourself (apt-get install --no-install-recommends ${missing.join(' ')})`,
    );
  }
  return missing;
}

/** The .debs that give a host every package its role needs, in install order. */
export function planHostPackages(
  host: string,
  role: Role,
  state: HostPackageState,
  cache: Pick<DebCache, 'index' | 'suite'>,
): DebPackage[] {
  if (packagesToInstall(host, role, state).length === 0) return [];
  const wanted = packagesFor(role).map((p) => p.name);
  try {
    return resolveDebs(cache.index, wanted, state.installed, cache.suite);
  } catch (error) {
    if (error instanceof RuntimeError) {
      throw new RuntimeError(error.code, `${host}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

export interface HostNeeds {
  name: string;
  role: Role;
  /** What `readHostPackages` found on the host. */
  state: HostPackageState;
}

export interface DebFetch extends PoolFill {
  /** The index, when any host needed one (undefined when every host had everything). */
  cache?: DebCache;
  /** Per host name, the .debs it needs, in install order. */
  plans: Map<string, DebPackage[]>;
}

/**
 * Fills the operator's cache for all hosts at once: every .deb any of them lacks, fetched
 * once. Refuses (one line per host, the first host's) before any download when a host
 * cannot be served. No host lacking anything means no network at all.
 */
export async function fetchDebs(
  hosts: readonly HostNeeds[],
  options: HostPackagesOptions,
): Promise<DebFetch> {
  const needy = hosts.filter((h) => packagesToInstall(h.name, h.role, h.state).length > 0);
  const plans = new Map<string, DebPackage[]>(hosts.map((h) => [h.name, []]));
  if (needy.length === 0) return { plans, downloaded: 0, downloadedBytes: 0, cached: 0 };
  const cache = options.cache ?? (await openDebCache(options));
  for (const h of needy) plans.set(h.name, planHostPackages(h.name, h.role, h.state, cache));
  const fill = await fillDebPool(cache, [...plans.values()].flat(), options);
  return { cache, plans, ...fill };
}

export interface HostPackagesResult {
  host: string;
  /** What this call installed, in install order (empty when the host had everything). */
  installed: { name: string; version: string }[];
  uploadedFiles: number;
  uploadedBytes: number;
  durationMs: number;
  /** Where the packages came from, when the index was needed. */
  source?: Pick<DebCache, 'mirror' | 'suite' | 'signature'> & { date: string };
}

/**
 * Makes sure `session`'s host has every package `role` needs: reads what it has, fetches
 * what it lacks into the cache (nothing when `fetchDebs` ran first), uploads the .debs the
 * host does not hold yet and installs them offline. Idempotent: a host that has everything
 * costs one read-only command, and an interrupted run resumes without sending again what
 * arrived.
 */
export async function ensureHostPackages(
  session: HostSession,
  role: Role,
  options: HostPackagesOptions,
): Promise<HostPackagesResult> {
  const started = Date.now();
  const host = session.runner.node;
  const before = await readHostPackages(session.runner, role, options.signal);
  if (packagesToInstall(host, role, before).length === 0) {
    const durationMs = Date.now() - started;
    return { host, installed: [], uploadedFiles: 0, uploadedBytes: 0, durationMs };
  }
  const { cache, plans } = await fetchDebs([{ name: host, role, state: before }], options);
  const plan = plans.get(host) ?? [];
  if (!cache || plan.length === 0) {
    // Both come from the same dpkg answer: reaching this is a bug, not the host's fault.
    throw new RuntimeError('deb-plan-empty', `${host}: packages are missing, yet none planned`);
  }
  const sent = await installDebs(session, plan, (deb) => debPath(cache, deb), options);
  const after = await readHostPackages(session.runner, role, options.signal);
  const absent = plan.filter((deb) => after.installed.get(deb.name)?.version !== deb.version);
  if (absent.length > 0) {
    throw new RuntimeError(
      'package-install-incomplete',
      `${host}: apt finished, yet ${absent.map((d) => `${d.name} ${d.version}`).join(', ')} ${absent.length === 1 ? 'is' : 'are'} not installed`,
    );
  }
  return {
    host,
    installed: plan.map(({ name, version }) => ({ name, version })),
    ...sent,
    durationMs: Date.now() - started,
    source: {
      mirror: cache.mirror,
      suite: cache.suite,
      signature: cache.signature,
      date: cache.release.date,
    },
  };
}
