import { describe, expect, it } from 'vitest';
import { BlockStatsMemo, REORG_SAFE_DEPTH } from './blockStats.js';
import type { BlockStats } from './model.js';

function reader() {
  const calls: number[][] = [];
  let version = 0;
  const read = async (heights: number[]) => {
    calls.push(heights);
    version++;
    return heights.map((height) => ({ height, blockhash: `h${height}v${version}` }) as unknown as BlockStats);
  };
  return { calls, read };
}

describe('BlockStatsMemo', () => {
  it('answers 100 overlapping windows (45…144 blocks) with one read per block', async () => {
    const { calls, read } = reader();
    const memo = new BlockStatsMemo(read, 144);
    const tip = 1_000;
    const windows = Array.from({ length: 100 }, (_, i) => 45 + i).map((count) =>
      Array.from({ length: count }, (_, j) => tip - count + 1 + j)
    );
    const answers = await Promise.all(windows.map((heights) => memo.statsFor(heights, tip, 'tip-a')));
    expect(calls.flat().length).toBe(144);
    expect(new Set(calls.flat()).size).toBe(144);
    expect(answers[99]!.map((s) => s.height)).toEqual(windows[99]);
  });

  it('reads again only the blocks within the reorg depth when the tip moves', async () => {
    const { calls, read } = reader();
    const memo = new BlockStatsMemo(read, 144);
    const heights = (tip: number) => Array.from({ length: 10 }, (_, j) => tip - 9 + j);
    await memo.statsFor(heights(100), 100, 'h100');
    calls.length = 0;
    await memo.statsFor(heights(101), 101, 'h101');
    // 101 is new; 96…100 are within REORG_SAFE_DEPTH of the new tip and are read again
    expect(calls.flat().sort((a, b) => a - b)).toEqual([96, 97, 98, 99, 100, 101]);
    expect(REORG_SAFE_DEPTH).toBe(6);
    // a reorg that keeps the height (another block 101): the newest are read again too
    calls.length = 0;
    await memo.statsFor(heights(101), 101, 'h101-other');
    expect(calls.flat().sort((a, b) => a - b)).toEqual([96, 97, 98, 99, 100, 101]);
    calls.length = 0;
    await memo.statsFor(heights(101), 101, 'h101-other');
    expect(calls).toEqual([]);
  });

  it('forgets a failed read and blocks that left the window', async () => {
    let fail = true;
    const memo = new BlockStatsMemo(async (hs) => {
      if (fail) throw new Error('node down');
      return hs.map((height) => ({ height }) as unknown as BlockStats);
    }, 5);
    await expect(memo.statsFor([10], 10, 'a')).rejects.toThrow('node down');
    fail = false;
    await expect(memo.statsFor([10], 10, 'a')).resolves.toHaveLength(1);
    await memo.statsFor([20], 20, 'b');
    expect(memo.size).toBe(1);
  });
});
