import { describe, expect, it } from 'vitest';
import { readinessOf } from '../../../../src/lab/clients/api-client.js';

const at = (iso: string) => Date.parse(iso);
const ALL = ['master-0', 'master-1', 'worker-0', 'worker-1'];

function nodeList(nodes: [string, string | undefined, string | undefined][]): string {
  return JSON.stringify({
    items: nodes.map(([name, status, beat]) => ({
      metadata: { name },
      status: {
        conditions:
          status === undefined
            ? []
            : [
                { type: 'MemoryPressure', status: 'False', lastHeartbeatTime: beat },
                { type: 'Ready', status, lastHeartbeatTime: beat },
              ],
      },
    })),
  });
}

describe('Node readiness, fresh or not', () => {
  const list = nodeList([
    ['master-0', 'True', '2026-12-06T22:00:05Z'],
    ['master-1', 'True', '2026-12-06T21:59:40Z'],
    ['worker-0', 'Unknown', '2026-12-06T22:00:09Z'],
    ['worker-1', undefined, undefined],
  ]);

  it('counts a Ready only when its kubelet posted it since the given time', () => {
    expect(readinessOf(list, { sinceMs: at('2026-12-06T22:00:00Z'), nodes: ALL })).toEqual({
      'master-0': 'True',
      // What the API still listed from before the restart proves nothing.
      'master-1': 'stale',
      'worker-0': 'Unknown',
      'worker-1': 'Unknown',
    });
  });

  it('takes the time down to its second, as heartbeats have whole seconds', () => {
    expect(
      readinessOf(list, { sinceMs: at('2026-12-06T22:00:05.900Z'), nodes: ALL })['master-0'],
    ).toBe('True');
    expect(
      readinessOf(list, { sinceMs: at('2026-12-06T22:00:06.000Z'), nodes: ALL })['master-0'],
    ).toBe('stale');
  });

  it('judges only the nodes it is asked to by age: the others read as listed', () => {
    const only = readinessOf(list, { sinceMs: at('2026-12-06T22:00:00Z'), nodes: ['master-0'] });
    expect(only['master-1']).toBe('True');
  });

  it('reads the plain condition whatever its age', () => {
    expect(readinessOf(list)).toEqual({
      'master-0': 'True',
      'master-1': 'True',
      'worker-0': 'Unknown',
      'worker-1': 'Unknown',
    });
  });
});
