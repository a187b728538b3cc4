import { RuntimeError } from '../../src/core/errors.js';
import type { ExecOptions, ExecResult, NodeRunner } from '../../src/runtime/node-runner.js';
import type {
  EngineInfo,
  EventWatch,
  ImageStore,
  InternalNetworkSpec,
  Labels,
  MachineEvent,
  MachineInfo,
  MachineSpec,
  MachineSummary,
  NetworkInfo,
  NetworkSummary,
  PowerAction,
  Provider,
  SeedStore,
  SnapshotStore,
} from '../../src/runtime/provider.js';
import { fakeSeedStore } from './fake-seeds.js';
import { fakeSnapshotStore } from './fake-snapshots.js';

type MachineState = 'running' | 'exited' | 'paused';

export interface FakeMachine {
  spec: MachineSpec;
  state: MachineState;
  /** The VIP and other addresses on eth0, as its kernel would list them. */
  addresses: string[];
}

/** Answers a command run in a machine; undefined means "exit 0, no output". */
export type ExecScript = (machine: string, command: string[]) => Partial<ExecResult> | undefined;

const ENGINE_INFO: EngineInfo = {
  version: '0.0.0-fake',
  apiVersion: '1.41',
  cgroupVersion: '2',
  cgroupDriver: 'systemd',
  storageDriver: 'overlay2',
  liveRestore: false,
  kernel: 'fake',
  operatingSystem: 'fake',
  memTotalBytes: 24 * 1024 ** 3,
  dockerRootDir: '/var/lib/docker',
  rootless: false,
};

/**
 * A provider with scripted machines, for unit tests of what sits above the seam (actions,
 * faults, the journal, the runner). It keeps machine, network and volume state, answers
 * commands from a script, records every call in order, fails any call a test asks it to,
 * and can "lose its engine" (event streams end, every later call fails as Docker's would).
 */
export class FakeProvider implements Provider {
  readonly kind = 'fake';
  readonly address = 'fake://engine';
  readonly machines = new Map<string, FakeMachine>();
  readonly networks = new Map<string, InternalNetworkSpec>();
  readonly volumes = new Map<string, Labels>();
  /** Committed images by tag: the machine's spec at the time and the labels given. */
  readonly snapshotImages = new Map<string, { labels: Labels; from: string }>();
  /** Which volume each volume was copied from (snapshot copies and restored volumes). */
  readonly volumeSources = new Map<string, string>();
  /** Every call, in order: "power lab-master-0 kill", "exec master-0 systemctl stop etcd". */
  readonly calls: string[] = [];
  script: ExecScript = () => undefined;
  private failures: { match: RegExp; error: () => Error }[] = [];
  private watches = new Set<{ labels: Labels; emit: (e: MachineEvent) => void; end: () => void }>();
  private lost = false;

  /** The next calls whose log line matches fail with this error (Docker's message by default). */
  failOn(match: RegExp, error: () => Error = () => new Error(`fake failure of ${match}`)): void {
    this.failures.push({ match, error });
  }

  /** The engine goes away: event streams end and every call fails as a lost engine does. */
  loseEngine(): void {
    this.lost = true;
    for (const w of this.watches) w.end();
    this.watches.clear();
  }

  /** Records a call (and fails it when asked or when the engine is lost). */
  call(line: string): void {
    if (this.lost)
      throw new RuntimeError('engine-unavailable', `the fake engine is gone (during ${line})`);
    this.calls.push(line);
    const failure = this.failures.find((f) => f.match.test(line));
    if (failure) throw failure.error();
  }

  machine(name: string): FakeMachine {
    const m = this.machines.get(name);
    if (!m) throw Object.assign(new Error(`no such container: ${name}`), { statusCode: 404 });
    return m;
  }

  private emit(name: string, action: string): void {
    const labels = this.machines.get(name)?.spec.labels ?? {};
    for (const w of this.watches) {
      if (Object.entries(w.labels).every(([k, v]) => labels[k] === v))
        w.emit({ at: Date.now(), action, name, labels: { ...labels, name } });
    }
  }

  async ping(): Promise<void> {
    this.call('ping');
  }

  async createMachine(spec: MachineSpec): Promise<void> {
    this.call(`create ${spec.name}`);
    if (this.machines.has(spec.name)) throw new Error(`Conflict: ${spec.name} exists`);
    if (!this.networks.has(spec.network)) throw new Error(`network ${spec.network} not found`);
    this.machines.set(spec.name, { spec, state: 'running', addresses: [spec.ip] });
    this.volumes.set(`${spec.name}-containerd`, spec.labels);
    this.emit(spec.name, 'start');
  }

  async listMachines(labels: Labels): Promise<MachineSummary[]> {
    this.call('list machines');
    return [...this.machines.values()]
      .filter((m) => Object.entries(labels).every(([k, v]) => m.spec.labels[k] === v))
      .map((m) => ({ name: m.spec.name, id: m.spec.name, state: m.state, labels: m.spec.labels }));
  }

  async inspectMachine(name: string): Promise<MachineInfo | undefined> {
    this.call(`inspect ${name}`);
    const m = this.machines.get(name);
    if (!m) return undefined;
    return {
      running: m.state !== 'exited',
      paused: m.state === 'paused',
      pid: m.state === 'exited' ? undefined : 4242,
      details: { Name: name, State: m.state },
    };
  }

  async removeMachine(name: string): Promise<void> {
    this.call(`remove ${name}`);
    if (this.machines.delete(name)) this.volumes.delete(`${name}-containerd`);
  }

  async power(name: string, action: PowerAction): Promise<void> {
    this.call(`power ${name} ${action}`);
    const m = this.machine(name);
    const next: Record<PowerAction, MachineState> = {
      start: 'running',
      stop: 'exited',
      kill: 'exited',
      pause: 'paused',
      unpause: 'running',
      restart: 'running',
    };
    if (action === 'unpause' && m.state !== 'paused') throw new Error(`${name} is not paused`);
    if ((action === 'pause' || action === 'kill') && m.state !== 'running')
      throw new Error(`Container ${name} is not running`);
    m.state = next[action];
    if (m.state === 'exited') m.addresses = [m.spec.ip];
    this.emit(name, action === 'kill' || action === 'stop' ? 'die' : action);
  }

  runner(node: string, machine: string): NodeRunner {
    return {
      node,
      exec: async (command: string[], options?: ExecOptions): Promise<ExecResult> => {
        this.call(`exec ${node} ${command.join(' ')}`);
        if (options?.signal?.aborted) throw options.signal.reason;
        const m = this.machine(machine);
        if (m.state !== 'running')
          throw new Error(
            `Container ${machine} is ${m.state === 'paused' ? 'paused' : 'not running'}`,
          );
        return { stdout: '', stderr: '', exitCode: 0, ...this.script(node, command) };
      },
    };
  }

  async streamLines(
    machine: string,
    command: string[],
  ): Promise<{ ended: Promise<void>; close(): void }> {
    this.call(`stream ${machine} ${command.join(' ')}`);
    let close = () => undefined as void;
    const ended = new Promise<void>((resolve) => (close = resolve));
    return { ended, close };
  }

  async copyIn(machine: string, hostPath: string, dir: string): Promise<void> {
    this.call(`copy ${hostPath} ${machine}:${dir}`);
  }

  async kernelAddresses(machine: string): Promise<string[] | undefined> {
    this.call(`kernel ${machine}`);
    const m = this.machines.get(machine);
    return m && m.state !== 'exited' ? [...m.addresses] : undefined;
  }

  async listNetworks(): Promise<NetworkSummary[]> {
    this.call('list networks');
    return [...this.networks.values()].map((n) => ({
      name: n.name,
      subnets: [n.subnet],
      labels: n.labels,
      internal: true,
    }));
  }

  async createInternalNetwork(spec: InternalNetworkSpec): Promise<void> {
    this.call(`create network ${spec.name}`);
    if ([...this.networks.values()].some((n) => n.subnet === spec.subnet))
      throw new Error('Pool overlaps with other one on this address space');
    this.networks.set(spec.name, spec);
  }

  async inspectNetwork(name: string): Promise<NetworkInfo | undefined> {
    this.call(`inspect network ${name}`);
    const n = this.networks.get(name);
    return n ? { internal: true, subnet: n.subnet, labels: n.labels } : undefined;
  }

  async removeNetwork(name: string): Promise<void> {
    this.call(`remove network ${name}`);
    this.networks.delete(name);
  }

  async listVolumes(labels: Labels): Promise<string[]> {
    this.call('list volumes');
    return [...this.volumes]
      .filter(([, l]) => Object.entries(labels).every(([k, v]) => l[k] === v))
      .map(([name]) => name);
  }

  async removeVolume(name: string): Promise<void> {
    this.call(`remove volume ${name}`);
    this.volumes.delete(name);
  }

  async partition(runner: NodeRunner, subnet: string): Promise<void> {
    this.call(`partition ${runner.node} ${subnet}`);
  }
  async healPartition(runner: NodeRunner): Promise<void> {
    this.call(`heal-partition ${runner.node}`);
  }
  async blockVrrp(runner: NodeRunner): Promise<void> {
    this.call(`block-vrrp ${runner.node}`);
  }
  async unblockVrrp(runner: NodeRunner): Promise<void> {
    this.call(`unblock-vrrp ${runner.node}`);
  }

  async watchEvents(labels: Labels, onEvent: (e: MachineEvent) => void): Promise<EventWatch> {
    this.call('watch events');
    let end = () => undefined as void;
    const ended = new Promise<void>((resolve) => (end = resolve));
    const watch = { labels, emit: onEvent, end };
    this.watches.add(watch);
    return {
      ended,
      close: () => {
        this.watches.delete(watch);
        end();
      },
    };
  }

  async engineInfo(): Promise<EngineInfo> {
    this.call('engine info');
    return ENGINE_INFO;
  }

  async privilegedWorks(): Promise<{ works: boolean; detail: string }> {
    this.call('privileged check');
    return { works: true, detail: 'ok' };
  }

  async internalNetworkHasDefaultRoute(): Promise<boolean> {
    this.call('route check');
    return false;
  }

  async ensureForwarder(): Promise<number> {
    this.call('forwarder');
    return 40000;
  }

  readonly images: ImageStore = {
    labels: async (tag) => (this.call(`image labels ${tag}`), undefined),
    id: async (tag) => (this.call(`image id ${tag}`), undefined),
    build: async (b) => this.call(`image build ${b.tag}`),
    save: async (tags) => this.call(`image save ${tags.join(' ')}`),
    ensureBase: async (ref) => this.call(`image base ${ref}`),
  };

  readonly snapshots: SnapshotStore = fakeSnapshotStore(this);

  /** Seeds by name: the image each was made from. */
  readonly seedVolumes = new Map<string, string>();
  readonly seeds: SeedStore = fakeSeedStore(this);
}
