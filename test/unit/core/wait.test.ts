import { describe, expect, it } from 'vitest';
import { waitFor, waitForOr } from '../../../src/core/wait.js';

const never = () => new Promise<undefined>(() => undefined);

describe('waitFor', () => {
  it('returns the first value a check gives', async () => {
    let n = 0;
    const value = await waitFor(async () => (++n >= 3 ? n : undefined), {
      what: 'three',
      timeoutMs: 5000,
      intervalMs: 10,
    });
    expect(value).toBe(3);
  });

  it('ends at once on abort even while a check hangs', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new Error('interrupted')), 50);
    await expect(
      waitFor(never, { what: 'nothing', timeoutMs: 60_000, signal: controller.signal }),
    ).rejects.toThrow('interrupted');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('says what it waited for, asked at the deadline, when time runs out', async () => {
    let missing = 'a';
    const wait = waitFor(
      async () => {
        missing = 'b';
        return undefined;
      },
      { what: () => `x (still missing ${missing})`, timeoutMs: 50, intervalMs: 10 },
    );
    await expect(wait).rejects.toThrow('waiting for x (still missing b)');
  });
});

describe('waitForOr', () => {
  it('returns the fallback at the deadline', async () => {
    expect(
      await waitForOr(
        async () => undefined,
        { what: 'x', timeoutMs: 30, intervalMs: 10 },
        () => 7,
      ),
    ).toBe(7);
  });

  it('still ends with the abort on Ctrl-C', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('interrupted')), 30);
    await expect(
      waitForOr(never, { what: 'x', timeoutMs: 60_000, signal: controller.signal }, () => 7),
    ).rejects.toThrow('interrupted');
  });
});
