import { describe, expect, it } from 'vitest';
import { holderLast } from '../../../src/chaos/ops/renew-certs.js';

const group = [{ name: 'master-0' }, { name: 'master-1' }, { name: 'master-2' }];

describe('renew-certs order of API server restarts', () => {
  it('restarts the VIP holder last, so the VIP moves once', () => {
    expect(holderLast(group, ['master-0']).map((m) => m.name)).toEqual([
      'master-1',
      'master-2',
      'master-0',
    ]);
    expect(holderLast(group, ['master-1']).map((m) => m.name)).toEqual([
      'master-0',
      'master-2',
      'master-1',
    ]);
  });

  it('keeps group order when no master holds the VIP', () => {
    expect(holderLast(group, ['']).map((m) => m.name)).toEqual([
      'master-0',
      'master-1',
      'master-2',
    ]);
  });

  it('loses no master and adds none', () => {
    expect(holderLast(group, ['master-2', 'worker-0'])).toHaveLength(3);
  });
});
