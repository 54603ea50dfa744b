import { describe, expect, it } from 'vitest';
import { CoalescingCache } from './cache.js';

describe('CoalescingCache', () => {
  it('shares one load between identical concurrent requests', async () => {
    const cache = new CoalescingCache();
    let loads = 0;
    let release!: (v: number) => void;
    const gate = new Promise<number>((resolve) => (release = resolve));
    const pending = Array.from({ length: 100 }, () =>
      cache.get('k', 1_000, () => {
        loads++;
        return gate;
      })
    );
    release(42);
    expect(await Promise.all(pending)).toEqual(Array(100).fill(42));
    expect(loads).toBe(1);
    expect(cache.stats).toEqual({ hits: 0, misses: 1, coalesced: 99 });
  });

  it('serves from cache until the TTL ends, then loads again', async () => {
    let now = 0;
    const cache = new CoalescingCache(100, () => now);
    let loads = 0;
    const load = async () => ++loads;
    expect(await cache.get('k', 1_000, load)).toBe(1);
    now = 999;
    expect(await cache.get('k', 1_000, load)).toBe(1);
    now = 1_000;
    expect(await cache.get('k', 1_000, load)).toBe(2);
    expect(cache.stats.hits).toBe(1);
  });

  it('peek gives a fresh value only, never loads, never joins a load, and counts nothing', async () => {
    let now = 0;
    const cache = new CoalescingCache(100, () => now);
    expect(cache.peek('k')).toBeUndefined();
    let release!: (v: number) => void;
    const loading = cache.get('k', 1_000, () => new Promise<number>((resolve) => (release = resolve)));
    expect(cache.peek('k')).toBeUndefined(); // in flight: not a value yet
    release(7);
    await loading;
    expect(cache.peek('k')).toBe(7);
    now = 1_000;
    expect(cache.peek('k')).toBeUndefined(); // expired
    expect(cache.stats).toEqual({ hits: 0, misses: 1, coalesced: 0 });
    cache.hit(2);
    expect(cache.stats.hits).toBe(2);
    expect(new CoalescingCache(10, () => 0, false).peek('k')).toBeUndefined();
  });

  it('does not serve an entry stored before the clock stepped back for as long as the step', async () => {
    let now = 10_000_000;
    const cache = new CoalescingCache(100, () => now);
    let loads = 0;
    const load = async () => ++loads;
    expect(await cache.get('k', 1_000, load)).toBe(1);
    now -= 3_600_000; // an hour back: the entry was stored in this clock's future
    expect(cache.peek('k')).toBeUndefined();
    expect(await cache.get('k', 1_000, load)).toBe(2);
    now += 500; // from then on the TTL runs as usual
    expect(await cache.get('k', 1_000, load)).toBe(2);
    now += 7_200_000; // a step forward only ends the TTL early
    expect(await cache.get('k', 1_000, load)).toBe(3);
  });

  it('does not cache failures', async () => {
    const cache = new CoalescingCache();
    await expect(cache.get('k', 1_000, () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('k', 1_000, async () => 'up')).toBe('up');
  });

  it('stays within its entry bound', async () => {
    const cache = new CoalescingCache(10);
    for (let i = 0; i < 50; i++) await cache.get(`k${i}`, 60_000, async () => i);
    expect(cache.size).toBe(10);
    // the newest entries survive
    expect(await cache.get('k49', 60_000, async () => -1)).toBe(49);
  });

  it('loads every time when turned off', async () => {
    const cache = new CoalescingCache(10, Date.now, false);
    let loads = 0;
    await Promise.all([1, 2, 3].map(() => cache.get('k', 60_000, async () => ++loads)));
    expect(loads).toBe(3);
  });

  it('drops expired entries on time, long before it is full', async () => {
    let now = 0;
    const cache = new CoalescingCache(10_000, () => now);
    for (let i = 0; i < 100; i++) await cache.get(`refresh-${i}`, 1_000, async () => i);
    expect(cache.size).toBe(100);
    now = 1_500;
    await cache.get('refresh-new', 1_000, async () => 0);
    expect(cache.size).toBe(1);
  });
});
