import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { parseScenario } from '../../../src/chaos/scenario/index.js';

const HEAD = 'name: x\ndescription: d\n';

function problem(text: string): string {
  try {
    parseScenario(text, 'scenarios/x.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected the scenario to be rejected');
}

describe('operation steps', () => {
  const parse = (text: string) => parseScenario(`${HEAD}${text}`, 'scenarios/x.yaml');

  it('reads an operation with its target and gives it an id', () => {
    const s = parse('steps:\n  - settle: 5s\n  - op: etcd-member-replace\n    target: master-1\n');
    expect(s.steps[1]).toEqual({
      kind: 'op',
      id: 'op1',
      op: 'etcd-member-replace',
      target: 'master-1',
    });
  });

  it('fills in the target an operation acts on by default', () => {
    expect(parse('steps:\n  - op: renew-certs\n').steps[0]).toMatchObject({
      target: 'all-masters',
    });
    expect(parse('steps:\n  - op: etcd-member-replace\n').steps[0]).toMatchObject({
      target: 'master-0',
    });
  });

  it('names the operations when one is unknown', () => {
    expect(problem(HEAD + 'steps:\n  - op: etcd-defrag\n')).toBe(
      'scenarios/x.yaml:4: steps[0].op: unknown operation "etcd-defrag" (use one of etcd-member-replace, renew-certs, etcd-snapshot-restore, upgrade)',
    );
  });

  it('refuses a worker or a special target for a member replacement', () => {
    expect(problem(HEAD + 'steps:\n  - op: etcd-member-replace\n    target: worker-0\n')).toBe(
      'scenarios/x.yaml:5: steps[0].target: etcd-member-replace takes one master (master-0, master-1, master-2), not "worker-0"',
    );
    expect(problem(HEAD + 'steps:\n  - op: renew-certs\n    target: master-0\n')).toContain(
      'renew-certs takes "all-masters"',
    );
  });

  it('has nothing to restore after an operation', () => {
    expect(problem(HEAD + 'steps:\n  - op: renew-certs\n    id: r\n  - restore: r\n')).toBe(
      'scenarios/x.yaml:6: steps[1].restore: "r" is an operation: it runs to its end, there is nothing to restore',
    );
  });
});

describe('the upgrade step', () => {
  const parse = (text: string) => parseScenario(`${HEAD}${text}`, 'scenarios/x.yaml');

  it('reads the version to go to and acts on every node by default', () => {
    expect(parse('steps:\n  - op: upgrade\n    to: "1.36"\n').steps[0]).toEqual({
      kind: 'op',
      id: 'op0',
      op: 'upgrade',
      target: 'all-nodes',
      to: '1.36',
    });
  });

  it('needs a version, and only an upgrade takes one', () => {
    expect(problem(HEAD + 'steps:\n  - op: upgrade\n')).toMatch(
      /upgrade needs the version to go to/,
    );
    expect(problem(HEAD + 'steps:\n  - op: renew-certs\n    to: "1.36"\n')).toMatch(
      /only upgrade takes a version, not renew-certs/,
    );
    expect(problem(HEAD + 'steps:\n  - op: upgrade\n    to: latest\n')).toMatch(
      /expected a Kubernetes version such as "1.36"/,
    );
  });

  it('refuses a target other than all-nodes', () => {
    expect(
      problem(HEAD + 'steps:\n  - op: upgrade\n    to: "1.36"\n    target: master-0\n'),
    ).toMatch(/upgrade takes "all-nodes"/);
  });
});
