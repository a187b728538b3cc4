import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../../src/chaos/history.js';
import type { ProbeOptions } from '../../../src/chaos/probes/probe-context.js';
import type { RunnerDeps } from '../../../src/chaos/runner-deps.js';
import { runScenario } from '../../../src/chaos/runner.js';
import { parseScenario } from '../../../src/chaos/scenario/index.js';
import type { DeployedWorkload } from '../../../src/lab/workload.js';
import { fakeLab } from '../../support/fake-lab.js';

const WITH_WORKLOAD = parseScenario(
  [
    'name: seam-workload',
    'description: a workload that must keep answering',
    'workload: { replicas: 3 }',
    'steps:',
    '  - observe: 100ms',
    'expect:',
    '  workloadAvailable: { maxMs: 0 }',
  ].join('\n'),
  'seam-workload.yaml',
);

const DEPLOYED: DeployedWorkload = {
  namespace: 'ha-lab-workload',
  image: 'ha-lab/probe-app:fake',
  replicas: 3,
  nodePort: 30080,
  workers: [{ name: 'worker-0', url: 'http://10.213.7.21:30080/' }],
};

/** The step loop's lab effects, recorded in order; no network, nothing probed. */
function recordingDeps(calls: string[], patch: Partial<RunnerDeps> = {}): RunnerDeps {
  return {
    prepareStartingState: async () => {
      calls.push('prepare');
      return undefined;
    },
    startProbes: (_lab, options: ProbeOptions) => {
      calls.push(`probes workload=${options.workload?.nodePort ?? 'none'}`);
      return {
        stop: async () => {
          calls.push('probes stopped');
        },
      };
    },
    startEvidenceProbe: () => ({ latest: () => undefined, stop: async () => undefined }),
    finalReadback: async () => undefined,
    finalWrite: async () => true,
    hashKvAll: async () => ({}),
    cleanupRun: async () => undefined,
    deployWorkload: async (_lab, options) => {
      calls.push(`deploy replicas=${options.replicas}`);
      return DEPLOYED;
    },
    removeWorkload: async () => {
      calls.push('remove');
    },
    ...patch,
  } as RunnerDeps;
}

const notes = (entries: HistoryEntry[]) =>
  entries.flatMap((e) => (e.type === 'note' ? [e.message] : []));

describe("the scenario runner's workload", () => {
  it('is deployed after the starting state and before the probes, probed, and removed after them', async () => {
    const { lab } = await fakeLab();
    const calls: string[] = [];
    const result = await runScenario({
      lab,
      scenario: WITH_WORKLOAD,
      signal: new AbortController().signal,
      deps: recordingDeps(calls),
    });
    expect(calls).toEqual([
      'prepare',
      'deploy replicas=3',
      'probes workload=30080',
      'probes stopped',
      'remove',
    ]);
    expect(result.error).toBeUndefined();
    // The probes recorded nothing in a fake lab, so the check must fail rather than pass.
    expect(result.verdicts.find((v) => v.check === 'workloadAvailable')?.passed).toBe(false);
  });

  it('is neither deployed nor removed when the scenario asks for none', async () => {
    const { lab } = await fakeLab();
    const calls: string[] = [];
    const scenario = parseScenario(
      'name: seam-plain\ndescription: d\nsteps:\n  - observe: 100ms\n',
      'seam-plain.yaml',
    );
    await runScenario({
      lab,
      scenario,
      signal: new AbortController().signal,
      deps: recordingDeps(calls),
    });
    expect(calls).toEqual(['prepare', 'probes workload=none', 'probes stopped']);
  });

  it('a deploy that fails ends the run with its error, and what it left is still removed', async () => {
    const { lab } = await fakeLab();
    const calls: string[] = [];
    const result = await runScenario({
      lab,
      scenario: WITH_WORKLOAD,
      signal: new AbortController().signal,
      deps: recordingDeps(calls, {
        deployWorkload: async () => {
          calls.push('deploy');
          throw new Error('timed out after 180 s waiting for 3 probe-app replicas');
        },
      }),
    });
    expect(result.error).toBe(
      'could not deploy the workload: timed out after 180 s waiting for 3 probe-app replicas',
    );
    expect(notes(result.history.entries)).toContain(result.error);
    expect(calls).toEqual([
      'prepare',
      'deploy',
      'probes workload=none',
      'probes stopped',
      'remove',
    ]);
  });

  it('a removal that fails is noted, not thrown', async () => {
    const { lab } = await fakeLab();
    const result = await runScenario({
      lab,
      scenario: WITH_WORKLOAD,
      signal: new AbortController().signal,
      deps: recordingDeps([], {
        removeWorkload: async () => {
          throw new Error('namespace ha-lab-workload is stuck');
        },
      }),
    });
    expect(notes(result.history.entries)).toContain(
      'could not remove the workload: namespace ha-lab-workload is stuck',
    );
  });
});
