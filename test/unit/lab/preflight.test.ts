import { describe, expect, it } from 'vitest';
import { HaLabError } from '../../../src/core/errors.js';
import { refuseRootlessEngine } from '../../../src/lab/preflight.js';
import { isRootless } from '../../../src/runtime/engine-info.js';

describe('refuseRootlessEngine', () => {
  it('lets a rootful engine through', () => {
    expect(() => refuseRootlessEngine({ rootless: false })).not.toThrow();
  });

  it('refuses a rootless engine with one line that says what to do, exit 1', () => {
    let caught: unknown;
    try {
      refuseRootlessEngine({ rootless: true });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(HaLabError);
    const error = caught as HaLabError;
    expect(error.exitCode).toBe(1);
    expect(error.message).not.toContain('\n');
    expect(error.message).toMatch(/runs rootless.*DOCKER_HOST at a rootful engine/);
  });
});

describe('isRootless', () => {
  it.each([
    [['name=seccomp,profile=builtin', 'name=rootless', 'name=cgroupns'], true],
    [['name=seccomp,profile=builtin', 'name=cgroupns'], false],
    [['name=rootlesskit-ish'], false],
    [undefined, false],
  ])('reads %j as rootless=%s', (options, expected) => {
    expect(isRootless(options)).toBe(expected);
  });
});
