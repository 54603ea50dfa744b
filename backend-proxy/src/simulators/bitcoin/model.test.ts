import { describe, expect, it } from 'vitest';
import { SimNode, headerHash, merkleRoot } from './chain.js';
import { Mempool, type MempoolTx } from './mempool.js';
import { NETWORKS, difficultyFromBits, subsidySats, targetFromBits } from './network.js';
import { percentilesByWeight } from './rpc.js';
import { formatAmount, writeUniValue, btc } from './univalue.js';

function tx(txid: string, vsize: number, fee: number, parents: string[] = []): MempoolTx {
  return {
    txid,
    wtxid: txid,
    size: vsize,
    weight: vsize * 4,
    vsize,
    fee,
    nIn: 1,
    nOut: 2,
    outValue: 1e6,
    segwit: false,
    time: 0,
    height: 0,
    parents,
    children: [],
  };
}

describe('mempool model', () => {
  it('uses one mempool sequence per addition and per removal, starting at 1', () => {
    const pool = new Mempool();
    expect(pool.add(tx('a', 100, 100))).toBe(1);
    expect(pool.add(tx('b', 100, 100))).toBe(2);
    expect(pool.remove('a')).toBe(3);
    expect(pool.remove('zz')).toBeUndefined();
    expect(pool.sequence).toBe(4);
  });

  it('computes ancestor and descendant packages including the transaction itself', () => {
    const pool = new Mempool();
    pool.add(tx('p', 200, 200));
    pool.add(tx('c', 100, 5_000, ['p']));
    pool.add(tx('g', 100, 1_000, ['c']));
    expect(pool.ancestorStats('g')).toEqual({ count: 3, vsize: 400, fees: 6_200 });
    expect(pool.descendantStats('p')).toEqual({ count: 3, vsize: 400, fees: 6_200 });
    expect(pool.entries.get('p')?.children).toEqual(['c']);
  });

  it('selects by ancestor fee rate (CPFP pulls the parent in) and keeps parents before children', () => {
    const pool = new Mempool();
    pool.add(tx('cheap-parent', 1_000, 1_000));
    pool.add(tx('rich-child', 250, 50_000, ['cheap-parent']));
    pool.add(tx('middle', 1_000, 20_000));
    const chosen = pool.selectForBlock(4 * 1_300).map((t) => t.txid);
    expect(chosen).toEqual(['cheap-parent', 'rich-child']);
    const all = pool.selectForBlock(4_000_000).map((t) => t.txid);
    expect(all.indexOf('cheap-parent')).toBeLessThan(all.indexOf('rich-child'));
    expect(all).toHaveLength(3);
  });
});

describe('chain model', () => {
  it('replays the same history from the same seed', () => {
    const a = new SimNode({ params: NETWORKS.mainnet, seed: 9, initialHeight: 1000, now: () => 1.7e12 });
    const b = new SimNode({ params: NETWORKS.mainnet, seed: 9, initialHeight: 1000, now: () => 1.7e12 });
    expect(a.tipHash()).toBe(b.tipHash());
    expect(a.blockAt(999)?.merkleroot).toBe(b.blockAt(999)?.merkleroot);
    expect(a.blockAt(1000)?.prevHash).toBe(a.hashAt(999));
    expect(new SimNode({ params: NETWORKS.mainnet, seed: 10, initialHeight: 1000 }).tipHash()).not.toBe(a.tipHash());
  });

  it('keeps block times above the median time past', () => {
    const node = new SimNode({ params: NETWORKS.regtest, seed: 1, initialHeight: 200, now: () => 1.7e12 });
    for (let i = 0; i < 15; i++) {
      const hash = node.mineBlock();
      const block = node.blockByHash(hash);
      expect(block?.time).toBeGreaterThan(node.medianTime((block?.height as number) - 1));
    }
  });

  it('gives regtest blocks real proof of work: each hash is the header hash and meets the target', () => {
    const node = new SimNode({ params: NETWORKS.regtest, seed: 4, initialHeight: 50, now: () => 1.7e12 });
    node.addTransactions(30);
    node.mineBlock();
    node.reorg(2);
    for (let h = 0; h <= node.tipHeight(); h++) {
      const block = node.blockAt(h) as NonNullable<ReturnType<SimNode['blockAt']>>;
      expect(headerHash(block), `height ${h}`).toBe(block.hash);
      expect(BigInt(`0x${block.hash}`) <= targetFromBits(0x207fffff)).toBe(true);
      if (h > 0) expect(block.prevHash).toBe(node.hashAt(h - 1));
    }
  });

  it('merkle root matches Bitcoin block 100000', () => {
    expect(
      merkleRoot([
        '8c14f0db3df150123e6f3dbbf30f8b955a8249b62ac1d1ff16284aefa3d06d87',
        'fff2525b8931402dd09222c50775608f75787bd2b87e56995a7bdd30f79702c4',
        '6359f0868171b1d194cbee1af2f16ea598ae8fad666d9b012c8ed2b79a236ec4',
        'e9a66845e05d5abc0ad04ec80f774a7e585c6e8db975962d069a522137b80c1d',
      ])
    ).toBe('f3e94742aca4b5ef85488dc37c06c3282295ffec960994b2c0d5ac2a25a95766');
  });

  it('derives difficulty and subsidy like Core', () => {
    expect(difficultyFromBits(0x1d00ffff)).toBe(1);
    expect(difficultyFromBits(0x207fffff)).toBeCloseTo(4.656542373906925e-10, 20);
    expect(subsidySats(840_000, 210_000)).toBe(312_500_000);
    expect(subsidySats(0, 150)).toBe(5_000_000_000);
  });
});

describe('UniValue output', () => {
  it('writes amounts with 8 decimals like ValueFromAmount', () => {
    expect(formatAmount(1000)).toBe('0.00001000');
    expect(formatAmount(10)).toBe('0.00000010');
    expect(formatAmount(2_100_000_000_000_000)).toBe('21000000.00000000');
    expect(formatAmount(-5)).toBe('-0.00000005');
    // ValueFromAmount (bitcoin/bitcoin@a05987d:src/core_write.cpp:26-37): quotient, '.', remainder
    // zero-padded to 8 digits; at the edges of the remainder and of a whole coin
    expect(formatAmount(0)).toBe('0.00000000');
    expect(formatAmount(99_999_999)).toBe('0.99999999');
    expect(formatAmount(100_000_000)).toBe('1.00000000');
    expect(formatAmount(123_456_789)).toBe('1.23456789');
    expect(formatAmount(-100_000_001)).toBe('-1.00000001');
    expect(writeUniValue({ fee: btc(10), list: [1, 'a', null, true] })).toBe(
      '{"fee":0.00000010,"list":[1,"a",null,true]}'
    );
  });

  it('writes nested amounts, exact big integers, escapes strings and skips undefined fields', () => {
    const value = {
      fees: { base: btc(1234), modified: btc(-5), ancestor: btc(2_100_000_000_000_000) },
      list: [btc(0), undefined, Number.NaN, 'x'],
      chainwork: 123456789012345678901234567890n,
      skipped: undefined,
      text: 'control \u0001 and "quotes"',
    };
    expect(writeUniValue(value)).toBe(
      '{"fees":{"base":0.00001234,"modified":-0.00000005,"ancestor":21000000.00000000},' +
        '"list":[0.00000000,null,null,"x"],"chainwork":123456789012345678901234567890,' +
        '"text":"control \\u0001 and \\"quotes\\""}'
    );
    expect(writeUniValue(undefined)).toBe('null');
    expect(writeUniValue([btc(1), btc(2)])).toBe('[0.00000001,0.00000002]');
  });
});

describe('getblockstats percentiles', () => {
  it('follows CalculatePercentilesByWeight', () => {
    // weights 1..5 at rates 10..50: cumulative 1,3,6,10,15 of total 15
    const scores: Array<[number, number]> = [
      [30, 3],
      [10, 1],
      [50, 5],
      [20, 2],
      [40, 4],
    ];
    expect(percentilesByWeight(scores, 15)).toEqual([20, 30, 40, 50, 50]);
    expect(percentilesByWeight([], 0)).toEqual([0, 0, 0, 0, 0]);
  });
});
