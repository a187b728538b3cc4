import { describe, expect, it } from 'vitest';
import { readyPodNodes } from '../../../src/lab/workload.js';

const pod = (node: string | undefined, ready: string, deleting = false) => ({
  metadata: deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {},
  spec: node === undefined ? {} : { nodeName: node },
  status: { conditions: [{ type: 'Ready', status: ready }] },
});

describe('readyPodNodes', () => {
  it('names the node of every Ready pod that is not terminating, and only those', () => {
    const list = {
      items: [
        pod('worker-0', 'True'),
        pod('worker-1', 'False'),
        pod('worker-2', 'True', true),
        pod(undefined, 'False'),
        pod('worker-1', 'True'),
      ],
    };
    expect(readyPodNodes(JSON.stringify(list))).toEqual(['worker-0', 'worker-1']);
  });

  it('counts a pending pod without conditions as not ready', () => {
    const list = { items: [{ metadata: {}, spec: {}, status: {} }] };
    expect(readyPodNodes(JSON.stringify(list))).toEqual([]);
  });
});
