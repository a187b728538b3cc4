import { describe, expect, it } from 'vitest';
import * as api from '../../../src/api/index.js';
import { failureOf } from '../../../src/cli/exit-status.js';

// The README's exit statuses; every error class the package exports appears here once.
const TABLE: [string, () => Error, number][] = [
  ['HaLabError', () => new api.HaLabError('x', 'x', api.ExitCode.runtime), 1],
  ['RuntimeError', () => new api.RuntimeError('x', 'x'), 1],
  ['PhaseError', () => new api.PhaseError('etcd', 'master-0', 'x'), 1],
  ['UsageError', () => new api.UsageError('x', 'x'), 2],
  ['CheckFailedError', () => new api.CheckFailedError('x'), 3],
  ['InterruptedError(SIGINT)', () => new api.InterruptedError('SIGINT'), 130],
  ['InterruptedError(SIGTERM)', () => new api.InterruptedError('SIGTERM'), 143],
];

describe('exported errors carry the exit status the CLI exits with', () => {
  it.each(TABLE)('%s exits %i', (_name, make, status) => {
    const error = make();
    expect(error).toBeInstanceOf(api.HaLabError);
    expect((error as api.HaLabError).exitCode).toBe(status);
    expect(failureOf(error, new AbortController().signal).exitCode).toBe(status);
  });

  it('the table lists every error class the package exports', () => {
    const exported = Object.entries(api)
      .filter(([, value]) => typeof value === 'function' && value.prototype instanceof Error)
      .map(([name]) => name)
      .sort();
    const listed = [...new Set(TABLE.map(([name]) => name.replace(/\(.*/, '')))].sort();
    expect(exported).toEqual(listed);
  });

  it('a scenario result maps to exit 0, 1 (could not run) or 3 (a check failed)', () => {
    const base = { scenario: 's', reportDir: '/r', reports: [], paths: [], interrupted: false };
    const result = (patch: { passed: boolean; error?: string }) => ({
      ...base,
      report: {} as api.Report,
      ...patch,
    });
    expect(api.scenarioError(result({ passed: true }))).toBeUndefined();
    expect(api.scenarioError(result({ passed: false }))?.exitCode).toBe(3);
    expect(api.scenarioError(result({ passed: false, error: 'no engine' }))?.exitCode).toBe(1);
  });

  it('once the command was interrupted, the signal decides the status, not the cleanup error', () => {
    const controller = new AbortController();
    controller.abort(new api.InterruptedError('SIGTERM'));
    expect(failureOf(new api.RuntimeError('x', 'cleanup failed'), controller.signal).exitCode).toBe(
      143,
    );
  });
});
