import { afterAll, beforeAll, describe, it } from 'vitest';
import { testLabName } from '../support/cli.js';
import { downSuiteLab, expectScenarioPasses, upSuiteLab } from '../support/passing-scenario.js';

/**
 * `npm run test:matrix`: every built-in scenario against one real lab, each from the same
 * pristine state (`--fresh` resets the lab to the snapshot the first run takes). Each must exit
 * 0 with a passing report, and `down` must leave no container, network, volume or snapshot.
 */
const lab = testLabName('mx');
const SCENARIOS = [
  'kill-master0',
  'stop-master0',
  'pause-master0',
  'kill-vip-holder',
  'kill-etcd-leader',
  'apiserver-down-on-vip-holder',
  'partition-master0',
  'vrrp-blocked',
  'sequential-master-failures',
  'two-masters-down',
];

describe('the scenario matrix on one lab', () => {
  beforeAll(async () => {
    await upSuiteLab(lab, 1_200_000);
  });

  afterAll(async () => {
    await downSuiteLab(lab);
  });

  for (const scenario of SCENARIOS) {
    // --fresh: each starts from the snapshot taken before the first, so no scenario's damage
    // (or a slow recovery) leaks into the next.
    it(`passes ${scenario}`, () => expectScenarioPasses(lab, scenario, ['--fresh']));
  }
});
