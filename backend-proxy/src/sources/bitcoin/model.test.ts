import { describe, expect, it } from 'vitest';
import { NO_GEOLOCATION } from '../../../test/bitcoinHarness.js';
import {
  btcPerKvbToSatPerVb,
  mergeBlocks,
  networkOfAddress,
  recentHeights,
  reconcileTip,
  reorgsFromChainTips,
  reorgText,
  toChainInfo,
  toFeeEstimates,
  toMempoolSample,
  toPeerRow,
  toRecentBlock,
  trafficRates,
  warningsText,
  type BlockchainInfo,
  type BlockHeader,
  type BlockRecord,
  type BlockStats,
  type ChainTip,
  type MempoolInfo,
  type PeerInfo,
} from './model.js';

// Shapes as Bitcoin Core 28 prints them (RPC help texts / functional tests), values trimmed.
const blockchainInfo: BlockchainInfo = {
  chain: 'main',
  blocks: 870_000,
  headers: 870_002,
  bestblockhash: '00000000000000000000d3a2a0b4dd8fcfb39ff0f4d9e1b3e4b5f2d8d0b0a1c2',
  difficulty: 101_646_843_652_785.2,
  time: 1_731_400_000,
  mediantime: 1_731_398_000,
  verificationprogress: 0.9999987,
  initialblockdownload: false,
  size_on_disk: 712_000_000_000,
  pruned: false,
  warnings: [],
};

const mempoolInfo: MempoolInfo = {
  loaded: true,
  size: 41_250,
  bytes: 18_800_123,
  usage: 102_400_000,
  total_fee: 0.84512345,
  maxmempool: 300_000_000,
  mempoolminfee: 0.00001,
  minrelaytxfee: 0.00001,
  unbroadcastcount: 0,
};

const peer: PeerInfo = {
  id: 7,
  addr: '203.0.113.10:8333',
  network: 'ipv4',
  inbound: false,
  connection_type: 'outbound-full-relay',
  subver: '/Satoshi:28.0.0/',
  version: 70016,
  pingtime: 0.023456,
  minping: 0.02,
  bytessent: 1_234_567,
  bytesrecv: 9_876_543,
  synced_blocks: 870_000,
  synced_headers: 870_000,
  startingheight: 869_990,
  conntime: 1_731_390_000,
};

describe('unit conversions', () => {
  it.each([
    [0.00001, 1],
    [0.00012345, 12.345],
    [0.001, 100],
    [0, 0],
  ])('%f BTC/kvB is %f sat/vB', (btc, sat) => {
    expect(btcPerKvbToSatPerVb(btc)).toBeCloseTo(sat, 6);
  });

  it('joins Core 28 warning arrays and keeps pre-28 strings', () => {
    expect(warningsText(['a', 'b'])).toBe('a; b');
    expect(warningsText('This is a pre-release test build')).toBe('This is a pre-release test build');
    expect(warningsText([])).toBe('');
    expect(warningsText(undefined)).toBe('');
  });
});

describe('chain info', () => {
  it('maps getblockchaininfo and computes the tip age', () => {
    const now = (1_731_400_000 + 125) * 1_000;
    const info = toChainInfo(blockchainInfo, 6.5e20, blockchainInfo.time!, now);
    expect(info).toMatchObject({
      chain: 'main',
      blocks: 870_000,
      headers: 870_002,
      verificationProgress: 0.9999987,
      initialBlockDownload: false,
      sizeOnDisk: 712_000_000_000,
      pruned: false,
      networkHashps: 6.5e20,
      warnings: '',
      tipTime: 1_731_400_000_000,
      tipAgeSeconds: 125,
    });
  });
});

describe('blocks.recent', () => {
  it('lists the newest heights oldest first and stops at genesis', () => {
    expect(recentHeights(100, 3)).toEqual([98, 99, 100]);
    expect(recentHeights(1, 10)).toEqual([0, 1]);
  });

  it('maps getblockstats (fees in sat -> BTC, time s -> ms)', () => {
    const stats: BlockStats = {
      height: 870_000,
      blockhash: '0000000000000000000123',
      time: 1_731_400_000,
      txs: 3_210,
      total_size: 1_650_000,
      total_weight: 3_993_000,
      totalfee: 12_345_678,
      avgfeerate: 7,
      feerate_percentiles: [3, 4, 6, 9, 15],
    };
    expect(toRecentBlock(stats)).toEqual({
      height: 870_000,
      hash: '0000000000000000000123',
      time: 1_731_400_000_000,
      txCount: 3_210,
      size: 1_650_000,
      weight: 3_993_000,
      totalFeesBtc: 0.12345678,
      avgFeeRate: 7,
      feeRatePercentiles: [3, 4, 6, 9, 15],
    });
  });
});

describe('traffic rates', () => {
  it('turns counter samples into byte rates and skips a node restart', () => {
    const samples = [
      { t: 0, recv: 1_000, sent: 500 },
      { t: 2_000, recv: 3_000, sent: 1_500 },
      { t: 4_000, recv: 100, sent: 50 }, // restart: counters went down
      { t: 5_000, recv: 1_100, sent: 150 },
    ];
    expect(trafficRates(samples)).toEqual({
      time: [2_000, 5_000],
      bytesInPerSecond: [1_000, 1_000],
      bytesOutPerSecond: [500, 100],
    });
    expect(trafficRates(samples, { from: 3_000, to: 10_000 }).time).toEqual([5_000]);
  });
});

describe('peers', () => {
  it('maps getpeerinfo to a table row', () => {
    const row = toPeerRow(peer, (1_731_390_000 + 3_600) * 1_000);
    expect(row).toEqual({
      id: 7,
      address: '203.0.113.10:8333',
      network: 'ipv4',
      direction: 'outbound',
      connectionType: 'outbound-full-relay',
      userAgent: '/Satoshi:28.0.0/',
      version: 70016,
      pingMs: 23.456,
      bytesSent: 1_234_567,
      bytesRecv: 9_876_543,
      syncedHeight: 870_000,
      connectedAt: 1_731_390_000_000,
      connectedSeconds: 3_600,
      ...NO_GEOLOCATION,
    });
  });

  it('handles a peer that has not answered a ping nor synced yet (Core reports -1)', () => {
    const { pingtime: _ping, ...rest } = peer;
    const row = toPeerRow({ ...rest, synced_blocks: -1, inbound: true, connection_type: 'inbound' }, 0);
    expect(row.pingMs).toBeNull();
    expect(row.syncedHeight).toBeNull();
    expect(row.direction).toBe('inbound');
  });

  it.each([
    ['1.2.3.4:8333', 'ipv4'],
    ['[2001:db8::1]:8333', 'ipv6'],
    ['[fc00:1::2]:8333', 'cjdns'],
    ['abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz23.onion:8333', 'onion'],
    ['ukeu3k5oycgaauneqgtnvselmt4yemvoilkln7jpvamvfx7dnkdq.b32.i2p:0', 'i2p'],
  ])('network of %s is %s when the node does not say', (addr, network) => {
    expect(networkOfAddress(addr)).toBe(network);
  });
});

describe('mempool and fees', () => {
  it('maps getmempoolinfo (min fee to sat/vB)', () => {
    expect(toMempoolSample(mempoolInfo, 42)).toEqual({
      t: 42,
      size: 41_250,
      bytes: 18_800_123,
      usage: 102_400_000,
      maxmempool: 300_000_000,
      minFee: 1,
      totalFee: 0.84512345,
    });
  });

  it('pairs both estimate modes per target; a target without data is null', () => {
    const rows = toFeeEstimates(
      [1, 2],
      [
        { feerate: 0.0002, blocks: 2 },
        { errors: ['Insufficient data or no feerate found'], blocks: 0 },
      ],
      [
        { feerate: 0.00025, blocks: 2 },
        { feerate: 0.0001, blocks: 2 },
      ]
    );
    expect(rows).toEqual([
      { target: 1, economical: 20, conservative: 25, economicalBlocks: 2, conservativeBlocks: 2 },
      { target: 2, economical: null, conservative: 10, economicalBlocks: 0, conservativeBlocks: 2 },
    ]);
  });
});

describe('tip tracking', () => {
  const block = (height: number, hash: string): BlockRecord => ({
    height,
    hash,
    time: height * 600,
    difficulty: 1,
    nTx: 1,
  });
  const header = (height: number, hash: string, prev: string): BlockHeader => ({
    height,
    hash,
    previousblockhash: prev,
    time: height * 600,
    difficulty: 1,
    nTx: 1,
  });
  const known = [block(10, 'a10'), block(11, 'a11'), block(12, 'a12')];
  // b11..b13 replace a11 and a12 on top of a10: seen by walking from the tip and in getchaintips alike
  const forkAtA10 = { depth: 2, oldTip: 'a12', oldHeight: 12, newTip: 'b13', newHeight: 13, forkHeight: 10 };

  it('a block on top of the known tip is new, not a reorg', () => {
    const tip = header(13, 'a13', 'a12');
    const change = reconcileTip(known, tip, [tip], true, 0);
    expect(change.reorg).toBeNull();
    expect(change.added.map((b) => b.hash)).toEqual(['a13']);
    expect(mergeBlocks(known, tip, change, 10).map((b) => b.hash)).toEqual(['a10', 'a11', 'a12', 'a13']);
  });

  it('a branch that replaces two known blocks is a reorg of depth 2', () => {
    const tip = header(13, 'b13', 'b12');
    const walked = [tip, header(12, 'b12', 'b11'), header(11, 'b11', 'a10')];
    const change = reconcileTip(known, tip, walked, true, 1_000);
    expect(change.reorg).toEqual({ ...forkAtA10, detectedAt: 1_000, via: 'tip' });
    expect(change.added.map((b) => b.hash)).toEqual(['b11', 'b12', 'b13']);
    expect(mergeBlocks(known, tip, change, 10).map((b) => b.hash)).toEqual(['a10', 'b11', 'b12', 'b13']);
    expect(reorgText(change.reorg!)).toContain('depth 2');
    expect(reorgText(change.reorg!)).toContain('a12');
    expect(reorgText(change.reorg!)).toContain('b13');
  });

  it('a tip that goes back to a known block (invalidateblock) replaces the blocks above it', () => {
    const tip = header(11, 'a11', 'a10');
    const change = reconcileTip(known, tip, [], true, 0);
    expect(change.reorg?.depth).toBe(1);
    expect(change.reorg?.forkHeight).toBe(11);
    expect(mergeBlocks(known, tip, change, 10).map((b) => b.hash)).toEqual(['a10', 'a11']);
  });

  it('an unconnected walk (first start, long outage) records blocks without claiming a reorg', () => {
    const tip = header(500, 'z', 'y');
    const change = reconcileTip(known, tip, [tip], false, 0);
    expect(change.reorg).toBeNull();
    expect(change.added).toHaveLength(1);
  });

  it('getchaintips valid-fork branches not seen before become reorgs', () => {
    const tips: ChainTip[] = [
      { height: 13, hash: 'b13', branchlen: 0, status: 'active' },
      { height: 12, hash: 'a12', branchlen: 2, status: 'valid-fork' },
      { height: 9, hash: 'old', branchlen: 1, status: 'valid-fork' },
      { height: 14, hash: 'h14', branchlen: 1, status: 'headers-only' },
    ];
    const found = reorgsFromChainTips(tips, new Set(['old']), 5);
    expect(found).toEqual([{ ...forkAtA10, detectedAt: 5, via: 'chaintips' }]);
  });
});
