import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Coalescer } from './coalesce.js';

describe('Coalescer: leading edge, then one trailing run per gap', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** a coalescer whose run takes `costMs` of the (fake) elapsed clock; `runs` holds when each started */
  function make(costMs = 0, minGapMs = 10, costFactor = 4) {
    const runs: number[] = [];
    const c = new Coalescer(
      () => {
        runs.push(performance.now());
        // no timer of the coalescer is pending during a run, so this only moves the clock
        if (costMs > 0) vi.advanceTimersByTime(costMs);
      },
      // the cost on the fake elapsed clock, so it is exact here (by default it is CPU time)
      { minGapMs, costFactor, costClock: () => performance.now() }
    );
    return { c, runs };
  }

  it('the first change after a quiet spell runs on the next turn, without waiting for a delay', () => {
    const { c, runs } = make();
    c.changed();
    c.changed(); // same turn: one run
    expect(runs).toHaveLength(0); // not synchronously inside the change
    vi.advanceTimersToNextTimer(); // the setImmediate
    expect(runs).toEqual([0]);
    expect(c.owed).toBe(false);
  });

  it('changes within the gap become one run when the gap is over; a later quiet change runs at once', () => {
    const { c, runs } = make();
    c.changed();
    vi.advanceTimersByTime(1); // leading run at 0
    c.changed();
    vi.advanceTimersByTime(3);
    c.changed();
    c.changed();
    vi.advanceTimersByTime(5); // t = 9: still within the 10 ms gap
    expect(runs).toEqual([0]);
    vi.advanceTimersByTime(1); // t = 10: the trailing run, all three changes in it
    expect(runs).toEqual([0, 10]);
    vi.advanceTimersByTime(100); // quiet
    expect(runs).toEqual([0, 10]);
    c.changed();
    vi.advanceTimersByTime(0);
    expect(runs).toEqual([0, 10, 110]);
  });

  it('the gap grows to costFactor times the last run, so runs take at most 1/(1+factor) of the time', () => {
    const { c, runs } = make(20);
    c.changed();
    vi.advanceTimersByTime(0); // run 0..20
    c.changed();
    vi.advanceTimersByTime(79); // t = 99: within 80 ms of the run's end
    expect(runs).toEqual([0]);
    vi.advanceTimersByTime(1);
    expect(runs).toEqual([0, 100]);
    expect(c.gapMs()).toBe(80);
  });

  it('a throwing run is reported, not thrown into the timer, and later changes still run', () => {
    const errors: unknown[] = [];
    let calls = 0;
    const c = new Coalescer(
      () => {
        calls++;
        if (calls === 1) throw new Error('boom');
      },
      { minGapMs: 10, costFactor: 4, costClock: () => performance.now(), onError: (error) => errors.push(error) }
    );
    c.changed();
    vi.advanceTimersByTime(0);
    expect(errors).toHaveLength(1);
    c.changed();
    vi.advanceTimersByTime(10);
    expect(calls).toBe(2);
  });

  it('cancel drops the scheduled run; schedule picks up what is still owed', () => {
    const { c, runs } = make();
    c.changed();
    c.cancel();
    vi.advanceTimersByTime(50);
    expect(runs).toEqual([]);
    expect(c.owed).toBe(true);
    c.schedule();
    vi.advanceTimersByTime(0);
    expect(runs).toEqual([50]);
  });
});

describe('Coalescer: active', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('changes while inactive stay owed and run once it is active and scheduled', () => {
    let listening = false;
    let runs = 0;
    const c = new Coalescer(() => runs++, {
      minGapMs: 10,
      costFactor: 4,
      costClock: () => performance.now(),
      active: () => listening,
    });
    c.changed();
    c.changed();
    vi.advanceTimersByTime(100);
    expect(runs).toBe(0);
    expect(c.owed).toBe(true);
    listening = true;
    c.schedule();
    vi.advanceTimersByTime(0);
    expect(runs).toBe(1);
    expect(c.owed).toBe(false);
  });
});

describe('Coalescer: the cost is CPU time', () => {
  it('a run that waits without working (descheduled, blocked) does not widen the gap', () => {
    const c = new Coalescer(
      () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60), // 60 ms asleep, no CPU
      { minGapMs: 10, costFactor: 4 }
    );
    c.changed();
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        // by elapsed time the gap would be 4 x 60 = 240 ms
        expect(c.gapMs()).toBeLessThan(100);
        resolve();
      })
    );
  });
});
