import type { HistoryEntry } from './history.js';

/** Container and systemd state of every node, for the dashboard's grid. */
export interface ContainersSnapshot {
  type: 'containers';
  at: number;
  nodes: {
    name: string;
    role: 'master' | 'worker';
    ip: string;
    container: 'running' | 'paused' | 'exited' | 'missing';
    systemd: string;
  }[];
}

export type LiveEvent = HistoryEntry | ContainersSnapshot;

export interface LiveRequest {
  fault: string;
  target: string;
  service?: string | undefined;
}
