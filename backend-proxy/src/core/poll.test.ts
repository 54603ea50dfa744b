import { afterEach, describe, expect, it, vi } from 'vitest';
import { PollLoop } from './poll.js';

describe('PollLoop', () => {
  afterEach(() => vi.useRealTimers());

  it('polls once at start, then every period, through failures, until stopped', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const loop = new PollLoop(async () => {
      calls++;
      if (calls === 2) throw new Error('one bad poll');
    }, 1_000);
    await loop.start();
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(calls).toBe(4); // the failed second poll did not stop the loop
    loop.stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(calls).toBe(4);
  });
});
