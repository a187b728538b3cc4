import './dispose-symbol.js';
import { readFile } from 'node:fs/promises';
import { UsageError } from '../core/errors.js';
import { EventChannel } from '../core/event-channel.js';
import { labStateDir } from '../core/paths.js';
import { DEFAULT_LAB_NAME, LABEL_LAB, LABEL_MANAGED, validateLabName } from '../core/topology.js';
import type { HistoryEntry } from '../chaos/history.js';
import { runScenarioSession } from '../chaos/scenario-session.js';
import type { FaultKind } from '../chaos/scenario/index.js';
import { kubeconfigPath } from '../lab/actions/kubeadm-actions.js';
import { down } from '../lab/down.js';
import { forwarderKubeconfigPath } from '../lab/forwarder-access.js';
import { readLabState } from '../lab/lab-state.js';
import { type OpenLab, openLab } from '../lab/open-lab.js';
import { labStatus } from '../lab/status.js';
import type { LabStatus } from '../lab/status-schema.js';
import type { TeardownResult } from '../lab/teardown.js';
import { up } from '../lab/up.js';
import { type UpgradeOutcome, upgradeLab } from '../lab/upgrade/upgrade-lab.js';
import { DockerProvider } from '../runtime/docker-provider.js';
import type { Provider } from '../runtime/provider.js';
import {
  type FaultHandle,
  type FaultTarget,
  type InjectOptions,
  applyFault,
} from './fault-handle.js';
import { type ProviderOption, type UpOptions, labUpOptions } from './options.js';
import {
  type ScenarioInput,
  type ScenarioResult,
  checkRepeat,
  defaultReportDir,
  loadScenario,
  scenarioResult,
} from './scenario.js';

export interface RunScenarioOptions {
  /** Aborting stops the run: every fault is undone and the partial report is still written. */
  signal?: AbortSignal | undefined;
  /** Every history entry (probe samples, faults, notes) as it is recorded. */
  onEvent?: ((entry: HistoryEntry) => void) | undefined;
  /** Where report.json, junit.xml, summary.md and report.html go (default reports/NAME-STAMP). */
  reportDir?: string | undefined;
  /** Run N times and aggregate (default 1). */
  repeat?: number | undefined;
  /** Progress lines, as `ha-lab scenario run` prints them on stderr. */
  log?: ((line: string) => void) | undefined;
  /** Called before each run (1-based); `scenario run --fresh` resets the lab here. */
  beforeRun?: ((run: number) => Promise<void>) | undefined;
}

export interface AttachOptions extends ProviderOption {
  signal?: AbortSignal | undefined;
}

/**
 * A lab as a value, for test suites and pipelines. `HaLab.up` builds one (and owns it: disposing
 * it removes it); `HaLab.attach` takes one that is already running (disposing it only undoes the
 * faults this object injected). The CLI's up, down, status and scenario run go through here.
 */
export class HaLab implements AsyncDisposable {
  readonly name: string;
  /** True when this object brought the lab up, so `Symbol.asyncDispose` removes it. */
  readonly owned: boolean;
  private readonly provider: Provider;
  private readonly channel = new EventChannel<HistoryEntry>();
  private readonly faults = new Set<FaultHandle>();
  private opened: OpenLab | undefined;

  private constructor(name: string, provider: Provider, owned: boolean) {
    this.name = name;
    this.provider = provider;
    this.owned = owned;
  }

  /** Brings a lab up (or resumes a half-made one), as `ha-lab up` does. */
  static async up(options: UpOptions = {}): Promise<HaLab> {
    const provider = options.provider ?? new DockerProvider();
    const { state } = await up(
      labUpOptions(options, provider, (event) => options.onEvent?.(event)),
    );
    return new HaLab(state.lab, provider, true);
  }

  /** Takes a lab that exists (state or containers); fails with the CLI's no-such-lab otherwise. */
  static async attach(
    name: string = DEFAULT_LAB_NAME,
    options: AttachOptions = {},
  ): Promise<HaLab> {
    const lab = validateLabName(name);
    const provider = options.provider ?? new DockerProvider();
    await provider.ping();
    options.signal?.throwIfAborted();
    const state = await readLabState(lab);
    const exists =
      state !== undefined ||
      (await provider.listMachines({ [LABEL_MANAGED]: 'true', [LABEL_LAB]: lab })).length > 0;
    if (!exists) throw noSuchLab(lab);
    return new HaLab(lab, provider, false);
  }

  /** Removes a lab by name; one that does not exist is fine (as `ha-lab down`). */
  static async remove(
    name: string = DEFAULT_LAB_NAME,
    options: ProviderOption & {
      purge?: boolean | undefined;
      keepSnapshots?: boolean | undefined;
    } = {},
  ): Promise<TeardownResult> {
    return down(options.provider ?? new DockerProvider(), name, {
      purge: Boolean(options.purge),
      keepSnapshots: Boolean(options.keepSnapshots),
    });
  }

  /** The kubeconfig file (mode 0600); its server is the VIP, or the forwarder with `forwarder`. */
  async kubeconfigPath(): Promise<string> {
    const state = await readLabState(this.name);
    if (!state) throw noSuchLab(this.name);
    const dir = labStateDir(this.name);
    return state.accessMode === 'forwarder' ? forwarderKubeconfigPath(dir) : kubeconfigPath(dir);
  }

  /** The kubeconfig's text (admin credentials: keep it out of logs). */
  async kubeconfig(): Promise<string> {
    const path = await this.kubeconfigPath();
    return readFile(path, 'utf8').catch(() => {
      throw new UsageError(
        'no-kubeconfig',
        `lab "${this.name}" has no kubeconfig: bring it up with \`ha-lab up --name ${this.name}\``,
      );
    });
  }

  /** Nodes, VIP holders, etcd members and API readiness (schemas/status.schema.json). */
  async status(): Promise<LabStatus> {
    return labStatus(this.provider, this.name);
  }

  /** Applies a fault now; the handle's `undo()` takes it back. `down()` undoes what is left. */
  async inject(
    fault: FaultKind,
    target: FaultTarget,
    options: InjectOptions = {},
  ): Promise<FaultHandle> {
    const lab = await this.open();
    const handle = await applyFault(lab, fault, target, options, (entry) =>
      this.channel.publish(entry),
    );
    const undo = async () => {
      await handle.undo();
      this.faults.delete(tracked);
    };
    const tracked: FaultHandle = { ...handle, undo, [Symbol.asyncDispose]: undo };
    this.faults.add(tracked);
    return tracked;
  }

  /**
   * Rolling HA upgrade to the next minor (or a later patch) in kubeadm's order: the masters
   * without the VIP, one graceful VIP move, the holder, then the workers, each drained and
   * uncordoned. Resolves with every component's version as its running process reports it.
   * Rejects with a UsageError (exit 2) for a path kubeadm refuses, before touching anything.
   */
  async upgrade(
    to: string,
    options: { signal?: AbortSignal | undefined; log?: ((line: string) => void) | undefined } = {},
  ): Promise<UpgradeOutcome> {
    const lab = await this.open();
    const log = options.log ?? (() => undefined);
    return upgradeLab(lab, to, {
      signal: options.signal ?? new AbortController().signal,
      log,
      step(name, node, work) {
        log(`upgrade: ${name}${node ? ` on ${node}` : ''}`);
        return work();
      },
    });
  }

  /** Runs a scenario and writes its reports; a failed check is a result (`passed: false`). */
  async runScenario(
    input: ScenarioInput,
    options: RunScenarioOptions = {},
  ): Promise<ScenarioResult> {
    const repeat = checkRepeat(options.repeat ?? 1);
    const scenario = await loadScenario(input);
    const lab = await this.open();
    const reportDir = options.reportDir ?? defaultReportDir(scenario.name);
    const session = await runScenarioSession({
      lab,
      scenario,
      reportDir,
      repeat,
      signal: options.signal ?? new AbortController().signal,
      log: options.log ?? (() => undefined),
      ...(options.beforeRun ? { beforeRun: options.beforeRun } : {}),
      onEntry: (entry) => {
        options.onEvent?.(entry);
        this.channel.publish(entry);
      },
    });
    return scenarioResult(scenario.name, reportDir, session);
  }

  /**
   * Every history entry this object records from now on (probe samples, faults and their
   * undos, notes), in order. Ends when `signal` aborts, or when the lab is removed or disposed.
   * Each reader has its own queue.
   */
  events(options: { signal?: AbortSignal | undefined } = {}): AsyncIterableIterator<HistoryEntry> {
    return this.channel.subscribe(options.signal);
  }

  /** Undoes the faults this object injected and removes the lab (as `ha-lab down`). */
  async down(options: { purge?: boolean | undefined } = {}): Promise<TeardownResult> {
    await this.undoFaults();
    try {
      return await HaLab.remove(this.name, { provider: this.provider, ...options });
    } finally {
      this.opened = undefined;
      this.channel.close();
    }
  }

  /** Owned (from `up`): removes the lab. Attached: undoes its own faults and leaves the lab. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.owned) {
      await this.down();
      return;
    }
    try {
      await this.undoFaults();
    } finally {
      this.channel.close();
    }
  }

  private async undoFaults(): Promise<void> {
    const results = await Promise.allSettled([...this.faults].reverse().map((f) => f.undo()));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async open(): Promise<OpenLab> {
    this.opened ??= await openLab(this.name, this.provider);
    return this.opened;
  }
}

function noSuchLab(lab: string): UsageError {
  return new UsageError(
    'no-such-lab',
    `lab "${lab}" does not exist: start it with \`ha-lab up --name ${lab}\``,
  );
}
