// Several simulated nodes of one chain (same seed and clock: same history) relaying blocks to
// each other, as the chain view (sources/chain) watches them. getchaintips answers as Bitcoin
// Core's does (bitcoin/bitcoin@000c7e4cdb4cd0c3e8292c6257642f9ac2d95b59:src/rpc/blockchain.cpp,
// getchaintips): the tips are the active tip plus blocks off the active chain without a child,
// highest first (CompareBlocksByHeight); branchlen = height - FindFork(block)->nHeight; status
// "active" on the active chain, "headers-only" when block data is missing, "valid-fork" when fully
// validated (once active, then reorganized away), "valid-headers" when the blocks are there but
// were never validated (never the most-work chain). getblockchaininfo's `headers` is
// m_best_header's height, `blocks` the active tip's.
import { afterEach, describe, expect, it } from 'vitest';
import { startBitcoinSimulator, type BitcoinSimulator } from './index.js';
import { rpc } from './testkit.js';

const sims: BitcoinSimulator[] = [];
afterEach(async () => {
  for (const sim of sims.splice(0)) await sim.close();
});

const clock = 1_800_000_000_000;
async function node(minerSalt: number): Promise<BitcoinSimulator> {
  const sim = await startBitcoinSimulator({
    network: 'regtest',
    seed: 7,
    initialHeight: 200,
    now: () => clock,
    zmqPort: null,
    minerSalt,
    peers: 2,
  });
  sims.push(sim);
  return sim;
}

type Tip = { height: number; hash: string; branchlen: number; status: string };
const tips = (sim: BitcoinSimulator) => rpc<Tip[]>(sim, 'getchaintips');
const info = (sim: BitcoinSimulator) =>
  rpc<{ blocks: number; headers: number; bestblockhash: string }>(sim, 'getblockchaininfo');

describe('bitcoin simulator: several nodes of one chain', () => {
  it('same seed and clock: the same history, one active tip each', async () => {
    const [a, b] = [await node(1), await node(2)];
    expect(a.tipHash()).toBe(b.tipHash());
    expect(await tips(a)).toEqual([{ height: 200, hash: a.tipHash(), branchlen: 0, status: 'active' }]);
  });

  it('a node behind catches up on the blocks relayed to it', async () => {
    const [a, b] = [await node(1), await node(2)];
    a.mineBlock();
    a.mineBlock();
    a.mineBlock();
    expect(b.tipHeight()).toBe(200);
    expect(b.syncFrom(a)).toBe('extended');
    expect(await info(b)).toMatchObject({ blocks: 203, headers: 203, bestblockhash: a.tipHash() });
    expect(await tips(b)).toEqual([{ height: 203, hash: a.tipHash(), branchlen: 0, status: 'active' }]);
    expect(b.syncFrom(a)).toBe('known');
  });

  it('a race at one height: the other block is kept as valid-headers; one more block reorganizes and the loser is a valid-fork', async () => {
    const [a, b] = [await node(1), await node(2)];
    const aBlock = a.mineBlock();
    const bBlock = b.mineBlock();
    expect(aBlock).not.toBe(bBlock);
    // same work: b keeps its own first-seen block, a's is stored but never validated
    expect(b.syncFrom(a)).toBe('side');
    expect(await tips(b)).toEqual([
      { height: 201, hash: bBlock, branchlen: 0, status: 'active' },
      { height: 201, hash: aBlock, branchlen: 1, status: 'valid-headers' },
    ]);
    // a's branch grows: more work, b reorganizes onto it; its own block had been active (valid-fork)
    const aNext = a.mineBlock();
    expect(b.syncFrom(a)).toBe('reorged');
    expect(await tips(b)).toEqual([
      { height: 202, hash: aNext, branchlen: 0, status: 'active' },
      { height: 201, hash: bBlock, branchlen: 1, status: 'valid-fork' },
    ]);
    expect(await info(b)).toMatchObject({ blocks: 202, headers: 202 });
  });

  it('headers without blocks: a headers-only tip above the active one, and headers ahead of blocks', async () => {
    const [a, c] = [await node(1), await node(3)];
    for (let i = 0; i < 4; i++) a.mineBlock();
    expect(c.syncFrom(a, { headersOnly: true })).toBe('side');
    expect(await tips(c)).toEqual([
      { height: 204, hash: a.tipHash(), branchlen: 4, status: 'headers-only' },
      { height: 200, hash: c.tipHash(), branchlen: 0, status: 'active' },
    ]);
    expect(await info(c)).toMatchObject({ blocks: 200, headers: 204 });
    // the blocks arrive: the headers-only tip is the active tip now
    expect(c.syncFrom(a)).toBe('extended');
    expect(await tips(c)).toEqual([{ height: 204, hash: a.tipHash(), branchlen: 0, status: 'active' }]);
  });
});
