import { describe, expect, it } from 'vitest';
import { IDLE, reduceKey, type KeyContext, type Mode } from '../../../src/ui/dashboard-keys.js';
import type { ActiveFault, NodeRow } from '../../../src/ui/dashboard-state.js';

function row(name: string, patch: Partial<NodeRow> = {}): NodeRow {
  return {
    name,
    role: name.startsWith('master') ? 'master' : 'worker',
    ip: '172.30.5.11',
    container: 'running',
    systemd: 'running',
    hasVip: false,
    etcd: 'follower',
    apiReady: true,
    kubeletReady: 'True',
    leaseRenewedAt: undefined,
    lastChangeAt: undefined,
    ...patch,
  };
}

function ctx(patch: Partial<KeyContext> = {}): KeyContext {
  return {
    selected: row('master-0'),
    activeFaults: [],
    listScenarios: () => ['a', 'b', 'c'],
    ...patch,
  };
}

const partition: ActiveFault = {
  id: 'p1',
  fault: 'partition',
  target: 'master-0',
  appliedAt: 0,
  undoError: undefined,
};

describe('reduceKey', () => {
  it.each([
    ['K', 'Kill master-0? [y/N]', { fault: 'kill', target: 'master-0' }],
    ['s', 'Stop master-0? [y/N]', { fault: 'stop', target: 'master-0' }],
    ['p', 'Pause master-0? [y/N]', { fault: 'pause', target: 'master-0' }],
    ['n', 'Partition master-0? [y/N]', { fault: 'partition', target: 'master-0' }],
    ['r', 'Restart master-0? [y/N]', { fault: 'restart', target: 'master-0' }],
    [
      'e',
      'Stop etcd on master-0? [y/N]',
      { fault: 'service-stop', target: 'master-0', service: 'etcd' },
    ],
    [
      'a',
      'Stop kube-apiserver on master-0? [y/N]',
      { fault: 'service-stop', target: 'master-0', service: 'kube-apiserver' },
    ],
    [
      'v',
      'Stop keepalived on master-0? [y/N]',
      { fault: 'service-stop', target: 'master-0', service: 'keepalived' },
    ],
  ])('asks before %s and applies only on y', (input, question, request) => {
    const asked = reduceKey(IDLE, { input }, ctx());
    expect(asked.mode).toMatchObject({ kind: 'confirm', question });
    expect(asked.command).toBeUndefined();
    expect(reduceKey(asked.mode, { input: 'y' }, ctx()).command).toEqual({
      kind: 'apply',
      request,
    });
    for (const no of ['n', 'N', '', 'x']) {
      expect(
        reduceKey(asked.mode, { input: no, return: no === '' }, ctx()).command,
      ).toBeUndefined();
    }
  });

  it('offers heal on a partitioned node and unpause on a paused one', () => {
    expect(reduceKey(IDLE, { input: 'n' }, ctx({ activeFaults: [partition] })).mode).toMatchObject({
      question: 'Heal the partition of master-0? [y/N]',
    });
    expect(
      reduceKey(IDLE, { input: 'p' }, ctx({ selected: row('master-0', { container: 'paused' }) }))
        .mode,
    ).toMatchObject({
      question: 'Unpause master-0? [y/N]',
    });
  });

  it('moves the selection with arrows and j/k without asking', () => {
    expect(reduceKey(IDLE, { input: 'j' }, ctx()).command).toEqual({ kind: 'select', delta: 1 });
    expect(reduceKey(IDLE, { input: 'k' }, ctx()).command).toEqual({ kind: 'select', delta: -1 });
    expect(reduceKey(IDLE, { input: '', downArrow: true }, ctx()).command).toEqual({
      kind: 'select',
      delta: 1,
    });
  });

  it('quits at once without faults, and asks with Yes as the default when faults are active', () => {
    expect(reduceKey(IDLE, { input: 'q' }, ctx()).command).toEqual({ kind: 'quit', undo: false });
    const asked = reduceKey(
      IDLE,
      { input: 'q' },
      ctx({ activeFaults: [partition, { ...partition, id: 'p2' }] }),
    );
    expect(asked.mode).toEqual({
      kind: 'quit',
      question: 'Undo 2 active faults before quitting? [Y/n/esc]',
    });
    expect(reduceKey(asked.mode, { input: '', return: true }, ctx()).command).toEqual({
      kind: 'quit',
      undo: true,
    });
    expect(reduceKey(asked.mode, { input: 'n' }, ctx()).command).toEqual({
      kind: 'quit',
      undo: false,
    });
    expect(reduceKey(asked.mode, { input: '', escape: true }, ctx())).toEqual({ mode: IDLE });
  });

  it('always asks while a scenario it started runs, even before the scenario applied a fault', () => {
    const asked = reduceKey(IDLE, { input: 'q' }, ctx({ scenario: 'kill-master0' }));
    expect(asked.mode).toEqual({
      kind: 'quit',
      question: 'Stop scenario kill-master0 and undo 0 active faults before quitting? [Y/n/esc]',
    });
    expect(reduceKey(asked.mode, { input: 'y' }, ctx()).command).toEqual({
      kind: 'quit',
      undo: true,
    });
  });

  it('treats Ctrl-C like q, and a second Ctrl-C as "undo and quit"', () => {
    const asked = reduceKey(IDLE, { input: 'c', ctrl: true }, ctx({ activeFaults: [partition] }));
    expect(asked.mode.kind).toBe('quit');
    expect(reduceKey(asked.mode, { input: 'c', ctrl: true }, ctx()).command).toEqual({
      kind: 'quit',
      undo: true,
    });
  });

  it('lists scenarios only when the picker opens, and clamps the highlight', () => {
    let listed = 0;
    const context = ctx({ listScenarios: () => (listed++, ['one', 'two']) });
    let mode: Mode = reduceKey(IDLE, { input: 'c' }, context).mode;
    expect(listed).toBe(1);
    for (let i = 0; i < 3; i++)
      mode = reduceKey(mode, { input: '', downArrow: true }, context).mode;
    expect(mode).toEqual({ kind: 'scenarios', items: ['one', 'two'], index: 1 });
    expect(reduceKey(mode, { input: '', return: true }, context).command).toEqual({
      kind: 'run-scenario',
      name: 'two',
    });
  });

  it('explains instead of asking when there is nothing to act on', () => {
    expect(reduceKey(IDLE, { input: 'c' }, ctx({ listScenarios: () => [] })).mode).toEqual({
      kind: 'idle',
      hint: 'no scenarios found',
    });
    expect(reduceKey(IDLE, { input: 'K' }, ctx({ selected: undefined })).mode).toEqual({
      kind: 'idle',
      hint: 'no node selected',
    });
    expect(reduceKey(IDLE, { input: 'e' }, ctx({ selected: row('worker-0') })).mode).toEqual({
      kind: 'idle',
      hint: 'etcd runs on masters only',
    });
  });

  it('closes help on any key', () => {
    const help = reduceKey(IDLE, { input: '?' }, ctx()).mode;
    expect(help).toEqual({ kind: 'help' });
    expect(reduceKey(help, { input: 'K' }, ctx())).toEqual({ mode: IDLE });
  });
});
