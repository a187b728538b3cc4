import { readFile } from 'node:fs/promises';
import { UsageError } from '../core/errors.js';
import { labStateDir } from '../core/paths.js';
import type { NodeRunner } from '../runtime/node-runner.js';
import type { Provider } from '../runtime/provider.js';
import { apiBaseUrl } from './access.js';
import { kubeconfigPath } from './actions/kubeadm-actions.js';
import { adminIdentity } from './clients/api-client.js';
import type { TlsIdentity } from './clients/tls-request.js';
import { type LabState, labTopology, readLabState } from './lab-state.js';
import { nodeRunners } from './node-access.js';
import { loadProbeCredentials } from './pki-files.js';
import { type Topology, validateLabName } from '../core/topology.js';

/** A running lab as seen by chaos and the TUI: where it is and how to talk to it. */
export interface OpenLab {
  lab: string;
  state: LabState;
  topology: Topology;
  stateDir: string;
  provider: Provider;
  runners: Record<string, NodeRunner>;
  admin: TlsIdentity;
  etcdProbe: TlsIdentity;
  /** https://VIP:6443, or the 127.0.0.1 forwarder. */
  apiUrl: string;
}

export async function openLab(
  labName: string,
  provider: Provider,
  options: { requireReady?: boolean } = {},
): Promise<OpenLab> {
  const lab = validateLabName(labName);
  const state = await readLabState(lab);
  if (!state)
    throw new UsageError(
      'no-such-lab',
      `lab "${lab}" does not exist: start it with \`ha-lab up --name ${lab}\``,
    );
  if ((options.requireReady ?? true) && state.phase !== 'ready') {
    throw new UsageError(
      'lab-not-ready',
      `lab "${lab}" is not ready (phase ${state.phase}): run \`ha-lab up --name ${lab}\` first`,
    );
  }
  const topology = labTopology(state);
  const stateDir = labStateDir(lab);
  // A lab that is not ready (nodes only, or failed half-way) may have no kubeconfig or PKI yet;
  // heal only needs the nodes, so it gets empty identities that no API or etcd call accepts.
  const optional = <T>(read: Promise<T>): Promise<T | undefined> =>
    options.requireReady === false
      ? read.catch((error: { code?: string }) =>
          error.code === 'ENOENT' ? undefined : Promise.reject(error),
        )
      : read;
  const kubeconfig = await optional(readFile(kubeconfigPath(stateDir), 'utf8'));
  return {
    lab,
    state,
    topology,
    stateDir,
    provider,
    runners: nodeRunners(topology, provider),
    admin: kubeconfig === undefined ? NO_IDENTITY : adminIdentity(kubeconfig),
    etcdProbe: (await optional(loadProbeCredentials(stateDir))) ?? NO_IDENTITY,
    apiUrl: apiBaseUrl(state, topology),
  };
}

const NO_IDENTITY: TlsIdentity = { ca: '' };
