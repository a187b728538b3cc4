import { describe, expect, it } from 'vitest';
import { containerName } from '../../../src/core/topology.js';
import { readJournal } from '../../../src/chaos/faults/fault-journal.js';
import { NotWholeError } from '../../../src/chaos/prepare.js';
import type { RunnerDeps } from '../../../src/chaos/runner-deps.js';
import { runScenario } from '../../../src/chaos/runner.js';
import type { FaultRecord, HistoryEntry } from '../../../src/chaos/history.js';
import { parseScenario } from '../../../src/chaos/scenario/index.js';
import { fakeLab } from '../../support/fake-lab.js';

const M0 = containerName('fake-lab', 'master-0');

/** Short enough for a unit test; the steps are kill-master0's, in its order. */
const SCENARIO = parseScenario(
  [
    'name: seam-kill',
    'description: kill-master0, shortened for the step loop',
    'steps:',
    '  - settle: 100ms',
    '  - fault: kill',
    '    target: master-0',
    '  - observe: 300ms',
    '  - restore: all',
    '  - wait: recovered',
    '    timeout: 1s',
    '  - observe: 100ms',
    'expect:',
    '  vipFailover: { withinMs: 5000 }',
  ].join('\n'),
  'seam-kill.yaml',
);

/** No network in a fake lab: the probes, evidence and read-back record nothing. */
function quietDeps(patch: Partial<RunnerDeps> = {}): RunnerDeps {
  return {
    prepareStartingState: async () => undefined,
    startProbes: () => ({ stop: async () => undefined }),
    startEvidenceProbe: () => ({ latest: () => undefined, stop: async () => undefined }),
    finalReadback: async () => undefined,
    finalWrite: async () => true,
    hashKvAll: async () => ({}),
    cleanupRun: async () => undefined,
    deployWorkload: async () => ({
      namespace: 'ha-lab-workload',
      image: 'ha-lab/probe-app:fake',
      replicas: 2,
      nodePort: 30080,
      workers: [],
    }),
    removeWorkload: async () => undefined,
    ...patch,
  } as RunnerDeps;
}

const faults = (entries: HistoryEntry[]) =>
  entries.filter((e): e is FaultRecord => e.type === 'fault').map((e) => `${e.fault} ${e.phase}`);
const notes = (entries: HistoryEntry[]) =>
  entries.flatMap((e) => (e.type === 'note' ? [e.message] : []));

describe("the scenario runner's step loop against the fake provider", () => {
  it('runs an operation step to its end, with evidence from its start, and judges the lab after it', async () => {
    const { lab } = await fakeLab();
    const scenario = parseScenario(
      [
        'name: seam-op',
        'description: one operation',
        'steps:',
        '  - op: etcd-member-replace',
        '  - wait: recovered',
        '    timeout: 500ms',
        'expect:',
        '  rejoin: { withinMs: 1000 }',
      ].join('\n'),
      'seam-op.yaml',
    );
    const calls: string[] = [];
    const result = await runScenario({
      lab,
      scenario,
      signal: new AbortController().signal,
      deps: quietDeps({
        startEvidenceProbe: () => {
          calls.push('evidence');
          return { latest: () => undefined, stop: async () => undefined };
        },
        runOperation: async (_lab, step, options) => {
          calls.push(`op ${step.op} ${step.target}`);
          const base = { type: 'op' as const, id: step.id, op: step.op, target: 'master-0' };
          options.record({ ...base, at: Date.now(), phase: 'started', restarts: ['etcd'] });
          options.record({ ...base, at: Date.now(), phase: 'done' });
        },
      }),
    });
    expect(calls).toEqual(['evidence', 'op etcd-member-replace master-0']);
    expect(result.error).toBeUndefined();
    // No evidence after the operation: the lab cannot be called whole.
    expect(result.verdicts.find((v) => v.check === 'rejoin')?.passed).toBe(false);
  });

  it('an operation that fails ends the run with its error, and rejoin fails on it', async () => {
    const { lab } = await fakeLab();
    const scenario = parseScenario(
      'name: seam-op\ndescription: d\nsteps:\n  - op: renew-certs\n  - observe: 1s\nexpect:\n  rejoin: { withinMs: 1000 }\n',
      'seam-op.yaml',
    );
    const result = await runScenario({
      lab,
      scenario,
      signal: new AbortController().signal,
      deps: quietDeps({
        runOperation: async (_lab, step, options) => {
          const base = { type: 'op' as const, id: step.id, op: step.op, target: 'master-0' };
          options.record({ ...base, at: Date.now(), phase: 'started', restarts: [] });
          options.record({ ...base, at: Date.now(), phase: 'failed', message: 'kubeadm: exit 1' });
          throw new Error('kubeadm: exit 1');
        },
      }),
    });
    expect(result.error).toBe('kubeadm: exit 1');
    expect(result.verdicts.find((v) => v.check === 'rejoin')).toMatchObject({
      check: 'rejoin',
      passed: false,
      summary: 'operation op0 (renew-certs) failed',
    });
  });

  it('kills, restores, waits for fresh evidence and says when it never came', async () => {
    const { lab, provider } = await fakeLab();
    const result = await runScenario({
      lab,
      scenario: SCENARIO,
      signal: new AbortController().signal,
      deps: quietDeps(),
    });
    expect(result.error).toBeUndefined();
    expect(result.interrupted).toBe(false);
    const power = provider.calls.filter((c) => c.startsWith('power'));
    expect(power).toEqual([`power ${M0} kill`, `power ${M0} start`]);
    expect(faults(result.history.entries)).toEqual(['kill applied', 'kill undone']);
    // No evidence ever came back: the wait step says so instead of passing silently.
    expect(notes(result.history.entries).some((n) => n.startsWith('not recovered within 1s'))).toBe(
      true,
    );
    // The runner judged, and with no VIP samples the failover check cannot pass.
    const vip = result.verdicts.find((v) => v.check === 'vipFailover');
    expect(vip?.passed).toBe(false);
    expect(await readJournal(lab.stateDir)).toEqual([]);
  });

  it('Ctrl-C during observe: the kill is undone, the run is interrupted and not judged', async () => {
    const { lab, provider } = await fakeLab();
    const controller = new AbortController();
    const running = runScenario({
      lab,
      scenario: SCENARIO,
      signal: controller.signal,
      deps: quietDeps(),
    });
    // The kill lands after the 1 s lead-in and 100 ms settle; interrupt inside observe.
    while (!provider.calls.includes(`power ${M0} kill`))
      await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    const result = await running;
    expect(result.interrupted).toBe(true);
    expect(result.verdicts).toEqual([]);
    expect(provider.machines.get(M0)?.state).toBe('running');
    expect(faults(result.history.entries)).toEqual(['kill applied', 'kill undone']);
    expect(await readJournal(lab.stateDir)).toEqual([]);
  });

  it('engine loss mid-run: the real cause is the error, nothing is judged, heal has the kill', async () => {
    const { lab, provider } = await fakeLab();
    let readBack = false;
    const running = runScenario({
      lab,
      scenario: SCENARIO,
      signal: new AbortController().signal,
      deps: quietDeps({
        finalReadback: async () => {
          readBack = true;
          return undefined;
        },
      }),
    });
    while (!provider.calls.includes(`power ${M0} kill`))
      await new Promise((r) => setTimeout(r, 20));
    provider.loseEngine();
    const result = await running;
    expect(result.error).toMatch(/^the Docker engine went away/);
    expect(result.error).toContain('ha-lab up --name fake-lab');
    expect(result.verdicts).toEqual([]);
    expect(readBack).toBe(false);
    // The undo could not reach the engine: it is recorded, and the journal keeps the kill
    // so that `ha-lab heal` undoes it once the engine is back.
    expect(faults(result.history.entries)).toEqual(['kill applied', 'kill undo-failed']);
    const journal = await readJournal(lab.stateDir);
    expect(journal.map((e) => `${e.fault} ${e.node}`)).toEqual(['kill master-0']);
  });

  it('refuses to fault a lab that is not whole, with the starting-state verdict', async () => {
    const { lab, provider } = await fakeLab();
    const result = await runScenario({
      lab,
      scenario: SCENARIO,
      signal: new AbortController().signal,
      deps: quietDeps({
        prepareStartingState: async () => {
          throw new NotWholeError(['master-1: kubelet lease not renewed since the check began']);
        },
      }),
    });
    expect(result.verdicts).toHaveLength(1);
    expect(result.verdicts[0]).toMatchObject({
      check: 'startingState',
      passed: false,
    });
    expect(provider.calls.filter((c) => c.startsWith('power'))).toEqual([]);
    expect(faults(result.history.entries)).toEqual([]);
  });
});
