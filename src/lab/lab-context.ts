import type { EventSink } from '../core/events.js';
import type { EtcdPki } from '../provision/pki.js';
import type { NodeRunner } from '../runtime/node-runner.js';
import type { Artifacts } from './artifacts/ensure-artifacts.js';
import type { LabState } from './lab-state.js';
import type { Topology } from '../core/topology.js';

/** What every lifecycle action receives. */
export interface LabContext {
  lab: string;
  topology: Topology;
  state: LabState;
  stateDir: string;
  runners: Record<string, NodeRunner>;
  events: EventSink;
  signal?: AbortSignal | undefined;
  artifacts?: Artifacts;
  /** The etcd PKI, generated on the host by the pki action. */
  pki?: EtcdPki;
  /** Persists a change to the state file and keeps ctx.state current. */
  saveState(patch: Partial<LabState>): Promise<void>;
}
