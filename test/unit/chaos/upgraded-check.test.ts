import { describe, expect, it } from 'vitest';
import { buildCheckContext } from '../../../src/chaos/checkers/context.js';
import { checkUpgraded } from '../../../src/chaos/checkers/upgraded.js';
import type { HistoryEntry, OpRecord, VersionSample } from '../../../src/chaos/history.js';
import { at, history } from './history-builder.js';

const NODES = ['master-0', 'master-1', 'master-2', 'worker-0', 'worker-1', 'worker-2'];
const MASTER = [
  'kubelet',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kube-proxy',
];
const WORKER = ['kubelet', 'kube-proxy'];

const op = (s: number, phase: OpRecord['phase'], extra: Partial<OpRecord> = {}): OpRecord => ({
  type: 'op',
  at: at(s),
  id: 'op1',
  op: 'upgrade',
  target: NODES.join(','),
  phase,
  ...extra,
});

/** Every component read at 400 s, started at `startedAt` s, running `version`. */
function readings(version: string, startedAt = 200): VersionSample[] {
  return NODES.flatMap((node) =>
    (node.startsWith('master') ? MASTER : WORKER).map((component) => ({
      type: 'version' as const,
      at: at(400),
      node,
      component,
      version,
      startedAt: at(startedAt),
    })),
  );
}

const upgrade = (samples: VersionSample[]): HistoryEntry[] => [
  op(10, 'started', { restarts: ['kubelet', 'kube-apiserver'] }),
  op(399, 'step', { step: 'versions', values: { from: 'v1.35.4', to: 'v1.36.3' } }),
  ...samples,
  op(400, 'done'),
];

function judge(entries: HistoryEntry[]) {
  const h = history(entries);
  return checkUpgraded(h, true, buildCheckContext(h, { nodes: NODES }));
}

describe('checkUpgraded', () => {
  it('passes when every component on every node runs the target in a process started since', () => {
    const v = judge(upgrade(readings('v1.36.3')));
    expect(v.passed, v.summary).toBe(true);
    expect(v.figures).toMatchObject({ components: 21, behind: 0 });
  });

  it('fails on a kubelet still running the old binary (replaced on disk, never restarted)', () => {
    const samples = readings('v1.36.3').map((s) =>
      s.node === 'worker-2' && s.component === 'kubelet' ? { ...s, version: 'v1.35.4' } : s,
    );
    const v = judge(upgrade(samples));
    expect(v.passed).toBe(false);
    expect(v.summary).toContain('worker-2 kubelet: runs v1.35.4');
  });

  it('fails on a process at the right version that started before the upgrade', () => {
    const samples = readings('v1.36.3').map((s) =>
      s.node === 'master-1' && s.component === 'kube-scheduler' ? { ...s, startedAt: at(5) } : s,
    );
    const v = judge(upgrade(samples));
    expect(v.passed).toBe(false);
    expect(v.summary).toContain(
      'master-1 kube-scheduler: still the process from before the upgrade',
    );
  });

  it('fails on a component nobody read, and on one with no running container', () => {
    const samples = readings('v1.36.3')
      .filter((s) => !(s.node === 'master-2' && s.component === 'kube-proxy'))
      .map((s) =>
        s.node === 'master-0' && s.component === 'kube-apiserver'
          ? { ...s, version: null, error: 'no running container' }
          : s,
      );
    const v = judge(upgrade(samples));
    expect(v.passed).toBe(false);
    expect(v.figures).toMatchObject({ behind: 2 });
    expect(v.summary).toContain('master-0 kube-apiserver: runs nothing (no running container)');
    expect(v.summary).toContain('master-2 kube-proxy: not read after the upgrade');
  });

  it('ignores readings from before the upgrade began', () => {
    const early = readings('v1.36.3').map((s) => ({ ...s, at: at(5) }));
    const v = judge(upgrade(early));
    expect(v.passed).toBe(false);
    expect(v.figures).toMatchObject({ behind: 21 });
  });

  it('fails when the upgrade failed or never ran', () => {
    const failed = judge([
      op(10, 'started'),
      op(50, 'failed', { message: 'kubeadm upgrade apply exited 1' }),
    ]);
    expect(failed.passed).toBe(false);
    expect(failed.summary).toBe('the upgrade failed: kubeadm upgrade apply exited 1');
    expect(judge([]).summary).toBe('no upgrade ran');
  });
});
