import { join } from 'node:path';
import { RuntimeError, UsageError } from '../core/errors.js';
import type { EventSink } from '../core/events.js';
import { cacheRoot } from '../core/paths.js';
import { workers } from '../core/topology.js';
import { waitFor } from '../core/wait.js';
import {
  WORKLOAD_DEFAULT_REPLICAS,
  WORKLOAD_NAMESPACE,
  WORKLOAD_NODE_PORT,
  renderWorkloadManifests,
} from '../provision/workload.js';
import { NodeCommandError } from '../runtime/node-runner.js';
import { anyMasterRunner, kubectl } from './actions/cluster-ready.js';
import { ensureProbeAppImage } from './artifacts/probe-app-image.js';
import { httpGet } from './clients/http-get.js';
import { loadImage } from './load-image.js';
import type { OpenLab } from './open-lab.js';

export interface WorkloadOptions {
  replicas?: number;
  nodePort?: number;
  /** Progress lines (the image build, the waits). */
  log?: (line: string) => void;
  /** How long the replicas and every worker's NodePort may take to answer; default 3 min. */
  timeoutMs?: number;
}

export interface WorkloadPath {
  /** The worker the request goes through. */
  name: string;
  url: string;
}

export interface DeployedWorkload {
  namespace: string;
  image: string;
  replicas: number;
  nodePort: number;
  /** The NodePort through each worker's IP, every worker whether or not it runs a replica. */
  workers: WorkloadPath[];
}

const DEFAULT_TIMEOUT_MS = 180_000;
/** Pods have 15 s of grace (5 s of it the preStop sleep); the namespace goes soon after. */
const REMOVE_TIMEOUT_MS = 120_000;
const PATH_TIMEOUT_MS = 1000;

/**
 * Deploys the probe app (built and loaded into the workers if needed) and returns once it
 * answers the way a scenario will measure it: its replicas Ready on distinct workers, and the
 * NodePort answering through every worker from the host. A previous run's namespace still
 * terminating is waited out first, since applying into it would fail.
 */
export async function deployWorkload(
  lab: OpenLab,
  options: WorkloadOptions,
  signal: AbortSignal,
): Promise<DeployedWorkload> {
  const log = options.log ?? (() => undefined);
  const pool = workers(lab.topology);
  const replicas = options.replicas ?? WORKLOAD_DEFAULT_REPLICAS;
  if (replicas > pool.length)
    throw new UsageError(
      'invalid-workload',
      `the workload wants ${replicas} replicas on distinct workers, but the lab has ${pool.length}`,
    );
  if (lab.state.accessMode === 'forwarder')
    throw new UsageError(
      'workload-unreachable',
      `the workload is probed through the workers' IPs, which this host cannot reach (lab "${lab.lab}" is reached through its 127.0.0.1 forwarder)`,
    );
  const nodePort = options.nodePort ?? WORKLOAD_NODE_PORT;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const image = await ensureProbeAppImage({
    cacheRoot: cacheRoot(),
    logDir: join(cacheRoot(), 'logs'),
    events: eventsTo(log),
    signal,
    images: lab.provider.images,
  });
  signal.throwIfAborted();
  log(`workload: loading ${image} into ${pool.map((w) => w.name).join(', ')}`);
  await loadImage(
    lab,
    image,
    pool.map((w) => w.name),
    join(cacheRoot(), 'logs', 'load-image.log'),
  );
  const phase = await labKubectl(lab, namespaceArgs('jsonpath={.status.phase}'), signal);
  if (phase.trim() === 'Terminating') await untilNamespaceGone(lab, signal, REMOVE_TIMEOUT_MS);
  await labKubectl(
    lab,
    ['apply', '-f', '-'],
    signal,
    renderWorkloadManifests({ image, replicas, nodePort }),
  );

  log(`workload: waiting for ${replicas} replicas Ready on distinct workers`);
  const names = pool.map((w) => w.name);
  let seen: string[] = [];
  await waitFor(
    async () => {
      seen = readyPodNodes(
        await labKubectl(lab, ['-n', WORKLOAD_NAMESPACE, 'get', 'pods', '-o', 'json'], signal),
      );
      const spread = new Set(seen).size === seen.length && seen.every((n) => names.includes(n));
      return seen.length >= replicas && spread ? true : undefined;
    },
    {
      what: () =>
        `${replicas} probe-app replicas Ready on distinct workers (Ready on: ${seen.join(', ') || 'none'})`,
      timeoutMs,
      intervalMs: 1000,
      signal,
    },
  );

  const paths = pool.map((w) => ({ name: w.name, url: `http://${w.ip}:${nodePort}/` }));
  log(`workload: waiting for the NodePort ${nodePort} to answer through every worker`);
  let silent: string[] = [];
  await waitFor(
    async () => {
      const answers = await Promise.all(paths.map((p) => answersOk(p.url)));
      silent = paths.filter((_, i) => !answers[i]).map((p) => p.name);
      return silent.length === 0 ? true : undefined;
    },
    {
      what: () => `the workload's NodePort ${nodePort} to answer through ${silent.join(', ')}`,
      timeoutMs,
      intervalMs: 500,
      signal,
    },
  );
  return { namespace: WORKLOAD_NAMESPACE, image, replicas, nodePort, workers: paths };
}

/** Deletes the workload's namespace and waits until it is gone, so the next deploy starts clean. */
export async function removeWorkload(lab: OpenLab, signal?: AbortSignal): Promise<void> {
  await labKubectl(
    lab,
    ['delete', 'namespace', WORKLOAD_NAMESPACE, '--ignore-not-found', '--wait=false'],
    signal,
  );
  await untilNamespaceGone(lab, signal, REMOVE_TIMEOUT_MS);
}

/** Nodes of the pods that are Ready and not terminating, from a PodList as JSON text. */
export function readyPodNodes(podListJson: string): string[] {
  const list = JSON.parse(podListJson) as {
    items: {
      metadata: { deletionTimestamp?: string };
      spec: { nodeName?: string };
      status: { conditions?: { type: string; status: string }[] };
    }[];
  };
  return list.items
    .filter((p) => p.metadata.deletionTimestamp === undefined)
    .filter((p) => p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
    .flatMap((p) => (p.spec.nodeName ? [p.spec.nodeName] : []));
}

async function answersOk(url: string): Promise<boolean> {
  return httpGet(url, PATH_TIMEOUT_MS)
    .then((r) => r.status === 200 && r.body.startsWith('ok'))
    .catch(() => false);
}

function namespaceArgs(output: string): string[] {
  return ['get', 'namespace', WORKLOAD_NAMESPACE, '--ignore-not-found', '-o', output];
}

async function untilNamespaceGone(
  lab: OpenLab,
  signal: AbortSignal | undefined,
  timeoutMs: number,
): Promise<void> {
  await waitFor(
    async () =>
      (await labKubectl(lab, namespaceArgs('name'), signal)).trim() === '' ? true : undefined,
    { what: `namespace ${WORKLOAD_NAMESPACE} to be deleted`, timeoutMs, intervalMs: 1000, signal },
  );
}

/**
 * kubectl inside the first master that answers: the admin kubeconfig is there, the node's
 * kubectl matches the lab's version, and after a fault master-0 may be the one that is gone.
 */
async function labKubectl(
  lab: OpenLab,
  args: string[],
  signal: AbortSignal | undefined,
  input?: string,
): Promise<string> {
  let last: Error | undefined;
  for (const runner of anyMasterRunner(lab)) {
    const command = kubectl(args);
    try {
      const result = await runner.exec(command, {
        timeoutMs: 60_000,
        signal,
        ...(input === undefined ? {} : { input }),
      });
      if (result.exitCode === 0) return result.stdout;
      last = new NodeCommandError(runner.node, command, result);
    } catch (error) {
      signal?.throwIfAborted();
      last = error as Error;
    }
  }
  throw last ?? new RuntimeError('no-master', 'the lab has no master to run kubectl on');
}

function eventsTo(log: (line: string) => void): EventSink {
  return (event) => {
    if (event.kind === 'phase-progress' || event.kind === 'log') log(`workload: ${event.message}`);
  };
}
