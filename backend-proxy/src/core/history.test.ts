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
