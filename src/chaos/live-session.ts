import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { OpenLab } from '../lab/open-lab.js';
import { LABEL_LAB, LABEL_MANAGED, LABEL_NODE, containerName } from '../core/topology.js';
import { closeConnections } from '../lab/clients/tls-request.js';
import { RuntimeError } from '../core/errors.js';
import type { EventWatch } from '../runtime/provider.js';
import { type Undo, injectFault } from './faults/inject.js';
import type { ContainersSnapshot, LiveEvent, LiveRequest } from './live-events.js';
import { startProbes, type RunningProbes } from './probes/probe-set.js';
import { OwnedScenario } from './owned-scenario.js';
import { listBuiltinScenarios, resolveScenario } from './scenario/index.js';

type ContainerWatch = EventWatch;

/** How often the dashboard asks a vanished engine whether it is back. */
const ENGINE_RETRY_MS = 3000;

/**
 * The interactive session behind the TUI: the same probes and faults the scenario runner
 * uses, driven by key presses. Every applied fault is journalled and undone on request or at
 * quit; a scenario started from the TUI streams its own probe history into the same view.
 */
export class LiveSession {
  private listeners = new Set<(e: LiveEvent) => void>();
  private probes: RunningProbes | undefined;
  private active = new Map<string, Undo>();
  private stopWatch: (() => void) | undefined;
  private readonly closing = new AbortController();
  private get closed(): boolean {
    return this.closing.signal.aborted;
  }
  private systemdTimer: NodeJS.Timeout | undefined;
  private readonly runId = `tui${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  private scenarioNames: string[] = [];
  private faultSeq = 0;
  private systemd = new Map<string, string>();
  /** A scenario started from the dashboard: it lives and dies with the dashboard. */
  private readonly scenario = new OwnedScenario();
  private containers = new Map<string, ContainersSnapshot['nodes'][number]['container']>();

  /**
   * The lab as the probes see it: same nodes, but identities that keep their connections
   * open. Watching for hours at four samples a second, a TLS handshake per sample was most
   * of the dashboard's CPU; faults still go through the plain lab.
   */
  private readonly watchingLab: OpenLab;

  constructor(private readonly lab: OpenLab) {
    this.watchingLab = {
      ...lab,
      admin: { ...lab.admin, keepAlive: true },
      etcdProbe: { ...lab.etcdProbe, keepAlive: true },
    };
  }

  async start(): Promise<void> {
    this.scenarioNames = (await listBuiltinScenarios()).map((s) => s.name);
    await this.readContainers();
    // The grid fills at once; systemd states follow with the first poll.
    this.emitContainers();
    const watcher = await this.watchContainers();
    void this.followEngine(watcher);
    this.startProbes();
    const pollSystemd = async () => {
      await Promise.all(
        this.lab.topology.nodes.map(async (n) => {
          if (this.containers.get(n.name) !== 'running') return this.systemd.set(n.name, 'down');
          const r = await this.lab.runners[n.name]
            ?.exec(['systemctl', 'is-system-running'], { timeoutMs: 3000 })
            .catch(() => undefined);
          this.systemd.set(n.name, r?.stdout.trim() || 'unknown');
        }),
      );
      this.emitContainers();
    };
    await pollSystemd();
    // systemd state changes slowly and costs a `docker exec` per node: every 5 s is plenty.
    this.systemdTimer = setInterval(() => void pollSystemd(), 5000);
  }

  /** Every node's container state, read afresh (at start and after the engine returns). */
  private async readContainers(): Promise<void> {
    for (const node of this.lab.topology.nodes) {
      const info = await this.lab.provider
        .inspectMachine(containerName(this.lab.lab, node.name))
        .catch((error: unknown) => {
          // A lost engine says nothing about the container: keep what was last seen.
          if (error instanceof RuntimeError) throw error;
          return undefined;
        });
      this.containers.set(
        node.name,
        !info ? 'missing' : info.paused ? 'paused' : info.running ? 'running' : 'exited',
      );
    }
  }

  private watchContainers(): Promise<ContainerWatch> {
    return this.lab.provider.watchEvents(
      { [LABEL_MANAGED]: 'true', [LABEL_LAB]: this.lab.lab },
      (e) => {
        const node = e.labels[LABEL_NODE];
        if (!node) return;
        const next =
          e.action === 'pause'
            ? 'paused'
            : e.action === 'unpause' || e.action === 'start'
              ? 'running'
              : e.action === 'die'
                ? 'exited'
                : undefined;
        if (!next) return;
        this.containers.set(node, next);
        this.emitContainers();
      },
    );
  }

  /**
   * Follows the engine's event stream. When it ends (an engine restart), says so in the
   * timeline and waits for the engine to come back; the grid is then read afresh, so stopped
   * nodes show as exited, never as they were before the restart.
   */
  private async followEngine(first: ContainerWatch): Promise<void> {
    let watcher: ContainerWatch | undefined = first;
    while (watcher) {
      const current = watcher;
      this.stopWatch = () => current.close();
      await current.ended;
      if (this.closed) return;
      this.emit({
        type: 'note',
        at: Date.now(),
        message: `Docker engine lost: nodes stop with it; retrying (then: ha-lab up --name ${this.lab.lab})`,
      });
      watcher = await this.reconnect();
    }
  }

  /** Asks the engine every few seconds until it answers again, or the dashboard closes. */
  private async reconnect(): Promise<ContainerWatch | undefined> {
    while (!this.closed) {
      await delay(ENGINE_RETRY_MS, undefined, { signal: this.closing.signal }).catch(
        () => undefined,
      );
      if (this.closed) return undefined;
      try {
        await this.lab.provider.ping(ENGINE_RETRY_MS);
        await this.readContainers();
        const watcher = await this.watchContainers();
        // close() may have run while the stream was opening: it must not outlive the session.
        if (this.closed) {
          watcher.close();
          return undefined;
        }
        this.emit({ type: 'note', at: Date.now(), message: 'the Docker engine answers again' });
        this.emitContainers();
        return watcher;
      } catch {
        // still away: try again after the next pause
      }
    }
    return undefined;
  }

  private startProbes(): void {
    this.probes = startProbes(
      this.watchingLab,
      {
        intervalMs: 250,
        memberIntervalMs: 1000,
        writeIntervalMs: 1000,
        runId: this.runId,
        maxDurationMs: 8 * 3600_000,
        maxEntries: 5_000_000,
      },
      (e) => this.emit(e),
      { writer: false },
    );
  }

  /**
   * Nothing reaches the view once the session closes (it is unmounted), and a listener that
   * throws never reaches the caller: a fault's undo reports through here.
   */
  private emit(e: LiveEvent): void {
    if (this.closed) return;
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // the view's problem, not the fault's
      }
    }
  }

  private emitContainers(): void {
    this.emit({
      type: 'containers',
      at: Date.now(),
      nodes: this.lab.topology.nodes.map((n) => ({
        name: n.name,
        role: n.role,
        ip: n.ip,
        container: this.containers.get(n.name) ?? 'missing',
        systemd: this.systemd.get(n.name) ?? 'unknown',
      })),
    });
  }

  subscribe(listener: (e: LiveEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  listScenarios(): string[] {
    return this.scenarioNames;
  }

  /** The dashboard's own faults and those of a scenario it started. */
  activeFaultCount(): number {
    return this.active.size + this.scenario.activeFaults;
  }

  /** unpause and heal take back the node's pause or partition; everything else is a new fault. */
  async apply(request: LiveRequest): Promise<void> {
    if (request.fault === 'unpause' || request.fault === 'heal') {
      const kind = request.fault === 'unpause' ? 'pause' : 'partition';
      const key = [...this.active.keys()].find((k) => k.startsWith(`${kind}:${request.target}:`));
      if (key) {
        await this.active.get(key)?.();
        this.active.delete(key);
      }
      return;
    }
    const key = `${request.fault}:${request.target}:${request.service ?? ''}`;
    if (this.active.has(key)) return;
    const undo = await injectFault(
      this.lab,
      {
        id: `t${++this.faultSeq}`,
        runId: this.runId,
        fault: request.fault,
        node: request.target,
        service: request.service,
      },
      (record) => this.emit(record),
    );
    this.active.set(key, undo);
  }

  async restoreAll(): Promise<void> {
    for (const [key, undo] of [...this.active].reverse()) {
      await undo().catch(() => undefined);
      this.active.delete(key);
    }
  }

  /**
   * A scenario from the TUI: live probes pause so the run's own probes are the only load. It
   * belongs to the dashboard: quitting with undo stops it, and its own undo runs before exit.
   */
  async runScenario(name: string, reportRoot: string): Promise<boolean> {
    const { scenario } = await resolveScenario(name);
    await this.probes?.stop();
    try {
      return await this.scenario.run({
        lab: this.lab,
        scenario,
        reportDir: join(reportRoot, `${name}-${Date.now()}`),
        repeat: 1,
        log: (line) => this.emit({ type: 'note', at: Date.now(), message: line.trim() }),
        onEntry: (e) => this.emit(e),
      });
    } finally {
      if (!this.closed) this.startProbes();
    }
  }

  async close(undo: boolean): Promise<void> {
    this.closing.abort();
    if (undo) await this.scenario.stopAndUndo();
    if (undo) await this.restoreAll();
    if (this.systemdTimer) clearInterval(this.systemdTimer);
    this.stopWatch?.();
    await this.probes?.stop();
    closeConnections(this.watchingLab.admin);
    closeConnections(this.watchingLab.etcdProbe);
  }
}
