import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { mapLimit } from '../../../src/core/map-limit.js';

describe('mapLimit', () => {
  it('keeps input order and never runs more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const results = await mapLimit([30, 5, 20, 1, 10, 2], 2, async (ms, i) => {
      most = Math.max(most, ++running);
      await delay(ms);
      running--;
      return `${i}:${ms}`;
    });
    expect(results).toEqual(['0:30', '1:5', '2:20', '3:1', '4:10', '5:2']);
    expect(most).toBe(2);
  });

  it('starts nothing after a failure, waits for what runs, and throws the first error', async () => {
    const started: number[] = [];
    const finished: number[] = [];
    const error = await mapLimit([0, 1, 2, 3, 4], 2, async (i) => {
      started.push(i);
      if (i === 0) throw new Error('host 0 failed');
      await delay(20);
      finished.push(i);
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('host 0 failed');
    expect(started).toEqual([0, 1]);
    expect(finished).toEqual([1]);
  });

  it('stops starting items once aborted', async () => {
    const controller = new AbortController();
    const started: number[] = [];
    const run = mapLimit(
      [0, 1, 2, 3],
      1,
      async (i) => {
        started.push(i);
        if (i === 1) controller.abort(new Error('Ctrl-C'));
        await delay(5);
      },
      controller.signal,
    );
    await expect(run).rejects.toThrow('Ctrl-C');
    expect(started).toEqual([0, 1]);
  });

  it('returns an empty list for no items and refuses a limit below 1', async () => {
    expect(await mapLimit([], 3, async () => 1)).toEqual([]);
    await expect(mapLimit([1], 0, async () => 1)).rejects.toThrow(RangeError);
  });
});
