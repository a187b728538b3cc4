import { basename, join } from 'node:path';
import type { EventSink } from '../../core/events.js';
import { mapLimit } from '../../core/map-limit.js';
import type { DebPackage } from '../../provision/deb-index.js';
import type { DebCache } from './deb-cache.js';
import { downloadChecked, holdsExpected } from './download.js';
import { packagesProgress } from './events.js';

/**
 * A few downloads at once: enough to hide the mirror's per-request latency behind the
 * transfer, few enough not to look like abuse to a public mirror.
 */
const FETCH_PARALLEL = 3;
/** The largest .deb ha-lab fetches (containerd) is about 25 MB: minutes means stuck. */
const DEB_TIMEOUT_MS = 300_000;

export interface FetchDebsOptions {
  signal: AbortSignal;
  events?: EventSink;
  parallel?: number;
}

export interface PoolFill {
  /** Files fetched from the mirror by this call, and their bytes. */
  downloaded: number;
  downloadedBytes: number;
  /** Files the cache already had (checked by sha256). */
  cached: number;
}

/**
 * Where a package's .deb lives in the cache. The archive never changes the content behind
 * a name_version_arch.deb, so the file name is the key; the sha256 is still checked.
 */
export function debPath(cache: DebCache, deb: DebPackage): string {
  return join(cache.dir, 'pool', basename(deb.filename));
}

/** Brings every .deb of `debs` into the cache, each once however many hosts need it. */
export async function fillDebPool(
  cache: DebCache,
  debs: readonly DebPackage[],
  options: FetchDebsOptions,
): Promise<PoolFill> {
  const unique = [...new Map(debs.map((d) => [d.filename, d])).values()];
  const fill: PoolFill = { downloaded: 0, downloadedBytes: 0, cached: 0 };
  await mapLimit(
    unique,
    options.parallel ?? FETCH_PARALLEL,
    async (deb) => {
      const path = debPath(cache, deb);
      if (cache.checked.has(path) || (await holdsExpected(path, deb))) {
        cache.checked.add(path);
        fill.cached++;
        return;
      }
      packagesProgress(options.events, `fetching ${basename(deb.filename)}`);
      await downloadChecked(`${cache.mirror}/${deb.filename}`, path, deb, {
        signal: options.signal,
        timeoutMs: DEB_TIMEOUT_MS,
      });
      cache.checked.add(path);
      fill.downloaded++;
      fill.downloadedBytes += deb.size;
    },
    options.signal,
  );
  return fill;
}
