/**
 * What each key does, as a pure function from (mode, key) to (next mode, command). The
 * dashboard component only runs the commands, so every prompt path is testable without a
 * terminal.
 */
import type { FaultKind, FaultRequest, ServiceName } from './dashboard-controller.js';
import type { ActiveFault, NodeRow } from './dashboard-state.js';

export type Command =
  | { kind: 'select'; delta: number }
  | { kind: 'apply'; request: FaultRequest }
  | { kind: 'restore' }
  | { kind: 'run-scenario'; name: string }
  | { kind: 'quit'; undo: boolean };

export type Mode =
  | { kind: 'idle'; hint?: string }
  | { kind: 'confirm'; question: string; command: Command }
  | { kind: 'quit'; question: string }
  | { kind: 'scenarios'; items: string[]; index: number }
  | { kind: 'help' };

/** The parts of Ink's Key this needs, so tests can build key presses by hand. */
export interface Keypress {
  input: string;
  upArrow?: boolean;
  downArrow?: boolean;
  return?: boolean;
  escape?: boolean;
  ctrl?: boolean;
}

export interface KeyContext {
  selected: NodeRow | undefined;
  activeFaults: readonly ActiveFault[];
  /** The scenario the dashboard is running, if any. */
  scenario?: string | undefined;
  /** Called only when the picker opens, so new scenario files show up without a restart. */
  listScenarios: () => string[];
}

export interface KeyResult {
  mode: Mode;
  command?: Command;
}

export const IDLE: Mode = { kind: 'idle' };

const SERVICE_KEYS: Record<string, ServiceName> = {
  e: 'etcd',
  a: 'kube-apiserver',
  v: 'keepalived',
};

export function reduceKey(mode: Mode, press: Keypress, ctx: KeyContext): KeyResult {
  switch (mode.kind) {
    case 'idle':
      return idleKey(press, ctx);
    case 'confirm':
      // Default is No: only an explicit y runs a destructive command.
      return press.input === 'y' || press.input === 'Y'
        ? { mode: IDLE, command: mode.command }
        : { mode: { kind: 'idle', hint: 'cancelled' } };
    case 'quit':
      // Default is Yes: leaving faults behind should take a deliberate n.
      if (press.return || press.input === 'y' || press.input === 'Y' || isCtrlC(press)) {
        return { mode: IDLE, command: { kind: 'quit', undo: true } };
      }
      if (press.input === 'n' || press.input === 'N') {
        return { mode: IDLE, command: { kind: 'quit', undo: false } };
      }
      return press.escape ? { mode: IDLE } : { mode };
    case 'scenarios': {
      if (press.escape || press.input === 'q') return { mode: IDLE };
      const name = mode.items[mode.index];
      if (press.return && name !== undefined) {
        return { mode: IDLE, command: { kind: 'run-scenario', name } };
      }
      const delta = moveDelta(press);
      if (delta === 0) return { mode };
      const index = Math.min(mode.items.length - 1, Math.max(0, mode.index + delta));
      return { mode: { ...mode, index } };
    }
    case 'help':
      return { mode: IDLE };
  }
}

function isCtrlC(press: Keypress): boolean {
  return press.ctrl === true && press.input === 'c';
}

function moveDelta(press: Keypress): number {
  if (press.upArrow || press.input === 'k') return -1;
  if (press.downArrow || press.input === 'j') return 1;
  return 0;
}

function idleKey(press: Keypress, ctx: KeyContext): KeyResult {
  const delta = moveDelta(press);
  if (delta !== 0) return { mode: IDLE, command: { kind: 'select', delta } };
  if (press.input === 'q' || isCtrlC(press)) return quitKey(ctx);
  if (press.input === '?') return { mode: { kind: 'help' } };
  if (press.input === 'R') {
    return confirm('Restore everything (undo all faults)?', { kind: 'restore' });
  }
  if (press.input === 'c') {
    const items = ctx.listScenarios();
    return items.length === 0
      ? { mode: { kind: 'idle', hint: 'no scenarios found' } }
      : { mode: { kind: 'scenarios', items, index: 0 } };
  }
  return nodeKey(press.input, ctx);
}

function quitKey(ctx: KeyContext): KeyResult {
  const count = ctx.activeFaults.length;
  if (count === 0 && !ctx.scenario) return { mode: IDLE, command: { kind: 'quit', undo: false } };
  const noun = count === 1 ? 'fault' : 'faults';
  // A running scenario may be between faults, or about to record one: always offer to stop it.
  const question = ctx.scenario
    ? `Stop scenario ${ctx.scenario} and undo ${count} active ${noun} before quitting? [Y/n/esc]`
    : `Undo ${count} active ${noun} before quitting? [Y/n/esc]`;
  return { mode: { kind: 'quit', question } };
}

function nodeKey(input: string, ctx: KeyContext): KeyResult {
  const node = ctx.selected;
  const service = SERVICE_KEYS[input];
  const fault = service ? 'service-stop' : nodeFault(input, node, ctx.activeFaults);
  if (fault === undefined) return { mode: IDLE };
  if (!node) return { mode: { kind: 'idle', hint: 'no node selected' } };
  if (service) {
    if (node.role !== 'master') {
      return { mode: { kind: 'idle', hint: `${service} runs on masters only` } };
    }
    return confirm(`Stop ${service} on ${node.name}?`, {
      kind: 'apply',
      request: { fault, target: node.name, service },
    });
  }
  return confirm(`${FAULT_VERBS[fault]} ${node.name}?`, {
    kind: 'apply',
    request: { fault, target: node.name },
  });
}

const FAULT_VERBS: Record<FaultKind, string> = {
  kill: 'Kill',
  stop: 'Stop',
  pause: 'Pause',
  unpause: 'Unpause',
  restart: 'Restart',
  partition: 'Partition',
  heal: 'Heal the partition of',
  'service-stop': 'Stop a service on',
};

function nodeFault(
  input: string,
  node: NodeRow | undefined,
  active: readonly ActiveFault[],
): FaultKind | undefined {
  switch (input) {
    case 'K':
      return 'kill';
    case 's':
      return 'stop';
    case 'r':
      return 'restart';
    case 'p':
      return node?.container === 'paused' ? 'unpause' : 'pause';
    case 'n': {
      const partitioned = active.some((f) => f.fault === 'partition' && f.target === node?.name);
      return partitioned ? 'heal' : 'partition';
    }
    default:
      return undefined;
  }
}

function confirm(question: string, command: Command): KeyResult {
  return { mode: { kind: 'confirm', question: `${question} [y/N]`, command } };
}
