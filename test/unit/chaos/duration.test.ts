import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../src/chaos/scenario/duration.js';

describe('parseDuration', () => {
  it('reads ms, s and m, with decimals', () => {
    expect(parseDuration('500ms')).toEqual({ ok: true, ms: 500 });
    expect(parseDuration('1.5s')).toEqual({ ok: true, ms: 1500 });
    expect(parseDuration('10m')).toEqual({ ok: true, ms: 600_000 });
  });

  it('rejects anything past ten minutes', () => {
    expect(parseDuration('601s')).toMatchObject({
      ok: false,
      message: 'duration "601s" is too long (at most 10m)',
    });
  });

  it('rejects text that is no duration', () => {
    expect(parseDuration('soon')).toMatchObject({ ok: false });
  });
});

describe('formatDuration', () => {
  it('picks a unit a person reads at a glance', () => {
    expect(formatDuration(250)).toBe('250ms');
    expect(formatDuration(2500)).toBe('2.5s');
    expect(formatDuration(10_000)).toBe('10s');
    expect(formatDuration(12_340)).toBe('12.3s');
    expect(formatDuration(90_000)).toBe('1m 30s');
    expect(formatDuration(120_000)).toBe('2m');
  });
});
