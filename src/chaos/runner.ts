import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { OpenLab } from '../lab/open-lab.js';
import { masters } from '../core/topology.js';
import { runChecks } from './checkers/index.js';
import type { Verdict } from './checkers/verdict.js';
import { ENGINE_LOST_NOTE, watchEngineLoss } from './engine-loss.js';
import { compactJournal } from './faults/fault-journal.js';
import { type Undo, injectFault } from './faults/inject.js';
import { resolveTarget } from './faults/resolve-target.js';
import type { History, HistoryEntry, VipSample } from './history.js';
import { NotWholeError } from './prepare.js';
import { deployRunWorkload, removeRunWorkload } from './run-workload.js';
import { LIVE_RUNNER_DEPS, type RunnerDeps, expectedHolder, latest } from './runner-deps.js';
import { verdict } from './checkers/verdict.js';
import type { EvidenceProbe } from './probes/evidence-probe.js';
import { buildCheckContext } from './checkers/index.js';
import { recoveredSince } from './checkers/recovery.js';
import { type Scenario, type Step, expectationsFor } from './scenario/index.js';

export interface RunOptions {
  lab: OpenLab;
  scenario: Scenario;
  signal: AbortSignal;
  /** Every history entry as it happens (the TUI watches a run live through this). */
  onEntry?: (entry: HistoryEntry) => void;
  log?: (line: string) => void;
  /** Always the live endpoints in the product; replaced only by unit tests of the step loop. */
  deps?: RunnerDeps;
}

export interface RunResult {
  runId: string;
  history: History;
  verdicts: Verdict[];
  interrupted: boolean;
  error?: string;
  startedAt: number;
  endedAt: number;
}

/** A new request through the VIP this often: API outages are measured to ±50 ms. */
export const VIP_REQUEST_INTERVAL_MS = 50;

/** Hard bound on a run's probing, whatever the scenario says. */
const MAX_RUN_MS = 45 * 60_000;
const MAX_ENTRIES = 500_000;

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return delay(ms, undefined, { signal }).catch(() => undefined);
}

/**
 * Runs one scenario: probes sample the whole time, faults are applied step by step, and every
 * undo runs at the end whatever happened (a failed check, an error, Ctrl-C). Then the history
 * is read back and judged by the checkers.
 */
export async function runScenario(options: RunOptions): Promise<RunResult> {
  const { lab, scenario, signal } = options;
  const log = options.log ?? (() => undefined);
  const deps = options.deps ?? LIVE_RUNNER_DEPS;
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const startedAt = Date.now();
  const entries: HistoryEntry[] = [];
  const record = (entry: HistoryEntry) => {
    entries.push(entry);
    options.onEntry?.(entry);
  };
  const undos = new Map<string, Undo[]>();
  let evidence: EvidenceProbe | undefined;
  const contextNow = () =>
    buildCheckContext(
      { startedAt, endedAt: Date.now(), entries },
      {
        masters: masters(lab.topology).map((m) => m.name),
        nodes: lab.topology.nodes.map((n) => n.name),
      },
    );
  // An engine restart ends the run at once, with the real cause as its error.
  const engine = await watchEngineLoss(lab.provider, lab.lab);
  const stepSignal = AbortSignal.any([signal, engine.signal]);
  let holdersBeforeRestore: string[] | undefined;
  let error: string | undefined;
  let prepareError: string | undefined;
  engine.signal.addEventListener('abort', () => {
    error = (engine.signal.reason as Error).message;
    record({ type: 'note', at: Date.now(), message: ENGINE_LOST_NOTE });
  });
  try {
    const prepared = await deps.prepareStartingState(lab, log, stepSignal);
    if (prepared) record({ type: 'note', at: Date.now(), message: prepared });
  } catch (e) {
    if (e instanceof NotWholeError) {
      // No fault on a lab that is already broken: whatever it showed would prove nothing.
      engine.close();
      record({ type: 'note', at: Date.now(), message: e.message });
      const endedAt = Date.now();
      const refusal = verdict('startingState', false, e.message, { missing: e.missing.length });
      return {
        runId,
        history: { startedAt, endedAt, entries },
        verdicts: [refusal],
        interrupted: false,
        startedAt,
        endedAt,
      };
    }
    // Still probe and report: a run that could not start is a result, never a lost report.
    prepareError = (e as Error).message.split('\n')[0] ?? String(e);
    record({
      type: 'note',
      at: Date.now(),
      message: `could not reach the starting state: ${prepareError}`,
    });
  }
  const workload = prepareError
    ? { attempted: false }
    : await deployRunWorkload(lab, scenario, deps, record, log, stepSignal);
  prepareError ??= workload.error;
  const cpuAtStart = process.cpuUsage();
  const probesStartedAt = Date.now();
  const probes = deps.startProbes(
    lab,
    {
      intervalMs: scenario.probes.intervalMs,
      writeIntervalMs: scenario.probes.writeIntervalMs,
      vipRequestIntervalMs: VIP_REQUEST_INTERVAL_MS,
      runId,
      ...(workload.deployed ? { workload: workload.deployed } : {}),
      maxDurationMs: MAX_RUN_MS,
      maxEntries: MAX_ENTRIES,
    },
    record,
  );

  const undoAll = async (ids?: string[]) => {
    const chosen = ids ?? [...undos.keys()].reverse();
    for (const id of chosen) {
      for (const undo of [...(undos.get(id) ?? [])].reverse()) {
        await undo().catch((e: Error) =>
          record({
            type: 'note',
            at: Date.now(),
            message: `undo failed: ${e.message.split('\n')[0]}`,
          }),
        );
      }
      undos.delete(id);
    }
  };

  const runStep = async (step: Step, index: number) => {
    switch (step.kind) {
      case 'settle':
      case 'observe':
        log(`step ${index + 1}: ${step.kind} ${step.durationMs / 1000}s`);
        await abortableDelay(step.durationMs, stepSignal);
        return;
      case 'fault': {
        const nodes = await resolveTarget(lab, step.target);
        log(
          `step ${index + 1}: ${step.fault}${step.service ? ` ${step.service}` : ''} on ${nodes.join(', ')}`,
        );
        const list = undos.get(step.id) ?? [];
        undos.set(step.id, list);
        await Promise.all(
          nodes.map(async (node) => {
            list.push(
              await injectFault(
                lab,
                { id: step.id, runId, fault: step.fault, node, service: step.service },
                record,
              ),
            );
          }),
        );
        return;
      }
      case 'restore': {
        holdersBeforeRestore = (latest(entries, 'vip') as VipSample | undefined)?.holders;
        log(`step ${index + 1}: restore ${step.id}`);
        evidence ??= deps.startEvidenceProbe(lab, record, { maxDurationMs: MAX_RUN_MS });
        await undoAll(step.id === 'all' ? undefined : [step.id]);
        return;
      }
      case 'op': {
        log(`step ${index + 1}: ${step.op} on ${step.target}`);
        // Evidence from the start: whether the lab is whole is judged on readings after the end.
        evidence ??= deps.startEvidenceProbe(lab, record, { maxDurationMs: MAX_RUN_MS });
        await deps.runOperation(lab, step, { runId, record, log, signal: engine.signal });
        return;
      }
      case 'wait': {
        log(`step ${index + 1}: wait until recovered (at most ${step.timeoutMs / 1000}s)`);
        evidence ??= deps.startEvidenceProbe(lab, record, { maxDurationMs: MAX_RUN_MS });
        const until = Date.now() + step.timeoutMs;
        let missing: string[] = ['no evidence read yet'];
        while (!stepSignal.aborted && Date.now() < until) {
          const verdict = recoveredSince(evidence.latest(), contextNow());
          if (verdict.whole) return;
          missing = verdict.missing;
          await abortableDelay(500, stepSignal);
        }
        if (!stepSignal.aborted)
          record({
            type: 'note',
            at: Date.now(),
            message: `not recovered within ${step.timeoutMs / 1000}s: ${missing.join('; ')}`,
          });
        return;
      }
    }
  };

  try {
    if (prepareError) throw new Error(prepareError);
    await abortableDelay(1000, stepSignal);
    for (const [index, step] of scenario.steps.entries()) {
      if (stepSignal.aborted) break;
      await runStep(step, index);
    }
  } catch (e) {
    if (!engine.lost) {
      error = (e as Error).message.split('\n')[0] ?? String(e);
      record({ type: 'note', at: Date.now(), message: `run error: ${error}` });
    }
  } finally {
    await undoAll();
  }
  await Promise.all([probes.stop(), evidence?.stop()]);
  engine.close();
  const cpu = process.cpuUsage(cpuAtStart);
  const wallMs = Date.now() - probesStartedAt;
  const history: History = {
    startedAt,
    endedAt: Date.now(),
    entries,
    probeCpu: {
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      wallMs,
      percentOfCore: Math.round(((cpu.user + cpu.system) / 1000 / Math.max(1, wallMs)) * 1000) / 10,
    },
  };
  // Without an engine there are no nodes to read back from or clean up on.
  if (!signal.aborted && !engine.lost) {
    log('reading back every write, one final write, hashkv of every member');
    const keys = entries.filter((e) => e.type === 'write').map((e) => (e as { key: string }).key);
    try {
      const readback = await deps.finalReadback(lab, runId, keys, signal);
      if (readback) history.finalReadback = readback;
      history.finalWriteOk = await deps.finalWrite(lab, runId, signal);
      history.hashKv = await deps.hashKvAll(lab, signal);
      history.expectedVipHolder = expectedHolder(lab, holdersBeforeRestore);
    } catch {
      // Ctrl-C while reading back: the partial report is written, no verdict is given.
    }
  }
  const interrupted = signal.aborted;
  const finished = !interrupted && !engine.lost;
  if (!engine.lost) await deps.cleanupRun(lab, runId);
  await compactJournal(lab.stateDir).catch(() => undefined);
  history.endedAt = Date.now();
  // After the end: the teardown's grace periods are no part of the measured run.
  if (!engine.lost) await removeRunWorkload(lab, workload, deps, record);
  const verdicts = !finished
    ? []
    : runChecks(history, expectationsFor(scenario, lab.state.timing), {
        masters: masters(lab.topology).map((m) => m.name),
        nodes: lab.topology.nodes.map((n) => n.name),
      });
  return {
    runId,
    history,
    verdicts,
    interrupted,
    ...(error ? { error } : {}),
    startedAt,
    endedAt: history.endedAt,
  };
}
