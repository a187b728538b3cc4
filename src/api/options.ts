import { UsageError } from '../core/errors.js';
import type { LabEvent } from '../core/events.js';
import { DEFAULT_LAB_NAME } from '../core/topology.js';
import {
  DEFAULT_ETCD_RELEASE_URL,
  DEFAULT_KUBERNETES_RELEASE_URL,
} from '../lab/artifacts/release-download.js';
import type { UpOptions as LabUpOptions } from '../lab/up.js';
import type { Provider } from '../runtime/provider.js';

/** Where the lab's machines live: the local Docker engine unless a test hands in its own. */
export interface ProviderOption {
  provider?: Provider | undefined;
}

/** `HaLab.up` options: one for each flag of `ha-lab up`, with the same defaults. */
export interface UpOptions extends ProviderOption {
  /** `--name` (default "ha-lab"). */
  name?: string | undefined;
  /** `--subnet`: the lab network's /24 (default: a free one). */
  subnet?: string | undefined;
  /** `--kubernetes-version`: 1.34 to 1.36 (default 1.36). */
  kubernetesVersion?: string | undefined;
  /** `--keep`: leave a half-made lab behind on failure or abort, for debugging. */
  keep?: boolean | undefined;
  /** `--timing`: keepalived timing profile. */
  timing?: 'default' | 'fast' | undefined;
  /** `--preempt`: master-0 takes the VIP back when it returns. */
  preempt?: boolean | undefined;
  /** `--forwarder`: reach the API through a forwarder on 127.0.0.1 (Docker Desktop). */
  forwarder?: boolean | undefined;
  /** `--artifact-source`: build binaries from Go modules (default) or download releases. */
  artifactSource?: 'go-build' | 'release' | undefined;
  /** `--release-base-url` (with artifactSource "release"). */
  releaseBaseUrl?: string | undefined;
  /** `--etcd-release-base-url` (with artifactSource "release"). */
  etcdReleaseBaseUrl?: string | undefined;
  /** `--nodes-only`: stop once the six nodes run systemd (no cluster). */
  nodesOnly?: boolean | undefined;
  /** Aborting stops the build and removes the half-made lab (unless `keep`). */
  signal?: AbortSignal | undefined;
  /** Progress of every phase, as the CLI prints it. */
  onEvent?: ((event: LabEvent) => void) | undefined;
}

/** Turns API options into the lab layer's, checking them the way the CLI checks its flags. */
export function labUpOptions(
  options: UpOptions,
  provider: Provider,
  events: (event: LabEvent) => void,
): LabUpOptions {
  const timing = options.timing ?? 'default';
  if (timing !== 'default' && timing !== 'fast')
    throw new UsageError('invalid-timing', `invalid timing "${String(timing)}": default or fast`);
  return {
    lab: options.name ?? DEFAULT_LAB_NAME,
    provider,
    subnet: options.subnet,
    kubernetesVersion: options.kubernetesVersion,
    keep: Boolean(options.keep),
    timing,
    preempt: Boolean(options.preempt),
    accessMode: options.forwarder ? 'forwarder' : 'direct',
    artifactSource: artifactSource(options),
    nodesOnly: Boolean(options.nodesOnly),
    events,
    signal: options.signal,
  };
}

/**
 * Where the binaries come from, checked as the CLI checks `--artifact-source`: Go modules,
 * or official releases from the given (or configured, or default) mirror.
 */
export function artifactSource(
  options: Pick<UpOptions, 'artifactSource' | 'releaseBaseUrl' | 'etcdReleaseBaseUrl'>,
): LabUpOptions['artifactSource'] {
  const source = options.artifactSource ?? 'go-build';
  if (source !== 'go-build' && source !== 'release')
    throw new UsageError(
      'invalid-artifact-source',
      `invalid artifact source "${String(source)}": go-build or release`,
    );
  return source === 'release'
    ? {
        kind: 'release',
        kubernetesBaseUrl: checkUrl(
          options.releaseBaseUrl ??
            process.env.HA_LAB_RELEASE_BASE_URL ??
            DEFAULT_KUBERNETES_RELEASE_URL,
        ),
        etcdBaseUrl: checkUrl(
          options.etcdReleaseBaseUrl ??
            process.env.HA_LAB_ETCD_RELEASE_BASE_URL ??
            DEFAULT_ETCD_RELEASE_URL,
        ),
      }
    : { kind: 'go-build' };
}

function checkUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return url;
  } catch {
    // reported below
  }
  throw new UsageError('invalid-url', `invalid release base URL "${url}": give an http(s) URL`);
}
