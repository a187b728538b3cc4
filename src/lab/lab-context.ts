import type { EventSink } from '../core/events.js';
import type { EtcdPki } from '../provision/pki.js';
import type { NodeRunner } from '../runtime/node-runner.js';
import type { Provider, SeedRole } from '../runtime/provider.js';
import type { Artifacts } from './artifacts/ensure-artifacts.js';
import { type LabState, writeLabState } from './lab-state.js';
import type { Topology } from '../core/topology.js';
import { nodeRunners } from './node-access.js';

/** What every lifecycle action receives. */
export interface LabContext {
  lab: string;
  topology: Topology;
  state: LabState;
  stateDir: string;
  /** Where the machines live; the only way down to them. */
  provider: Provider;
  runners: Record<string, NodeRunner>;
  events: EventSink;
  signal?: AbortSignal | undefined;
  artifacts?: Artifacts;
  /** containerd seed volumes by role, for nodes still to be made (the seed action). */
  seeds?: Partial<Record<SeedRole, string>>;
  /** The etcd PKI, generated on the host by the pki action. */
  pki?: EtcdPki;
  /** Persists a change to the state file and keeps ctx.state current. */
  saveState(patch: Partial<LabState>): Promise<void>;
}

/** A context whose saveState keeps the state file and ctx.state in step. */
export function newLabContext(
  parts: Pick<LabContext, 'provider' | 'topology' | 'state' | 'stateDir' | 'artifacts'>,
  options: { events: EventSink; signal?: AbortSignal | undefined },
): LabContext {
  const context: LabContext = {
    ...parts,
    lab: parts.state.lab,
    runners: nodeRunners(parts.topology, parts.provider),
    events: options.events,
    signal: options.signal,
    async saveState(patch) {
      context.state = { ...context.state, ...patch };
      await writeLabState(context.state);
    },
  };
  return context;
}
