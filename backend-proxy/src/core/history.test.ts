import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers.js';
import { HistoryRing, HistoryStore } from './history.js';

describe('HistoryRing', () => {
  it('keeps the newest items in order within capacity', () => {
    const ring = new HistoryRing<number>(3);
    for (let i = 1; i <= 7; i++) ring.push(i);
    expect(ring.toArray()).toEqual([5, 6, 7]);
    expect(ring.last()).toBe(7);
    expect(ring.length).toBe(3);
  });
  it('walks back newest first, across the wrap, and stops when asked', () => {
    const ring = new HistoryRing<number>(4);
    for (let i = 1; i <= 6; i++) ring.push(i);
    const all: number[] = [];
    ring.walkBack((n) => void all.push(n));
    expect(all).toEqual([6, 5, 4, 3]);
    const some: number[] = [];
    ring.walkBack((n) => (some.push(n), n > 5));
    expect(some).toEqual([6, 5]);
    new HistoryRing<number>(2).walkBack(() => {
      throw new Error('an empty ring has nothing to visit');
    });
  });
  it('stays in time order when the clock steps back: samples stamped after the new one are dropped and counted', () => {
    const ring = new HistoryRing<{ t: number }>(10);
    for (const t of [1_000, 2_000, 3_000, 4_000]) ring.push({ t });
    ring.push({ t: 2_500 }); // the clock stepped back 1.5 s: 3,000 and 4,000 were stamped ahead
    expect(ring.toArray().map((s) => s.t)).toEqual([1_000, 2_000, 2_500]);
    expect(ring.droppedAhead).toBe(2);
    ring.push({ t: 2_500 }); // the same time again is not a step back
    ring.push({ t: 9_000 }); // a step forward leaves a gap, nothing dropped
    expect(ring.toArray().map((s) => s.t)).toEqual([1_000, 2_000, 2_500, 2_500, 9_000]);
    expect(ring.droppedAhead).toBe(2);
  });
  it('keeps time order across the wrap, and a step back before every sample keeps only the new one', () => {
    const ring = new HistoryRing<{ t: number }>(3);
    for (let t = 1; t <= 5; t++) ring.push({ t });
    ring.push({ t: 4 });
    expect(ring.toArray().map((s) => s.t)).toEqual([3, 4, 4]);
    ring.push({ t: 6 });
    expect(ring.toArray().map((s) => s.t)).toEqual([4, 4, 6]);
    ring.push({ t: 0 });
    expect(ring.toArray().map((s) => s.t)).toEqual([0]);
    expect(ring.droppedAhead).toBe(1 + 3);
    ring.push({ t: 1 });
    expect(ring.last()).toEqual({ t: 1 });
  });
  it('keeps items without a numeric t in arrival order', () => {
    const ring = new HistoryRing<{ detectedAt: number }>(5);
    for (const detectedAt of [3, 1, 2]) ring.push({ detectedAt });
    expect(ring.toArray().map((r) => r.detectedAt)).toEqual([3, 1, 2]);
    expect(ring.droppedAhead).toBe(0);
  });
  it('refuses a zero capacity', () => {
    expect(() => new HistoryRing(0)).toThrow(/capacity/);
  });
});

describe('HistoryStore', () => {
  const dirs: Array<() => Promise<void>> = [];
  afterEach(async () => Promise.all(dirs.splice(0).map((remove) => remove())));

  it('restores rings from an atomic snapshot, including rings created after restore', async () => {
    const dir = await tempDir();
    dirs.push(dir.remove);
    const file = join(dir.path, 'history.json');
    const first = new HistoryStore({ file });
    const ring = first.ring<{ t: number; v: number }>('btc:mempool', 5);
    for (let t = 0; t < 8; t++) ring.push({ t, v: t * 10 });
    await first.stop();
    // no temp files left behind by the atomic write
    expect((await readdir(dir.path)).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const second = new HistoryStore({ file });
    expect(await second.restore()).toBe(5);
    expect(second.ring('btc:mempool', 5).toArray()).toEqual([3, 4, 5, 6, 7].map((t) => ({ t, v: t * 10 })));
    // a smaller capacity after a config change keeps the newest
    const third = new HistoryStore({ file });
    await third.restore();
    expect(third.ring('btc:mempool', 2).toArray()).toEqual([6, 7].map((t) => ({ t, v: t * 10 })));
  });

  it('keeps rings of sources not created this run in the next snapshot', async () => {
    const dir = await tempDir();
    dirs.push(dir.remove);
    const file = join(dir.path, 'h.json');
    const a = new HistoryStore({ file });
    a.ring<number>('gone', 3).push(1);
    await a.snapshot();
    const b = new HistoryStore({ file });
    await b.restore();
    b.ring<number>('new', 3).push(2);
    await b.snapshot();
    const saved = JSON.parse(await readFile(file, 'utf8')) as { rings: Record<string, number[]> };
    expect(saved.rings).toEqual({ gone: [1], new: [2] });
  });

  it('rejects a file that is not a snapshot', async () => {
    const dir = await tempDir();
    dirs.push(dir.remove);
    const file = join(dir.path, 'h.json');
    await writeFile(file, JSON.stringify({ hello: 1 }));
    await expect(new HistoryStore({ file }).restore()).rejects.toThrow(/not a nodescope history snapshot/);
  });
});
