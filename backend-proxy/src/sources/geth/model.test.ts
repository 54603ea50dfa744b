import { describe, expect, it } from 'vitest';
import { IDLE_SNAP_PROGRESS } from '../../simulators/geth/index.js';
import { headAgeSeconds, indexingSummary, judgeNode, parseAdminPeers, parseBlock, parseFeeHistory, parseSyncing, parseTxpoolStatus, quantity, weiToGwei } from './model.js';

describe('hex quantities (execution-apis: 0x-prefixed, no leading zeros)', () => {
  it.each([
    ['0x0', 0],
    ['0x1', 1],
    ['0x1406f40', 21_000_000],
    ['0xDEADBEEF', 0xdeadbeef],
  ])('quantity(%s) = %d', (hex, n) => {
    expect(quantity(hex, 'x')).toBe(n);
  });

  it.each([['0x'], ['0x01'], ['1406f40'], [21_000_000], [null], ['0xzz']])('rejects %j', (bad) => {
    expect(() => quantity(bad, 'block.number')).toThrow(/block\.number: expected a hex quantity/);
  });

  it('converts wei to gwei exactly, beyond 2^53 wei', () => {
    expect(weiToGwei('0x1b9cf6b4e', 'x')).toBe(7.412345678);
    expect(weiToGwei('0xde0b6b3a7640000', 'x')).toBe(1_000_000_000); // 1 ETH
    expect(weiToGwei('0x1', 'x')).toBe(1e-9);
  });
});

describe('parseBlock / headAgeSeconds', () => {
  const block = {
    number: '0x1406f40',
    hash: '0xab',
    parentHash: '0xaa',
    timestamp: '0x6b49d200',
    gasUsed: '0xe4e1c0',
    gasLimit: '0x1c9c380',
    baseFeePerGas: '0x1b9cf6b4e',
    transactions: ['0x1', '0x2'],
    miner: '0x95222290dd7278aa3ddd389cc1e1d165cc4bafe5',
    size: '0x15f90',
  };

  it('reads the fields the frames use', () => {
    expect(parseBlock(block)).toEqual({
      number: 21_000_000,
      hash: '0xab',
      parentHash: '0xaa',
      timestamp: 1_800_000_000,
      gasUsed: 15_000_000,
      gasLimit: 30_000_000,
      baseFeeGwei: 7.412345678,
      txCount: 2,
      miner: '0x95222290dd7278aa3ddd389cc1e1d165cc4bafe5',
      size: 90_000,
      blobGasUsed: null,
    });
  });

  it('has no base fee before London and refuses a null block', () => {
    const { baseFeePerGas: _, ...preLondon } = block;
    expect(parseBlock(preLondon).baseFeeGwei).toBeNull();
    expect(() => parseBlock(null)).toThrow(/no block/);
  });

  it('never reports a negative head age (clock skew)', () => {
    const head = parseBlock(block);
    expect(headAgeSeconds(head, 1_800_000_012_000)).toBe(12);
    expect(headAgeSeconds(head, 1_799_999_990_000)).toBe(0);
  });
});

// ethereum/go-ethereum@v1.17.10:internal/ethapi/api.go:161-193 (EthereumAPI.Syncing) answers false
// when SyncProgress.Done(), else an object of 22 hex fields; interfaces.go:153-158 (Done):
//   if CurrentBlock < HighestBlock { return false }
//   return TxIndexRemainingBlocks == 0 && StateIndexRemaining == 0 && TrienodeIndexRemaining == 0
// so an object with currentBlock == highestBlock means only indexing is left.
// the snap-sync counters of that object (api.go:161-193), all 0 here: parseSyncing does not read them
const zeroSnap = IDLE_SNAP_PROGRESS;

describe('parseSyncing', () => {
  it('false means synced', () => {
    expect(parseSyncing(false)).toMatchObject({ phase: 'synced', syncing: false, remainingBlocks: 0, progress: 1 });
  });
  it('an object with currentBlock < highestBlock is a sync: progress and remaining blocks', () => {
    expect(parseSyncing({ startingBlock: '0x0', currentBlock: '0x3e8', highestBlock: '0x7d0', txIndexRemainingBlocks: '0x10' })).toEqual({
      phase: 'syncing',
      syncing: true,
      startingBlock: 0,
      currentBlock: 1_000,
      highestBlock: 2_000,
      remainingBlocks: 1_000,
      progress: 0.5,
      txIndexRemainingBlocks: 16,
      stateIndexRemaining: null,
      trienodeIndexRemaining: null,
    });
  });
  it('an object with every block imported is indexing: a node that follows the chain, with what remains', () => {
    // head 21,000,000 (0x1406f40) imported; 2,350,000 (0x23dbb0) blocks of transactions, 5 states, 0x100 trie nodes left
    const indexing = parseSyncing({
      startingBlock: '0x1406f40',
      currentBlock: '0x1406f40',
      highestBlock: '0x1406f40',
      ...zeroSnap,
      txIndexFinishedBlocks: '0x1177391', // 21,000,001 - 2,350,000
      txIndexRemainingBlocks: '0x23dbb0',
      stateIndexRemaining: '0x5',
      trienodeIndexRemaining: '0x100',
    });
    expect(indexing).toEqual({
      phase: 'indexing',
      syncing: false,
      startingBlock: 21_000_000,
      currentBlock: 21_000_000,
      highestBlock: 21_000_000,
      remainingBlocks: 0,
      progress: 1,
      txIndexRemainingBlocks: 2_350_000,
      stateIndexRemaining: 5,
      trienodeIndexRemaining: 256,
    });
    expect(indexingSummary(indexing)).toBe('indexing: 2350000 blocks of transactions, 5 states, 256 trie nodes remain');
  });
  it('rejects anything else', () => {
    expect(() => parseSyncing(true)).toThrow(/expected false or an object/);
    expect(() => parseSyncing([])).toThrow(/expected false or an object/);
  });
});

describe('parseTxpoolStatus / parseAdminPeers', () => {
  it('reads txpool_status', () => {
    expect(parseTxpoolStatus({ pending: '0x10', queued: '0x0' })).toEqual({ pending: 16, queued: 0 });
    expect(() => parseTxpoolStatus({ pending: 16 })).toThrow(/txpool_status\.pending/);
  });
  it('reads admin_peers, including a peer still in the eth handshake', () => {
    const peers = parseAdminPeers([
      { id: 'a', name: 'Geth/v1', caps: ['eth/68'], network: { remoteAddress: '1.2.3.4:30303', inbound: true }, protocols: { eth: { version: 68 } } },
      { id: 'b', name: 'Erigon', caps: [], network: {}, protocols: { eth: 'handshake' } },
    ]);
    expect(peers.map((p) => [p.id, p.inbound, p.ethVersion, p.caps])).toEqual([
      ['a', true, 68, 'eth/68'],
      ['b', false, null, ''],
    ]);
  });
});

describe('parseFeeHistory', () => {
  it('maps one row per block, the extra base fee being the next block', () => {
    const { rows, nextBaseFeeGwei } = parseFeeHistory(
      {
        oldestBlock: '0x10',
        baseFeePerGas: ['0x3b9aca00', '0x77359400', '0xb2d05e00'],
        gasUsedRatio: [0.5, 0.9],
        reward: [
          ['0x1', '0x3b9aca00'],
          ['0x2', '0x77359400'],
        ],
      },
      [10, 90]
    );
    expect(rows).toEqual([
      { block: 16, baseFeeGwei: 1, gasUsedRatio: 0.5, rewardsGwei: [1e-9, 1], blobBaseFeeGwei: null, blobGasUsedRatio: null },
      { block: 17, baseFeeGwei: 2, gasUsedRatio: 0.9, rewardsGwei: [2e-9, 2], blobBaseFeeGwei: null, blobGasUsedRatio: null },
    ]);
    expect(nextBaseFeeGwei).toBe(3);
  });
});

describe('judgeNode (after the Merge eth_syncing=false alone proves nothing)', () => {
  const synced = parseSyncing(false);
  const limits = { headStallSeconds: 120, minPeers: 1 };
  const indexing = parseSyncing({ currentBlock: '0x10', highestBlock: '0x10', txIndexRemainingBlocks: '0x0', stateIndexRemaining: '0x2a', trienodeIndexRemaining: '0x0' });
  it.each([
    [synced, 12, 30, true, 'following the chain'],
    // only indexing left is healthy (was "syncing: 0 blocks to go")
    [indexing, 12, 30, true, 'following the chain; indexing: 42 states remain'],
    [indexing, 600, 30, false, 'head is 600 s old (stalled? check the consensus client)'],
    // peers null: net_peerCount not enabled, the peer check is skipped
    [synced, 12, null, true, 'following the chain'],
    [synced, 600, 30, false, 'head is 600 s old (stalled? check the consensus client)'],
    [synced, 12, 0, false, '0 peers (minimum 1)'],
    [parseSyncing({ currentBlock: '0x1', highestBlock: '0x3' }), 12, 30, false, 'syncing: 2 blocks to go'],
  ])('%#: age %d s, %d peers -> healthy %s', (sync, age, peers, healthy, reason) => {
    expect(judgeNode(sync, age, peers, limits)).toEqual({ healthy, reason });
  });
});
