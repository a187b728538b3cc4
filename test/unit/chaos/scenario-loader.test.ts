import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import {
  builtinScenarioDir,
  listBuiltinScenarios,
  loadScenarioFile,
  parseScenario,
  resolveScenario,
} from '../../../src/chaos/scenario/index.js';

const FILE = 'scenarios/x.yaml';
const HEAD = 'name: x\ndescription: d\n';

/** The message parseScenario throws for `text` (a line per problem), or a failure if it does not throw. */
function problem(text: string): string {
  try {
    parseScenario(text, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).code).toBe('invalid-scenario');
    expect((error as UsageError).exitCode).toBe(2);
    for (const line of (error as Error).message.split('\n'))
      expect(line).toMatch(/^scenarios\/x\.yaml:\d+: \S/);
    return (error as Error).message;
  }
  throw new Error('expected the scenario to be rejected');
}

describe('built-in scenarios', () => {
  const expected = [
    'apiserver-down-on-vip-holder',
    'kill-etcd-leader',
    'kill-master0',
    'kill-vip-holder',
    'partition-master0',
    'pause-master0',
    'sequential-master-failures',
    'stop-master0',
    'two-masters-down',
    'vrrp-blocked',
  ];

  it('loads every file in scenarios/ and names each after its file', async () => {
    const files = (await readdir(builtinScenarioDir())).filter((f) => f.endsWith('.yaml'));
    const listed = await listBuiltinScenarios();
    expect(listed.map((s) => s.name)).toEqual(files.map((f) => basename(f, '.yaml')).sort());
    for (const name of expected) expect(listed.map((s) => s.name)).toContain(name);
  });

  it('gives every built-in scenario a fault and its undo, or an operation, and checks', async () => {
    for (const { name, scenario } of await listBuiltinScenarios()) {
      const kinds = scenario.steps.map((s) => s.kind);
      if (kinds.includes('op')) {
        expect(kinds, name).not.toContain('fault');
        expect(kinds, name).toContain('wait');
        expect(scenario.expect.rejoin, name).toBeDefined();
      } else {
        expect(kinds, name).toContain('fault');
        expect(kinds, name).toContain('restore');
      }
      expect(Object.keys(scenario.expect).length, name).toBeGreaterThan(1);
    }
  });

  it('expects quorum loss but no API or failover limits for two-masters-down', async () => {
    const { scenario } = await resolveScenario('two-masters-down');
    expect(scenario.expect.etcdQuorum).toBe('lost');
    expect(scenario.expect.apiUnavailable).toBeUndefined();
    expect(scenario.expect.vipFailover).toBeUndefined();
    expect(scenario.expect.rejoin).toBeDefined();
  });

  it('blocks VRRP on all masters and expects split brain in vrrp-blocked', async () => {
    const { scenario } = await resolveScenario('vrrp-blocked');
    expect(scenario.steps).toContainEqual({
      kind: 'fault',
      id: 'f1',
      fault: 'block-vrrp',
      target: 'all-masters',
    });
    expect(scenario.expect.splitBrain).toEqual({ expected: true });
  });

  it('rejects an unknown built-in name and lists the known ones', async () => {
    await expect(resolveScenario('kill-everything')).rejects.toThrow(
      /^unknown scenario "kill-everything": use a \.yaml path or one of apiserver-down-on-vip-holder, .*vrrp-blocked$/,
    );
  });
});

describe('parseScenario', () => {
  it('turns durations into ms and fills in defaults', () => {
    const scenario = parseScenario(
      `${HEAD}steps:\n  - settle: 500ms\n  - fault: service-kill\n    target: master-1\n    service: etcd\n  - observe: 1.5s\n  - restore: f1\n  - wait: recovered\n`,
      FILE,
    );
    expect(scenario).toEqual({
      name: 'x',
      description: 'd',
      probes: { intervalMs: 250, writeIntervalMs: 200 },
      steps: [
        { kind: 'settle', durationMs: 500 },
        { kind: 'fault', id: 'f1', fault: 'service-kill', target: 'master-1', service: 'etcd' },
        { kind: 'observe', durationMs: 1500 },
        { kind: 'restore', id: 'f1' },
        { kind: 'wait', until: 'recovered', timeoutMs: 120_000 },
      ],
      expect: { splitBrain: { maxMs: 1000 } },
    });
  });

  it('fills in default limits for expectations given as empty mappings', () => {
    const scenario = parseScenario(
      `${HEAD}steps:\n  - settle: 2m\nexpect:\n  vipFailover: {}\n  apiUnavailable: {}\n  rejoin: {}\n  leaderElection: {}\n`,
      FILE,
    );
    expect(scenario.expect).toEqual({
      vipFailover: { withinMs: 10_000 },
      splitBrain: { maxMs: 1000 },
      apiUnavailable: { maxMs: 10_000 },
      rejoin: { withinMs: 90_000 },
      leaderElection: { withinMs: 3000 },
    });
    expect(scenario.steps[0]).toEqual({ kind: 'settle', durationMs: 120_000 });
  });

  it('names file and line of a YAML syntax error', () => {
    expect(problem(`${HEAD}steps:\n  - settle: [5s\n`)).toMatch(/^scenarios\/x\.yaml:5: /);
  });

  it('names file, line and field of an unknown fault and lists the known ones', () => {
    expect(
      problem(`${HEAD}steps:\n  - settle: 5s\n  - fault: explode\n    target: master-0\n`),
    ).toBe(
      'scenarios/x.yaml:5: steps[1].fault: unknown fault "explode" (use one of kill, stop, pause, restart, partition, service-stop, service-kill, block-vrrp)',
    );
  });

  it('rejects an unknown node', () => {
    expect(problem(`${HEAD}steps:\n  - fault: kill\n    target: master-9\n`)).toBe(
      'scenarios/x.yaml:5: steps[0].target: unknown target "master-9" (use one of master-0, master-1, master-2, worker-0, worker-1, worker-2, etcd-leader, vip-holder, all-masters, all-nodes)',
    );
  });

  it('rejects a negative duration', () => {
    expect(problem(`${HEAD}steps:\n  - settle: -5s\n`)).toBe(
      'scenarios/x.yaml:4: steps[0].settle: duration "-5s" must be positive',
    );
  });

  it('rejects a zero duration', () => {
    expect(problem(`${HEAD}steps:\n  - observe: 0s\n`)).toBe(
      'scenarios/x.yaml:4: steps[0].observe: duration "0s" must be positive',
    );
  });

  it('rejects an absurd duration', () => {
    expect(problem(`${HEAD}steps:\n  - settle: 99h\n`)).toBe(
      'scenarios/x.yaml:4: steps[0].settle: duration "99h" is too long (at most 10m)',
    );
  });

  it('rejects a wait timeout over the limit on the timeout line', () => {
    expect(problem(`${HEAD}steps:\n  - wait: recovered\n    timeout: 20m\n`)).toBe(
      'scenarios/x.yaml:5: steps[0].timeout: duration "20m" is too long (at most 10m)',
    );
  });

  it('rejects a bare number as a duration', () => {
    expect(problem(`${HEAD}steps:\n  - settle: 5\n`)).toBe(
      'scenarios/x.yaml:4: steps[0].settle: expected a duration such as 5s, 500ms or 2m',
    );
  });

  it('names a missing required field', () => {
    expect(problem('name: x\nsteps:\n  - settle: 5s\n')).toBe(
      'scenarios/x.yaml:1: description: is required',
    );
  });

  it('names a missing target on the line of its step', () => {
    expect(problem(`${HEAD}steps:\n  - settle: 5s\n  - fault: kill\n`)).toBe(
      'scenarios/x.yaml:5: steps[1].target: is required',
    );
  });

  it('requires a service for service-stop', () => {
    expect(problem(`${HEAD}steps:\n  - fault: service-stop\n    target: master-0\n`)).toBe(
      'scenarios/x.yaml:4: steps[0].service: service-stop needs a service (use one of etcd, keepalived, kube-apiserver, kubelet, containerd)',
    );
  });

  it('refuses a service on a fault that takes none', () => {
    expect(
      problem(`${HEAD}steps:\n  - fault: kill\n    target: master-0\n    service: etcd\n`),
    ).toBe(
      'scenarios/x.yaml:6: steps[0].service: only service-stop and service-kill take a service, not kill',
    );
  });

  it('refuses to stop etcd on a worker, which runs none', () => {
    expect(
      problem(`${HEAD}steps:\n  - fault: service-stop\n    target: worker-1\n    service: etcd\n`),
    ).toMatch(
      /^scenarios\/x\.yaml:5: steps\[0\]\.target: service-stop of etcd needs a master target \(.*\), not "worker-1"$/,
    );
  });

  it('refuses to block VRRP on a worker', () => {
    expect(problem(`${HEAD}steps:\n  - fault: block-vrrp\n    target: worker-0\n`)).toMatch(
      /^scenarios\/x\.yaml:5: steps\[0\]\.target: block-vrrp needs a master target/,
    );
  });

  it('says which keys a step may have when it has none of them', () => {
    expect(problem(`${HEAD}steps:\n  - sleep: 5s\n`)).toBe(
      'scenarios/x.yaml:4: steps[0]: a step needs one of settle, observe, fault, restore, wait, op',
    );
  });

  it('points at a forgotten dash when one step has two kinds', () => {
    expect(problem(`${HEAD}steps:\n  - settle: 5s\n    fault: kill\n`)).toBe(
      'scenarios/x.yaml:4: steps[0]: a step takes only one of settle, observe, fault, restore, wait, op (found settle and fault: is a "-" missing?)',
    );
  });

  it('rejects a restore of a fault id that does not come earlier', () => {
    expect(
      problem(`${HEAD}steps:\n  - fault: kill\n    target: master-0\n    id: a\n  - restore: b\n`),
    ).toBe(
      'scenarios/x.yaml:7: steps[1].restore: no earlier fault has id "b" (use "all" or one of a)',
    );
  });

  it('rejects two faults with the same id', () => {
    expect(
      problem(
        `${HEAD}steps:\n  - fault: kill\n    target: master-0\n    id: a\n  - fault: stop\n    target: master-1\n    id: a\n`,
      ),
    ).toBe('scenarios/x.yaml:9: steps[1].id: step id "a" is used twice');
  });

  it('rejects an unknown expectation and lists the known ones', () => {
    expect(problem(`${HEAD}steps:\n  - settle: 5s\nexpect:\n  noSplitBrain: true\n`)).toBe(
      'scenarios/x.yaml:6: expect.noSplitBrain: unknown field "noSplitBrain" (use one of vipFailover, splitBrain, apiUnavailable, workloadAvailable, etcdQuorum, noLostWrites, rejoin, vipHome, leaderElection, etcdInSync, noCertErrors, certsRenewed, upgraded, snapshotRestore)',
    );
  });

  it('rejects both a split-brain limit and an expected split brain', () => {
    expect(
      problem(
        `${HEAD}steps:\n  - settle: 5s\nexpect:\n  splitBrain: { maxMs: 500, expected: true }\n`,
      ),
    ).toBe('scenarios/x.yaml:6: expect.splitBrain: give either maxMs or expected: true, not both');
  });

  it('bounds the probe intervals', () => {
    expect(problem(`${HEAD}probes:\n  intervalMs: 10\nsteps:\n  - settle: 5s\n`)).toBe(
      'scenarios/x.yaml:4: probes.intervalMs: must be at least 50',
    );
  });

  it('rejects more than 20 steps', () => {
    expect(problem(`${HEAD}steps:\n${'  - settle: 1s\n'.repeat(21)}`)).toBe(
      'scenarios/x.yaml:3: steps: at most 20 steps',
    );
  });

  it('rejects an empty step list', () => {
    expect(problem(`${HEAD}steps: []\n`)).toBe(
      'scenarios/x.yaml:3: steps: a scenario needs at least one step',
    );
  });

  it('rejects an empty file', () => {
    expect(problem('')).toBe(
      'scenarios/x.yaml:1: the file is empty; a scenario needs name, description and steps',
    );
  });

  it('lists every problem, one line each with file, line and field, earliest first', () => {
    const lines = problem('name: Bad Name\ndescription: d\nsteps:\n  - settle: 0s\n').split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('scenarios/x.yaml:1: name: use lowercase letters, digits and dashes');
    expect(lines[1]).toMatch(/^scenarios\/x\.yaml:4: steps\[0\]\.settle: /);
  });
});

describe('loadScenarioFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ha-lab-scenario-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('insists that a built-in scenario is named after its file', async () => {
    const path = join(dir, 'kill-it.yaml');
    await writeFile(path, 'name: kill-other\ndescription: d\nsteps:\n  - settle: 5s\n');
    await expect(loadScenarioFile(path, { nameMustMatchFile: true })).rejects.toThrow(
      `${path}:1: name: "kill-other" must equal the file name "kill-it"`,
    );
    await expect(loadScenarioFile(path)).resolves.toMatchObject({ name: 'kill-other' });
  });

  it('names a file that does not exist', async () => {
    const path = join(dir, 'missing.yaml');
    await expect(loadScenarioFile(path)).rejects.toThrow(
      `${path}: cannot read scenario (no such file)`,
    );
  });

  it('loads a scenario given by path', async () => {
    const path = join(dir, 'mine.yaml');
    await writeFile(path, 'name: mine\ndescription: d\nsteps:\n  - settle: 5s\n');
    await expect(resolveScenario(path)).resolves.toMatchObject({
      path,
      scenario: { name: 'mine' },
    });
  });
});
