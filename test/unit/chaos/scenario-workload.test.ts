import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../../src/chaos/scenario/index.js';

const scenario = (...extra: string[]) =>
  ['name: w', 'description: d', 'steps:', '  - observe: 1s', ...extra].join('\n');
const parse = (...extra: string[]) => parseScenario(scenario(...extra), 'w.yaml');

describe('a scenario with a workload', () => {
  it('deploys two replicas unless it says otherwise, and none when it has no workload key', () => {
    expect(parse('workload: {}').workload).toEqual({ replicas: 2 });
    expect(parse('workload: { replicas: 3 }').workload).toEqual({ replicas: 3 });
    expect(parse().workload).toBeUndefined();
  });

  it('refuses one replica and more replicas than workers, naming the line', () => {
    expect(() => parse('workload: { replicas: 1 }')).toThrow(
      /w\.yaml:5: workload\.replicas: at least 2: one replica has nowhere to go/,
    );
    expect(() => parse('workload: { replicas: 4 }')).toThrow(/at most 3: one replica per worker/);
    expect(() => parse('workload: { replica: 2 }')).toThrow(/unknown field "replica"/);
  });

  it('takes workloadAvailable in milliseconds (0 = never) or as a duration, 0 by default', () => {
    const limit = (value: string) =>
      parse('workload: {}', 'expect:', `  workloadAvailable: ${value}`).expect.workloadAvailable;
    expect(limit('{ maxMs: 0 }')).toEqual({ maxMs: 0 });
    expect(limit('{ maxMs: 250 }')).toEqual({ maxMs: 250 });
    expect(limit('{ maxMs: 1.5s }')).toEqual({ maxMs: 1500 });
    expect(limit('{}')).toEqual({ maxMs: 0 });
  });

  it('refuses a negative or unreadable workloadAvailable limit', () => {
    const bad = (value: string) => () =>
      parse('workload: {}', 'expect:', `  workloadAvailable: { maxMs: ${value} }`);
    expect(bad('-1')).toThrow(/expected a whole number of milliseconds from 0/);
    expect(bad('soon')).toThrow(/"soon" is not a duration/);
    expect(bad('[1]')).toThrow(/expected milliseconds \(0 for never\) or a duration/);
  });

  it('refuses workloadAvailable without a workload to probe, in expect and in profiles', () => {
    expect(() => parse('expect:', '  workloadAvailable: { maxMs: 0 }')).toThrow(
      /w\.yaml:6: expect\.workloadAvailable: workloadAvailable needs a workload to probe/,
    );
    expect(() => parse('profiles:', '  fast:', '    workloadAvailable: { maxMs: 100 }')).toThrow(
      /profiles\.fast\.workloadAvailable: workloadAvailable needs a workload/,
    );
  });
});
