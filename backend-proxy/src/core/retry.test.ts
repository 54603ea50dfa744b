import { describe, expect, it } from 'vitest';
import { backoffDelay, withRetry } from './retry.js';

describe('withRetry', () => {
  it('retries with growing, capped, jittered delays', async () => {
    const delays: number[] = [];
    let attempts = 0;
    const result = await withRetry(
      async () => {
        if (++attempts < 4) throw new Error('busy');
        return 'done';
      },
      { retries: 5, baseMs: 100, maxMs: 300, random: () => 0.999, sleep: async (ms) => void delays.push(ms) }
    );
    expect(result).toBe('done');
    expect(delays).toEqual([99, 199, 299]);
  });

  it('stops on a non-retryable error and after the last retry', async () => {
    let attempts = 0;
    const fail = async () => {
      attempts++;
      throw new Error('method not found');
    };
    await expect(withRetry(fail, { retries: 3, baseMs: 1, maxMs: 1, retryable: () => false, sleep: async () => {} })).rejects.toThrow();
    expect(attempts).toBe(1);
    attempts = 0;
    await expect(withRetry(fail, { retries: 2, baseMs: 1, maxMs: 1, sleep: async () => {} })).rejects.toThrow();
    expect(attempts).toBe(3);
  });

  it('full jitter stays below the ceiling', () => {
    expect(backoffDelay(10, 100, 5_000, () => 0.5)).toBe(2_500);
    expect(backoffDelay(0, 100, 5_000, () => 0)).toBe(0);
  });
});
