import type { EventSink } from '../core/events.js';
import type { Provider } from '../runtime/provider.js';
import type { ArtifactRequest } from './artifacts/ensure-artifacts.js';
import type { LabState } from './lab-state.js';

/** What `up` is asked to do (the CLI's flags), and what it hands back. */
export interface UpOptions {
  lab: string;
  /** Where the nodes are made; created once per command by the CLI. */
  provider: Provider;
  subnet?: string | undefined;
  kubernetesVersion?: string | undefined;
  keep: boolean;
  timing: 'default' | 'fast';
  preempt: boolean;
  accessMode: 'direct' | 'forwarder';
  artifactSource: ArtifactRequest['source'];
  /** Stop once the six nodes run systemd (the foundation without the cluster). */
  nodesOnly: boolean;
  events: EventSink;
  signal?: AbortSignal | undefined;
}

export interface UpResult {
  state: LabState;
  resumed: boolean;
}
