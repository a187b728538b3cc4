import { describe, expect, it } from 'vitest';
import { buildCheckContext } from '../../../src/chaos/checkers/index.js';
import { recoveredSince, recoveryRequirement } from '../../../src/chaos/checkers/recovery.js';
import { evidence } from './evidence-builder.js';
import { at, fault, history } from './history-builder.js';

describe('recoveryRequirement', () => {
  it('demands fresh processes of a killed node, one service of a service fault, none of a pause', () => {
    const h = history([
      fault(5, 'k', 'master-0'),
      { ...fault(6, 's', 'master-1', 'applied', 'service-kill'), service: 'etcd' },
      fault(7, 'p', 'worker-1', 'applied', 'pause'),
      { ...fault(20, 'k', 'master-0', 'undone'), issuedAt: at(19) },
      fault(21, 's', 'master-1', 'undone', 'service-kill'),
      fault(22, 'p', 'worker-1', 'undone', 'pause'),
    ]);
    const nodes = recoveryRequirement(buildCheckContext(h)).nodes;
    const of = (name: string) => nodes.find((n) => n.name === name);
    expect(of('master-0')).toEqual({
      name: 'master-0',
      role: 'master',
      since: at(19),
      stoppedAt: at(5),
      restarted: 'all',
    });
    expect(of('master-1')).toMatchObject({ since: at(21), stoppedAt: at(6), restarted: ['etcd'] });
    expect(of('worker-1')).toEqual({ name: 'worker-1', role: 'worker', since: at(22) });
    expect(of('worker-2')).toEqual({ name: 'worker-2', role: 'worker' });
  });
});

describe('recoveredSince', () => {
  const killed = history([fault(5, 'k', 'master-0'), fault(20, 'k', 'master-0', 'undone')]);
  const context = buildCheckContext(killed);

  it('never judges a reading taken before the undo', () => {
    expect(recoveredSince(evidence(19), context).missing).toEqual([
      'no reading since the last undo',
    ]);
  });

  it('is whole once the killed node runs new processes and renewed its lease', () => {
    expect(
      recoveredSince(evidence(30, { 'master-0': { startedAt: 21, lease: 25 } }), context),
    ).toEqual({ whole: true, missing: [] });
  });

  it('is not whole while a fault is still active', () => {
    const open = buildCheckContext(history([fault(5, 'k', 'master-0')]));
    expect(recoveredSince(evidence(30), open).whole).toBe(false);
  });
});
