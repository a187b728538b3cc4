import { describe, expect, it } from 'vitest';
import {
  TIMING_PROFILES,
  expectationsFor,
  listBuiltinScenarios,
} from '../../../src/chaos/scenario/index.js';
import { DAY2_TARGETS, TARGETS } from '../../../src/chaos/scenario/targets.js';

describe("built-in scenarios enforce the README's targets", () => {
  it('sets every stated limit to the target of each timing profile', async () => {
    const builtins = await listBuiltinScenarios();
    expect(builtins.length).toBeGreaterThanOrEqual(10);
    for (const { name, scenario } of builtins) {
      for (const profile of TIMING_PROFILES) {
        const e = expectationsFor(scenario, profile);
        const t = TARGETS[profile];
        const where = `${name} (${profile})`;
        if (e.vipFailover) expect(e.vipFailover.withinMs, where).toBe(t.vipFailoverMs);
        const day2 = DAY2_TARGETS[name];
        if (e.apiUnavailable)
          expect(e.apiUnavailable.maxMs, where).toBe(day2?.apiUnavailableMs ?? t.apiUnavailableMs);
        if (e.etcdInSync) expect(e.etcdInSync.withinMs, where).toBe(day2?.etcdInSyncMs);
        if (e.leaderElection) expect(e.leaderElection.withinMs, where).toBe(t.leaderElectionMs);
        if (e.rejoin) expect(e.rejoin.withinMs, where).toBe(t.rejoinMs);
      }
    }
  });

  it('lets a profile replace only the limits it names', async () => {
    const kill = (await listBuiltinScenarios()).find((s) => s.name === 'kill-master0')!.scenario;
    expect(expectationsFor(kill, 'fast')).toMatchObject({
      apiUnavailable: { maxMs: 2000 },
      vipFailover: { withinMs: 2000 },
      rejoin: { withinMs: 90_000 },
      etcdQuorum: 'kept',
    });
    expect(expectationsFor(kill, 'default').apiUnavailable).toEqual({ maxMs: 5000 });
  });
});
