import { describe, expect, it } from 'vitest';
import { etaText, readProjectedBlocks } from './projectedBlocks';
import { blocksFrame } from './testing';

describe('readProjectedBlocks', () => {
  it('reads mempool.blocks rows, next block first', () => {
    const blocks = readProjectedBlocks([blocksFrame([{ vsize: 998_000, median: 12.5, min: 10, max: 300, tx: 3500 }, { vsize: 5_400_000, median: 2, min: 1, max: 10, tx: 30000 }])])!;
    expect(blocks).toHaveLength(2);
    expect(blocks[0]).toMatchObject({ index: 0, medianFee: 12.5, feeMin: 10, feeMax: 300, txCount: 3500, tail: false });
    expect(blocks[1]!.tail).toBe(true);
  });

  it('is undefined without a blocks frame', () => {
    expect(readProjectedBlocks([])).toBeUndefined();
  });
});

describe('etaText', () => {
  const block = (index: number, tail = false, vsize = 1_000_000) => ({ index, tail, vsize, txCount: 0, totalFees: 0, medianFee: 1, feeMin: 1, feeMax: 1 });
  it.each([
    [block(0), 'In ~10 minutes'],
    [block(6), 'In ~70 minutes'],
    [block(12), 'In ~2 hours'],
    [block(7, true, 44_600_000), '45 blocks more'],
  ])('%o -> %s', (b, text) => {
    expect(etaText(b)).toBe(text);
  });
});
