/**
 * The record of one chaos run: probe samples, fault applications and undos, and notable
 * events, all timestamped in ms since the epoch. Checkers are pure functions over it, the
 * TUI reduces it, reports serialise it. Keep it plain data (JSON round-trips).
 */
import type { LabEvidence } from '../lab/evidence/lab-evidence.js';

/** Who holds the VIP, as seen by one master's `ip monitor address` stream. */
export interface VipSample {
  type: 'vip';
  at: number;
  /** Every master that holds the VIP right now (two or more = split brain). */
  holders: string[];
  /** Masters whose view could not be read at all; their view is unknown. */
  unknown: string[];
  /** Paused masters whose kernel still holds the VIP (keepalived frozen, ARP still answered). */
  frozen?: string[];
}

/** One HTTPS GET of /readyz, through the VIP (target "vip") or on one master. */
export interface ApiSample {
  type: 'api';
  at: number;
  target: string;
  ok: boolean;
  latencyMs: number;
  /** HTTP status, or an error code such as ECONNREFUSED / ETIMEDOUT. */
  detail: string;
}

export interface EtcdMemberStatus {
  member: string;
  healthy: boolean;
  /** Member name of the leader as this member sees it, if it answered. */
  leader?: string;
  raftTerm?: number;
  raftIndex?: number;
  dbSizeBytes?: number;
  /** A linearizable read through this member succeeded (older histories lack it). */
  linearizable?: boolean;
}

export interface EtcdSample {
  type: 'etcd';
  at: number;
  members: EtcdMemberStatus[];
}

export interface NodeReadySample {
  type: 'nodes';
  at: number;
  /** Kubernetes node name -> Ready condition ("True", "False", "Unknown"), when the API answered. */
  ready: Record<string, string>;
  /** Node name -> its kubelet lease's renewTime (ms): says whether `ready` is still fresh. */
  leases?: Record<string, number | null>;
}

/**
 * One uniquely named object created through the VIP, invoked at `at` and completed
 * `latencyMs` later: ok = acknowledged, failed = certainly not done (refused, 4xx), unknown =
 * indeterminate (a timeout or a lost acknowledgement: it may or may not have happened).
 */
export interface WriteSample {
  type: 'write';
  at: number;
  key: string;
  outcome: 'ok' | 'failed' | 'unknown';
  latencyMs: number;
  /** Which of the concurrent writers, and the value it wrote (older histories lack both). */
  writer?: number;
  value?: string;
}

/** One list through the VIP by the reader: the store revision it was served at. */
export interface ReadSample {
  type: 'read';
  at: number;
  latencyMs: number;
  ok: boolean;
  resourceVersion: number | null;
}

export type Sample =
  | VipSample
  | ApiSample
  | EtcdSample
  | NodeReadySample
  | WriteSample
  | ReadSample
  | EvidenceSample
  | TlsSample
  | VersionSample
  | WorkloadSample;

/**
 * One plain HTTP GET of the scenario's workload through one worker's NodePort, on a fresh
 * connection: does a client that only knows this worker still get an answer?
 */
export interface WorkloadSample {
  type: 'workload';
  at: number;
  /** The worker the request went through. */
  worker: string;
  ok: boolean;
  latencyMs: number;
  /** "HTTP 200 <pod that answered>", another status, or an error code such as ECONNREFUSED. */
  detail: string;
}

export interface FaultRecord {
  type: 'fault';
  at: number;
  id: string;
  fault: string;
  /** The node (resolved from etcd-leader, vip-holder ...). */
  target: string;
  /** For service faults: which service on that node. */
  service?: string;
  phase: 'applied' | 'undone' | 'undo-failed';
  /** For an undo: when it was issued (`at` is when it finished). */
  issuedAt?: number;
  message?: string;
  /**
   * How a power fault reached an inventory host: its power command (a hypervisor's CLI) or
   * signals to the lab's services. Absent on a Docker lab, where the engine does it.
   */
  method?: 'power-command' | 'service-signals';
}

/** Everything "whole" is judged on, read afresh (see src/lab/evidence). */
export interface EvidenceSample extends LabEvidence {
  type: 'evidence';
}

/**
 * One day-2 operation, or one of its steps. `started` opens it (with the nodes it acts on and
 * the services it stops and starts again there), `step` records one finished step, and `done`
 * or `failed` closes it; every record after the first carries when it began and its duration,
 * so a report can say where the time went.
 */
export interface OpRecord {
  type: 'op';
  at: number;
  id: string;
  op: string;
  /** The resolved node names, comma-separated. */
  target: string;
  phase: 'started' | 'step' | 'done' | 'failed';
  /** For `step`: what was done ("wipe data dir", "member add" ...), with its node if any. */
  step?: string;
  node?: string;
  startedAt?: number;
  durationMs?: number;
  /** On `started`: services this operation stops and starts again on its targets. */
  restarts?: string[];
  /** What a step found (a member id, a snapshot revision ...), or why it failed. */
  message?: string;
  /** Machine-readable results a checker needs (the snapshot's revision ...). */
  values?: Record<string, number | string>;
}

/**
 * One component's version as its running process reports it (see lab/upgrade/live-versions):
 * read after an upgrade, so "every node at the new version" rests on live processes.
 */
export interface VersionSample {
  type: 'version';
  at: number;
  node: string;
  component: string;
  version: string | null;
  /** When that process or container started (ms). */
  startedAt: number | null;
  error?: string;
}

/** A certificate as served in a live TLS handshake with one endpoint. */
export interface TlsSample {
  type: 'tls';
  at: number;
  node: string;
  port: number;
  /** null when no handshake could be made (then `error` says why). */
  notAfter: number | null;
  serial: string | null;
  error?: string;
}

export interface NoteRecord {
  type: 'note';
  at: number;
  message: string;
}

export type HistoryEntry = Sample | FaultRecord | OpRecord | NoteRecord;

export interface History {
  startedAt: number;
  endedAt: number;
  entries: HistoryEntry[];
  /** After the run: the keys of every write, re-read through the VIP (present or absent). */
  finalReadback?: { present: string[]; absent: string[]; values?: Record<string, string> };
  /** After the run: one last write through the VIP. */
  finalWriteOk?: boolean;
  /** After restore: hashkv per etcd member (all equal = in sync). */
  hashKv?: Record<string, number | null>;
  /** The VIP holder the configuration says should hold it once everything is back. */
  expectedVipHolder?: string;
  /** CPU the runner's process (probes, faults, checks) used while probing. */
  probeCpu?: { cpuMs: number; wallMs: number; percentOfCore: number };
}

export function samplesOf<T extends HistoryEntry['type']>(
  history: History,
  type: T,
): Extract<HistoryEntry, { type: T }>[] {
  return history.entries.filter((e): e is Extract<HistoryEntry, { type: T }> => e.type === type);
}
