import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { LabEvent } from '../../../src/core/events.js';
import { initialPhaseState, reducePhases } from '../../../src/ui/phase-state.js';
import { PhaseView } from '../../../src/ui/phase-view.js';
import { renderPlainPhaseLine } from '../../../src/ui/plain-phase-line.js';
import { stripAnsi } from './fixtures.js';

const T0 = 1_764_070_000_000;

const upRun: LabEvent[] = [
  { kind: 'phase-started', at: T0, phase: 'network' },
  { kind: 'phase-done', at: T0 + 300, phase: 'network', durationMs: 300 },
  { kind: 'phase-started', at: T0 + 8200, phase: 'etcd', node: 'master-0' },
  { kind: 'phase-started', at: T0 + 8210, phase: 'etcd', node: 'master-1' },
  { kind: 'phase-progress', at: T0 + 9000, phase: 'etcd', message: 'waiting for quorum' },
  { kind: 'log', at: T0 + 9500, level: 'warn', message: 'swap is on; kubelet may complain' },
  { kind: 'phase-done', at: T0 + 12_300, phase: 'etcd', durationMs: 4100 },
  { kind: 'phase-started', at: T0 + 12_400, phase: 'kubeadm-init', node: 'master-0' },
];

const run = (events: LabEvent[]) => events.reduce(reducePhases, initialPhaseState);

describe('reducePhases', () => {
  it('keeps one running line per phase, listing every node it started on', () => {
    const state = run(upRun.slice(0, 5));
    expect(state.running).toEqual([
      {
        phase: 'etcd',
        nodes: ['master-0', 'master-1'],
        startedAt: T0 + 8200,
        message: 'waiting for quorum',
      },
    ]);
  });

  it('appends finished phases and logs in order, with their durations', () => {
    const state = run(upRun);
    expect(
      state.finished.map((f) => (f.kind === 'phase' ? `${f.phase} ${f.durationMs}` : f.message)),
    ).toEqual(['network 300', 'swap is on; kubelet may complain', 'etcd 4100']);
    expect(state.running.map((p) => p.phase)).toEqual(['kubeadm-init']);
    expect(state.origin).toBe(T0);
  });

  it('records a failure with the time since the phase started', () => {
    const state = run([
      ...upRun,
      {
        kind: 'phase-failed',
        at: T0 + 20_400,
        phase: 'kubeadm-init',
        node: 'master-0',
        message: 'timed out',
      },
    ]);
    expect(state.failed).toBe(true);
    expect(state.finished.at(-1)).toMatchObject({
      kind: 'phase',
      ok: false,
      durationMs: 8000,
      message: 'timed out',
    });
    expect(state.running).toEqual([]);
  });
});

describe('renderPlainPhaseLine', () => {
  it('prints the elapsed time, the phase and the result', () => {
    const lines = upRun.map((e) => renderPlainPhaseLine(e, { origin: T0 }));
    expect(lines).toEqual([
      '[   0.0s] network: started',
      '[   0.3s] network: done in 300ms',
      '[   8.2s] etcd: started on master-0',
      '[   8.2s] etcd: started on master-1',
      '[   9.0s] etcd: waiting for quorum',
      '[   9.5s] warning: swap is on; kubelet may complain',
      '[  12.3s] etcd: done in 4.1s',
      '[  12.4s] kubeadm-init: started on master-0',
    ]);
  });

  it('leaves out progress when quiet, but never a failure or a warning', () => {
    const quiet = { origin: T0, quiet: true };
    expect(
      renderPlainPhaseLine({ kind: 'phase-progress', at: T0, phase: 'etcd', message: 'x' }, quiet),
    ).toBeUndefined();
    expect(renderPlainPhaseLine({ kind: 'log', at: T0, level: 'warn', message: 'w' }, quiet)).toBe(
      '[   0.0s] warning: w',
    );
    expect(
      renderPlainPhaseLine(
        {
          kind: 'phase-failed',
          at: T0 + 1000,
          phase: 'etcd',
          node: 'master-2',
          message: 'no quorum',
        },
        quiet,
      ),
    ).toBe('[   1.0s] etcd: FAILED on master-2: no quorum');
  });
});

describe('PhaseView', () => {
  it('shows ✓ and the duration for finished phases and a running line for the rest', () => {
    const { lastFrame } = render(<PhaseView state={run(upRun)} now={T0 + 14_400} color={false} />);
    const frame = stripAnsi(lastFrame() ?? '');
    expect(frame).toContain('✓ network 300ms');
    expect(frame).toContain('✓ etcd 4.1s');
    expect(frame).toContain('! swap is on; kubelet may complain');
    expect(frame).toMatch(/kubeadm-init \(master-0\) 2\.0s/);
  });

  it('shows ✗ and the message for a failed phase', () => {
    const state = run([
      { kind: 'phase-started', at: T0, phase: 'kubeadm-init', node: 'master-0' },
      {
        kind: 'phase-failed',
        at: T0 + 5000,
        phase: 'kubeadm-init',
        node: 'master-0',
        message: 'timed out',
      },
    ]);
    const { lastFrame } = render(<PhaseView state={state} now={T0 + 5000} color={false} />);
    expect(stripAnsi(lastFrame() ?? '')).toContain(
      '✗ kubeadm-init on master-0 5.0s FAILED: timed out',
    );
  });
});
