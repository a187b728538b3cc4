import { stat } from 'node:fs/promises';
import { basename, posix } from 'node:path';
import { RuntimeError, UsageError } from '../../core/errors.js';
import { mapLimit } from '../../core/map-limit.js';
import { waitFor } from '../../core/wait.js';
import { blockVrrp, healPartition, partition, unblockVrrp } from '../network-faults.js';
import { type NodeRunner, run } from '../node-runner.js';
import type {
  EventWatch,
  Labels,
  LineStream,
  MachineEvent,
  MachineInfo,
  MachineSummary,
  PowerAction,
  PowerMethod,
  Provider,
} from '../provider.js';
import { HostLinks, HostRunner } from './host-links.js';
import { inspectHost, interfaceAddresses, sessionExemption } from './host-reads.js';
import { labelsMatch, MachineEvents } from './machine-events.js';
import {
  INVENTORY_IMAGES,
  INVENTORY_SEEDS,
  INVENTORY_SNAPSHOTS,
  NOT_ON_INVENTORY,
} from './not-on-inventory.js';
import { runPowerCommand } from './power-command.js';
import { type SignalAction, signalScript } from './service-power.js';
import { uploadFile } from './sftp-upload.js';
import type { SshMachine, SshProviderOptions } from './ssh-machine.js';
import { CONNECT_TIMEOUT_MS, connectSsh } from './ssh-connect.js';

export type { SshMachine, SshProviderOptions } from './ssh-machine.js';

/** Hosts handshaking at once on `ping`: enough for an inventory, few enough for a laptop. */
const PING_PARALLEL = 8;
/** A VM given its power back boots and answers SSH within this. */
const POWER_ON_WAIT_MS = 180_000;
/** Each attempt to reach a booting host; a refused port fails at once anyway. */
const POWER_ON_ATTEMPT_MS = 5_000;
/** The kill and start scripts run systemctl, which waits on jobs; stop adds its grace. */
const SIGNAL_SCRIPT_TIMEOUT_MS = 120_000;

/**
 * Machines are the user's hosts (an inventory lab), reached over one kept SSH connection
 * each. Power is the host's power command when the inventory gives one, else signals to the
 * lab's services on a host that stays up (service-power.ts); the lifecycle events an engine
 * would report are the provider's own (machine-events.ts).
 */
export class SshProvider implements Provider {
  readonly kind = 'ssh';
  readonly address: string;
  readonly images = INVENTORY_IMAGES;
  readonly snapshots = INVENTORY_SNAPSHOTS;
  readonly seeds = INVENTORY_SEEDS;

  private readonly machines = new Map<string, SshMachine>();
  private readonly runners = new Map<string, HostRunner>();
  private readonly links: HostLinks;
  private readonly events = new MachineEvents();
  private readonly signal: AbortSignal | undefined;

  constructor(options: SshProviderOptions) {
    this.address = options.address;
    this.signal = options.signal;
    this.links = new HostLinks(options.connect ?? connectSsh, options.hostKeys, options.signal);
    for (const m of options.machines) {
      if ((m.powerOff === undefined) !== (m.powerOn === undefined)) {
        throw new UsageError(
          'power-commands-incomplete',
          `${m.node}: give both powerOff and powerOn, or neither (then kill and stop signal the lab's services)`,
        );
      }
      this.machines.set(m.machine, m);
      this.runners.set(m.machine, new HostRunner(this.links, m.target, m.node));
    }
  }

  async ping(timeoutMs = CONNECT_TIMEOUT_MS): Promise<void> {
    const hosts = [...this.machines.values()].map((m) => m.target);
    // Every host is tried; the error is the first failing host's in inventory order.
    const failures = await mapLimit(
      hosts,
      PING_PARALLEL,
      (target) =>
        this.links.connection(target, timeoutMs).then(
          () => undefined,
          (error: unknown) => error,
        ),
      this.signal,
    );
    const failure = failures.find((error) => error !== undefined);
    if (failure !== undefined) throw failure;
  }

  async listMachines(labels: Labels): Promise<MachineSummary[]> {
    const chosen = [...this.machines.values()].filter((m) => labelsMatch(m.labels, labels));
    return Promise.all(
      chosen.map(async (m) => {
        const info = await this.inspectMachine(m.machine);
        const state = info?.paused ? 'paused' : info?.running ? 'running' : 'exited';
        return { name: m.machine, id: m.machine, state, labels: { ...m.labels } };
      }),
    );
  }

  async inspectMachine(name: string): Promise<MachineInfo | undefined> {
    const m = this.machines.get(name);
    if (!m) return undefined;
    const info = await inspectHost(this.hostRunner(name), this.signal);
    return {
      ...info,
      details: { ...(info.details as object), powerMethod: this.powerMethod(name) },
    };
  }

  powerMethod(name: string): PowerMethod {
    return this.machines.get(name)?.powerOff ? 'power-command' : 'service-signals';
  }

  async power(name: string, action: PowerAction, stopTimeoutS = 10): Promise<void> {
    const m = this.machine(name);
    const commands = m.powerOff && m.powerOn ? { off: m.powerOff, on: m.powerOn } : undefined;
    switch (action) {
      case 'pause':
      case 'unpause':
        await this.signalServices(m, action, stopTimeoutS);
        return this.tell(action, m);
      case 'kill':
      case 'stop':
        if (commands) {
          await runPowerCommand(name, commands.off, this.signal);
          this.links.drop(m.target);
        } else {
          await this.signalServices(m, action, stopTimeoutS);
        }
        return this.tell('die', m);
      case 'start':
        if (commands) await this.powerOn(m, commands.on);
        else await this.signalServices(m, 'start', stopTimeoutS);
        return this.tell('start', m);
      case 'restart':
        await this.power(name, 'stop', stopTimeoutS);
        await this.power(name, 'start', stopTimeoutS);
        return;
    }
  }

  runner(_node: string, machine: string): NodeRunner {
    return this.hostRunner(machine);
  }

  async streamLines(
    machine: string,
    command: string[],
    onLine: (line: string) => void,
  ): Promise<LineStream> {
    return (await this.hostRunner(machine).current()).streamLines(command, onLine);
  }

  /** Uploads over SFTP (skipped when the host has the same bytes), keeping the file's mode. */
  async copyIn(machine: string, hostPath: string, machineDir: string): Promise<void> {
    const runner = await this.hostRunner(machine).current();
    const mode = (await stat(hostPath)).mode & 0o777;
    await uploadFile(runner, hostPath, posix.join(machineDir, basename(hostPath)), {
      mode,
      signal: this.signal,
    });
  }

  async kernelAddresses(machine: string): Promise<string[] | undefined> {
    const m = this.machines.get(machine);
    if (!m) return undefined;
    return interfaceAddresses(this.hostRunner(machine), m.interface);
  }

  createMachine = NOT_ON_INVENTORY.createMachine;
  removeMachine = NOT_ON_INVENTORY.removeMachine;
  createInternalNetwork = NOT_ON_INVENTORY.createInternalNetwork;
  removeNetwork = NOT_ON_INVENTORY.removeNetwork;
  removeVolume = NOT_ON_INVENTORY.removeVolume;
  engineInfo = NOT_ON_INVENTORY.engineInfo;
  privilegedWorks = NOT_ON_INVENTORY.privilegedWorks;
  internalNetworkHasDefaultRoute = NOT_ON_INVENTORY.internalNetworkHasDefaultRoute;
  ensureForwarder = NOT_ON_INVENTORY.ensureForwarder;

  /** ha-lab makes no networks or volumes on hosts: there are none of its own to find. */
  async listNetworks(): Promise<[]> {
    return [];
  }
  async listVolumes(): Promise<string[]> {
    return [];
  }
  async inspectNetwork(): Promise<undefined> {
    return undefined;
  }

  /**
   * The operator may sit on the lab subnet (as the Docker bridge gateway does in the tests),
   * so the host's partition exempts ha-lab's own SSH session: cut off, the heal could not
   * reach the host, and the host could only be healed by hand.
   */
  async partition(runner: NodeRunner, subnet: string): Promise<void> {
    const m = this.machineOfNode(runner.node);
    await partition(
      runner,
      subnet,
      await sessionExemption(this.hostRunner(m.machine), this.signal),
    );
  }
  healPartition = healPartition;
  blockVrrp = blockVrrp;
  unblockVrrp = unblockVrrp;

  async watchEvents(labels: Labels, onEvent: (event: MachineEvent) => void): Promise<EventWatch> {
    return this.events.watch(labels, onEvent);
  }

  dispose(): void {
    this.links.closeAll();
    this.events.closeAll();
  }

  private tell(action: string, m: SshMachine): void {
    this.events.emit(action, m.machine, m.labels);
  }

  private machine(name: string): SshMachine {
    const m = this.machines.get(name);
    if (!m) {
      throw new RuntimeError('no-such-machine', `no machine ${name} in ${this.address}`);
    }
    return m;
  }

  private machineOfNode(node: string): SshMachine {
    const m = [...this.machines.values()].find((candidate) => candidate.node === node);
    if (!m) throw new RuntimeError('no-such-machine', `no node ${node} in ${this.address}`);
    return m;
  }

  private hostRunner(machine: string): HostRunner {
    const runner = this.runners.get(machine);
    if (!runner) {
      throw new RuntimeError('no-such-machine', `no machine ${machine} in ${this.address}`);
    }
    return runner;
  }

  private async signalServices(m: SshMachine, action: SignalAction, graceS: number) {
    const held = m.vip && { ...m.vip, interface: m.interface };
    await run(this.hostRunner(m.machine), ['sh', '-ec', signalScript(action, graceS, held)], {
      timeoutMs: SIGNAL_SCRIPT_TIMEOUT_MS + (action === 'stop' ? graceS * 1000 : 0),
      signal: this.signal,
    });
  }

  /**
   * Any connection kept from before predates this power cycle (the host may have been
   * killed behind ha-lab's back): it is dropped, so "answers SSH" means the booted host.
   */
  private async powerOn(m: SshMachine, argv: string[]): Promise<void> {
    this.links.drop(m.target);
    await runPowerCommand(m.machine, argv, this.signal);
    await waitFor(
      async () => {
        await this.links.connection(m.target, POWER_ON_ATTEMPT_MS);
        return true;
      },
      {
        what: `${m.node} (${m.target.address}) to answer SSH after \`${argv.join(' ')}\``,
        timeoutMs: POWER_ON_WAIT_MS,
        intervalMs: 1_000,
        signal: this.signal,
      },
    );
  }
}
