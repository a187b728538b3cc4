import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { plainLine, plainProgress } from '../../../src/cli/progress-printer.js';

const T0 = 1_700_000_000_000;

describe('plainLine', () => {
  it('prints a started phase with the elapsed time and the node', () => {
    expect(
      plainLine({ kind: 'phase-started', at: T0 + 12_345, phase: 'etcd', node: 'master-1' }, T0),
    ).toBe('[  12.3s] etcd: started on master-1');
    expect(plainLine({ kind: 'phase-started', at: T0, phase: 'network' }, T0)).toBe(
      '[   0.0s] network: started',
    );
  });

  it('prints progress messages as given', () => {
    expect(
      plainLine(
        {
          kind: 'phase-progress',
          at: T0 + 1500,
          phase: 'artifacts',
          message: 'downloading kubeadm v1.36.3',
        },
        T0,
      ),
    ).toBe('[   1.5s] artifacts: downloading kubeadm v1.36.3');
  });

  it('prints the duration of a finished phase in seconds', () => {
    expect(
      plainLine({ kind: 'phase-done', at: T0 + 20_000, phase: 'etcd', durationMs: 4100 }, T0),
    ).toBe('[  20.0s] etcd: done in 4.1s');
  });

  it('marks a failure in capitals with the node and the message', () => {
    expect(
      plainLine(
        {
          kind: 'phase-failed',
          at: T0 + 3000,
          phase: 'kubeadm-init',
          node: 'master-0',
          message: 'exit 1',
        },
        T0,
      ),
    ).toBe('[   3.0s] kubeadm-init: FAILED on master-0: exit 1');
    expect(
      plainLine({ kind: 'phase-failed', at: T0 + 3000, phase: 'vip', message: 'no holder' }, T0),
    ).toBe('[   3.0s] vip: FAILED: no holder');
  });

  it('prefixes warnings and leaves info logs plain', () => {
    expect(plainLine({ kind: 'log', at: T0, level: 'warn', message: 'cache corrupted' }, T0)).toBe(
      '[   0.0s] warning: cache corrupted',
    );
    expect(plainLine({ kind: 'log', at: T0, level: 'info', message: 'hello' }, T0)).toBe(
      '[   0.0s] hello',
    );
  });

  it('keeps the time column aligned past 1000 s', () => {
    expect(plainLine({ kind: 'log', at: T0 + 1_234_500, level: 'info', message: 'x' }, T0)).toBe(
      '[1234.5s] x',
    );
  });
});

describe('plainProgress', () => {
  it('writes one line per event to the stream', () => {
    const stream = new PassThrough();
    const chunks: string[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c.toString()));
    const sink = plainProgress(stream, T0);
    sink({ kind: 'phase-started', at: T0, phase: 'nodes' });
    sink({ kind: 'phase-done', at: T0 + 2700, phase: 'nodes', durationMs: 2700 });
    expect(chunks.join('')).toBe('[   0.0s] nodes: started\n[   2.7s] nodes: done in 2.7s\n');
  });
});
