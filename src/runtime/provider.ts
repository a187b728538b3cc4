import type { NodeRunner } from './node-runner.js';

/**
 * The seam between ha-lab and the place its machines live (kind's provider model). One
 * provider is created per command, in the CLI, and handed down through the lab context:
 * actions, faults, probes, `status` and the dashboard reach machines only through it, so a
 * second way of reaching them (SSH) or a scripted fake in tests plugs in here.
 */
export interface Provider {
  /** "docker" today; reports and messages name it. */
  readonly kind: string;
  /** Where the provider reaches its machines (the engine's address), for messages. */
  readonly address: string;

  /** Fails with one clear line when the provider cannot be reached within the deadline. */
  ping(timeoutMs?: number): Promise<void>;

  createMachine(spec: MachineSpec): Promise<void>;
  listMachines(labels: Labels): Promise<MachineSummary[]>;
  /** Undefined when the machine does not exist. */
  inspectMachine(name: string): Promise<MachineInfo | undefined>;
  /** Removes the machine and its anonymous volumes; a missing machine is not an error. */
  removeMachine(name: string): Promise<void>;
  power(name: string, action: PowerAction, stopTimeoutS?: number): Promise<void>;
  /**
   * How `power` takes this machine down, for reports: the machine's own power switch (an
   * engine, a hypervisor command), or signals to the lab's services on a host left running.
   * Absent: the machine's power switch.
   */
  powerMethod?(name: string): PowerMethod;

  /** Runs commands in one machine: stdout, stderr and the exit code. */
  runner(node: string, machine: string): NodeRunner;
  /** A long-running command whose stdout is read line by line (`ip monitor address`). */
  streamLines(
    machine: string,
    command: string[],
    onLine: (line: string) => void,
  ): Promise<LineStream>;
  /** Copies a file of the operator's machine into a machine's directory. */
  copyIn(machine: string, hostPath: string, machineDir: string): Promise<void>;
  /**
   * The IPv4 addresses on the machine's eth0 as its kernel has them, read without running
   * anything inside it (so a frozen machine still answers). Undefined when unreadable.
   */
  kernelAddresses(machine: string): Promise<string[] | undefined>;

  listNetworks(): Promise<NetworkSummary[]>;
  createInternalNetwork(spec: InternalNetworkSpec): Promise<void>;
  inspectNetwork(name: string): Promise<NetworkInfo | undefined>;
  removeNetwork(name: string): Promise<void>;
  listVolumes(labels: Labels): Promise<string[]>;
  removeVolume(name: string): Promise<void>;

  /** Network fault primitives inside one machine, each with its exact (idempotent) undo. */
  partition(runner: NodeRunner, subnet: string): Promise<void>;
  healPartition(runner: NodeRunner): Promise<void>;
  blockVrrp(runner: NodeRunner): Promise<void>;
  unblockVrrp(runner: NodeRunner): Promise<void>;

  /** Lifecycle events of the machines carrying these labels (start, die, pause ...). */
  watchEvents(labels: Labels, onEvent: (event: MachineEvent) => void): Promise<EventWatch>;

  /** The engine's own facts (doctor, preflight). */
  engineInfo(): Promise<EngineInfo>;
  /** Can this engine run a privileged machine from `image`? */
  privilegedWorks(image: string, labels?: Labels): Promise<{ works: boolean; detail: string }>;
  /** Does a machine on an internal network get a default route here (doctor)? */
  internalNetworkHasDefaultRoute(image: string, labels: Labels, subnet: string): Promise<boolean>;
  /** A loopback-published forwarder to an address on the lab network; returns the host port. */
  ensureForwarder(spec: ForwarderSpec): Promise<number>;

  images: ImageStore;
  /** Point-in-time copies of machines (filesystem and volumes), for snapshot and reset. */
  snapshots: SnapshotStore;
  /** containerd volumes with a role's images already imported, shared into new machines. */
  seeds: SeedStore;

  /** Closes what the provider keeps open (SSH connections); the command is done with it. */
  dispose?(): void;
}

export type Labels = Record<string, string>;

export type PrivilegeMode = 'privileged' | 'capabilities';

export interface MachineSpec {
  name: string;
  hostname: string;
  image: string;
  network: string;
  ip: string;
  labels: Labels;
  privilege: PrivilegeMode;
  env?: string[];
}

export interface MachineSummary {
  name: string;
  id: string;
  state: string;
  labels: Labels;
}

export interface MachineInfo {
  running: boolean;
  paused: boolean;
  /** The machine's init process as the operator's kernel sees it, where there is one. */
  pid: number | undefined;
  /** The provider's whole description, kept in failure bundles. */
  details: unknown;
}

export type PowerAction = 'start' | 'stop' | 'kill' | 'pause' | 'unpause' | 'restart';

export type PowerMethod = 'power-command' | 'service-signals';

export interface LineStream {
  /** Resolves when the stream ends (machine died, command exited, or close() was called). */
  readonly ended: Promise<void>;
  close(): void;
}

export interface NetworkSummary {
  name: string;
  subnets: string[];
  labels: Labels;
  internal: boolean;
}

export interface NetworkInfo {
  internal: boolean;
  subnet: string | undefined;
  labels: Labels;
}

export interface InternalNetworkSpec {
  name: string;
  subnet: string;
  ipRange: string;
  gateway: string;
  labels: Labels;
}

export interface MachineEvent {
  at: number;
  action: string;
  name: string;
  labels: Labels;
}

export interface EventWatch {
  close(): void;
  ended: Promise<void>;
}

export type CgroupMode = 'v1' | 'hybrid' | 'v2';

export interface EngineInfo {
  version: string;
  apiVersion: string;
  cgroupVersion: string;
  cgroupDriver: string;
  storageDriver: string;
  liveRestore: boolean;
  kernel: string;
  operatingSystem: string;
  memTotalBytes: number;
  dockerRootDir: string;
  /** A rootless engine runs every container in a user namespace of an unprivileged user. */
  rootless: boolean;
}

export interface ForwarderSpec {
  name: string;
  image: string;
  /** A normal (not internal) bridge network, only so the engine can publish the port. */
  accessNetwork: string;
  labNetwork: string;
  target: string;
  targetPort: number;
  labels: Labels;
}

/** Images as the provider keeps them: built here, saved to archives, inspected by tag. */
export interface ImageStore {
  labels(tag: string): Promise<Labels | undefined>;
  id(tag: string): Promise<string | undefined>;
  build(build: ImageBuild): Promise<void>;
  save(tags: string[], outFile: string, logFile: string, signal?: AbortSignal): Promise<void>;
  /** debian:SUITE where it can be pulled, else debootstrapped and imported. */
  ensureBase(
    ref: string,
    suite: string,
    mirror: string,
    logFile: string,
    signal?: AbortSignal,
  ): Promise<void>;
}

export interface ImageBuild {
  contextDir: string;
  dockerfile: string;
  tag: string;
  labels: Labels;
  buildArgs?: Record<string, string>;
  logFile: string;
  signal?: AbortSignal | undefined;
}

/**
 * One machine captured: its filesystem committed as an image and each of its volumes copied
 * into a volume of its own. Every part carries the labels the caller gives, so a snapshot is
 * listed and removed by label like everything else ha-lab makes.
 */
export interface MachineCapture {
  machine: string;
  /** The committed image (tag). */
  image: string;
  /** The machine's volume (by name) and the snapshot volume holding its copy. */
  volumes: { volume: string; copy: string }[];
  /** Disk the capture takes: the committed layer plus the volume copies. */
  bytes: number;
}

export interface SnapshotPart {
  kind: 'image' | 'volume';
  name: string;
  labels: Labels;
  /** Bytes on disk; undefined when the engine could not say. */
  bytes: number | undefined;
}

export interface SnapshotStore {
  /**
   * Captures a machine the caller has frozen (paused or stopped): committing a running one
   * would capture each machine at its own moment, which etcd members cannot restore from.
   * `helperImage` runs the throwaway, network-less machine that copies volumes.
   */
  capture(
    machine: string,
    tag: string,
    labels: Labels,
    helperImage: string,
  ): Promise<MachineCapture>;
  /**
   * Replaces each captured volume's live counterpart by a fresh copy of the capture (the
   * machine must have been removed first), labelled with `volumeLabels`.
   */
  restoreVolumes(capture: MachineCapture, volumeLabels: Labels, helperImage: string): Promise<void>;
  /** Snapshot images and volumes carrying these labels ('' as a value: any value). */
  list(labels: Labels): Promise<SnapshotPart[]>;
  /** Removes every snapshot image and volume carrying these labels; returns how many. */
  remove(labels: Labels): Promise<number>;
}

export type SeedRole = 'master' | 'worker';

/**
 * A machine's containerd volume seeded with its role's preloaded images: made once per node
 * image and role by a throwaway machine that boots and imports them, then shared into each new
 * machine's volume by hard links (content blobs and unpacked layers are never rewritten in
 * place). Six machines each unpacking the same images at once held up `up`'s first minute.
 */
export interface SeedStore {
  /** The seed volume for this node image and role, made now if missing; older seeds go. */
  ensure(
    image: string,
    role: SeedRole,
    privilege: PrivilegeMode,
    signal?: AbortSignal,
  ): Promise<string>;
  /**
   * Creates the containerd volume (labelled) of `machine`, not yet made, from `seed`; on
   * failure no volume is left, so the machine starts empty and imports at boot.
   */
  plant(seed: string, machine: string, labels: Labels, helperImage: string): Promise<void>;
}
