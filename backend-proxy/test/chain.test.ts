// One chain, several nodes: three bitcoind simulators of one history (same seed and clock) behind
// three bitcoin sources over real sockets, compared by a chain view. Blocks travel between the
// simulators with syncFrom; what each node then answers follows Bitcoin Core's getchaintips
// (bitcoin/bitcoin@000c7e4cdb4cd0c3e8292c6257642f9ac2d95b59:src/rpc/blockchain.cpp getchaintips:
// "valid-fork" = fully validated but no longer active, reorganized away; "valid-headers" = blocks
// there but never validated; "headers-only" = block data missing; branchlen = height - fork point),
// so the expected states, lags and tips below are worked out from those rules by hand.
import { frameColumn, type DataFrameJSON } from '@nodescope/shared';
import { describe, expect, it } from 'vitest';
import { startBitcoinSimulator, type BitcoinSimulator } from '../src/simulators/bitcoin/index.js';
import { bitcoinConfigSchema } from '../src/sources/bitcoin/config.js';
import { createBitcoinSource } from '../src/sources/bitcoin/index.js';
import { chainConfigSchema } from '../src/sources/chain/config.js';
import { createChainSource } from '../src/sources/chain/index.js';
import { configSchema } from '../src/config/schema.js';
import type { Source } from '../src/sources/types.js';
import { cleanupAfterEach, createTestContext, expectSeries, queryInput, waitFor, type TestContext } from './helpers.js';

const cleanups = cleanupAfterEach();
const clock = 1_800_000_000_000;
const IDS = ['btc-a', 'btc-b', 'btc-c'] as const;

async function setup(): Promise<{
  sims: Record<(typeof IDS)[number], BitcoinSimulator>;
  view: Source;
  ctx: TestContext;
}> {
  const ctx = createTestContext();
  const sims = {} as Record<(typeof IDS)[number], BitcoinSimulator>;
  for (const [i, id] of IDS.entries()) {
    // one history (seed, start clock), each node mining its own blocks (minerSalt)
    const sim = await startBitcoinSimulator({
      network: 'regtest',
      seed: 11,
      initialHeight: 200,
      now: () => clock,
      zmqPort: null,
      minerSalt: i + 1,
      peers: 2,
    });
    cleanups.push(() => sim.close());
    sims[id] = sim;
    const source = createBitcoinSource(
      bitcoinConfigSchema.parse({
        id,
        kind: 'bitcoin',
        network: 'regtest',
        rpc: { url: sim.rpcUrl, cookieFile: sim.cookieFile, timeoutMs: 1_000 },
      }),
      ctx
    );
    cleanups.push(() => source.stop());
    ctx.sources.set(id, source);
  }
  const view = createChainSource(
    chainConfigSchema.parse({ id: 'nodes', kind: 'chain', sources: [...IDS], pollSeconds: 1 }),
    ctx
  );
  cleanups.push(() => view.stop());
  return { sims, view, ctx };
}

const input = () => queryInput({ from: 0, to: Date.now() + 3_600_000 });
async function nodes(view: Source): Promise<Record<string, Record<string, unknown>>> {
  // past the view's cache (half a poll) and the bitcoin sources' (1 s), so each call sees the nodes now
  await new Promise((r) => setTimeout(r, 1_100));
  const [frame] = await view.queries.nodes!(input());
  return rowsBy(frame!, 'source');
}
function rowsBy(frame: DataFrameJSON, key: string): Record<string, Record<string, unknown>> {
  const names = frame.schema.fields.map((f) => f.name);
  const keys = frameColumn<string>(frame, key)!;
  return Object.fromEntries(
    keys.map((k, i) => [k, Object.fromEntries(names.map((n) => [n, frameColumn(frame, n)![i]]))])
  );
}

describe('chain view: three nodes of one chain', () => {
  it('in step: every node at the best tip, lag 0', async () => {
    const { view, ctx, sims } = await setup();
    const rows = await nodes(view);
    for (const id of IDS)
      expect(rows[id]).toMatchObject({
        state: 'best',
        height: 200,
        lag_blocks: 0,
        best_hash: sims['btc-a'].tipHash(),
        on_best_tip: true,
        forks: 0,
      });
    expect(view.health()).toMatchObject({ status: 'ok', message: '3 nodes at or near the best tip 200' });
    expectSeries(await ctx.metrics.registry.metrics(), [
      'bitcoin_node_lag_blocks{source="btc-c",view="nodes"} 0',
      'bitcoin_chain_best_height{view="nodes"} 200',
      'bitcoin_node_state{source="btc-a",view="nodes",state="best"} 1',
    ]);
  });

  it('a node that missed three blocks lags by three, and the health names it', async () => {
    const { view, ctx, sims } = await setup();
    for (let i = 0; i < 3; i++) sims['btc-a'].mineBlock();
    sims['btc-b'].syncFrom(sims['btc-a']);
    const rows = await nodes(view);
    expect(rows['btc-a']).toMatchObject({ state: 'best', height: 203, lag_blocks: 0 });
    expect(rows['btc-b']).toMatchObject({ state: 'best', height: 203, lag_blocks: 0 });
    expect(rows['btc-c']).toMatchObject({ state: 'behind', height: 200, lag_blocks: 3, on_best_tip: false });
    expect(view.health()).toMatchObject({ status: 'degraded', message: 'btc-c is 3 blocks behind the best tip 203' });
    expectSeries(await ctx.metrics.registry.metrics(), [
      'bitcoin_node_lag_blocks{source="btc-c",view="nodes"} 3',
      'bitcoin_node_state{source="btc-c",view="nodes",state="behind"} 1',
    ]);
    // headers without the blocks: c knows the best header, its blocks stay behind
    sims['btc-c'].syncFrom(sims['btc-a'], { headersOnly: true });
    expect((await nodes(view))['btc-c']).toMatchObject({
      height: 200,
      headers: 203,
      headers_ahead: 3,
      lag_blocks: 3,
      forks: 1,
    });
    sims['btc-c'].syncFrom(sims['btc-a']);
    expect((await nodes(view))['btc-c']).toMatchObject({ state: 'best', lag_blocks: 0, headers_ahead: 0, forks: 0 });
  });

  it('a race, a reorg and a node left on the losing block: competing, then stale; tips and reorgs on one timeline', async () => {
    const { view, sims } = await setup();
    const [a, b, c] = [sims['btc-a'], sims['btc-b'], sims['btc-c']];
    await nodes(view); // each bitcoin source knows the common tip 200 (its tip tracking starts there)
    const aBlock = a.mineBlock();
    const bBlock = b.mineBlock();
    c.syncFrom(b); // c follows b's block
    b.syncFrom(a); // same height: b keeps its own, holds a's as valid-headers
    let rows = await nodes(view);
    // two blocks at 201: b's is on two nodes, so it is the best hash; a's block competes
    expect(rows['btc-b']).toMatchObject({ state: 'best', height: 201, best_hash: bBlock });
    expect(rows['btc-a']).toMatchObject({ state: 'competing', height: 201, lag_blocks: 0, best_hash: aBlock });
    expect(view.health()).toMatchObject({
      status: 'ok',
      message: expect.stringContaining('btc-a on a competing block at that height'),
    });
    // a finds the next block, b reorganizes onto it: b's block is a valid-fork on b now, and c,
    // still on it, is on a branch b left
    const aNext = a.mineBlock();
    expect(b.syncFrom(a)).toBe('reorged');
    rows = await nodes(view);
    expect(rows['btc-a']).toMatchObject({ state: 'best', height: 202, best_hash: aNext });
    expect(rows['btc-b']).toMatchObject({ state: 'best', height: 202, forks: 1 });
    expect(rows['btc-c']).toMatchObject({
      state: 'stale',
      height: 201,
      lag_blocks: 1,
      best_hash: bBlock,
      left_by: 'btc-b (valid-fork)',
    });
    expect(view.health()).toMatchObject({
      status: 'degraded',
      message: 'btc-c is on a branch btc-b (valid-fork) left (tip 201)',
    });
    const [tipsFrame] = await view.queries.tips!(input());
    const tips = frameColumn<string>(tipsFrame!, 'hash')!.map((hash, i) => ({
      source: frameColumn<string>(tipsFrame!, 'source')![i],
      hash,
      status: frameColumn<string>(tipsFrame!, 'status')![i],
      branchlen: frameColumn<number>(tipsFrame!, 'branchlen')![i],
      fork_height: frameColumn<number>(tipsFrame!, 'fork_height')![i],
      active_on: frameColumn<string>(tipsFrame!, 'active_on')![i],
    }));
    expect(tips).toEqual([
      { source: 'btc-a', hash: aNext, status: 'active', branchlen: 0, fork_height: 202, active_on: 'btc-a, btc-b' },
      { source: 'btc-b', hash: aNext, status: 'active', branchlen: 0, fork_height: 202, active_on: 'btc-a, btc-b' },
      { source: 'btc-b', hash: bBlock, status: 'valid-fork', branchlen: 1, fork_height: 200, active_on: 'btc-c' },
      { source: 'btc-c', hash: bBlock, status: 'active', branchlen: 0, fork_height: 201, active_on: 'btc-c' },
    ]);
    // b's own source saw its tip replaced: one reorg of depth 1 above 200, named by node
    const reorgs = await waitFor(async () => {
      const list = await view.annotations!.reorgs!({ from: 0, to: Date.now() + 60_000 });
      return list.length > 0 ? list : null;
    }, 'a reorg annotation');
    expect(reorgs).toEqual([
      expect.objectContaining({ title: 'btc-b: reorg (depth 1)', tags: ['bitcoin', 'reorg', 'nodes', 'btc-b'] }),
    ]);
    expect(reorgs![0]!.text).toContain(`replaced 1 block(s) above 200: old tip 201 ${bBlock} -> new tip 202 ${aNext}`);
  });

  it('an unreachable node is said so and has no lag series; the others are still compared', async () => {
    const { view, ctx, sims } = await setup();
    sims['btc-c'].setFault({ kind: 'down' });
    await sims['btc-c'].faultApplied();
    const rows = await nodes(view);
    expect(rows['btc-c']).toMatchObject({ state: 'unreachable', height: null, lag_blocks: null });
    expect(rows['btc-a']).toMatchObject({ state: 'best', lag_blocks: 0 });
    expect(view.health()).toMatchObject({ status: 'degraded', message: expect.stringMatching(/^btc-c unreachable/) });
    expect(await ctx.metrics.registry.metrics()).not.toContain('bitcoin_node_lag_blocks{source="btc-c",view="nodes"}');
  });

  it('the heights and lag series: one field per node, the lag against the best tip of each moment', async () => {
    const { view, sims } = await setup();
    await view.start();
    sims['btc-a'].mineBlock();
    sims['btc-a'].mineBlock();
    await new Promise((r) => setTimeout(r, 1_300));
    const [lag] = await view.queries.lag!(input());
    expect(lag!.schema.fields.map((f) => f.name)).toEqual(['time', 'btc-a', 'btc-b', 'btc-c']);
    const last = (name: string) => frameColumn<number>(lag!, name)!.at(-1);
    expect([last('btc-a'), last('btc-b'), last('btc-c')]).toEqual([0, 2, 2]);
    const [heights] = await view.queries.heights!(input());
    expect(frameColumn<number>(heights!, 'btc-a')!.at(-1)).toBe(202);
  });
});

describe('chain view config', () => {
  it('names only bitcoin sources, at least two, each once', () => {
    const base = { server: { host: '127.0.0.1', port: 0 } };
    const btc = (id: string) => ({
      id,
      kind: 'bitcoin',
      network: 'regtest',
      rpc: { url: 'http://127.0.0.1:18443', user: 'u', password: 'password-1' },
    });
    const eth = { id: 'eth', kind: 'geth', rpcUrl: 'http://127.0.0.1:8545' };
    const ok = configSchema.safeParse({
      ...base,
      sources: [btc('a'), btc('b'), { id: 'v', kind: 'chain', sources: ['a', 'b'] }],
    });
    expect(ok.success).toBe(true);
    const wrong = configSchema.safeParse({
      ...base,
      sources: [btc('a'), eth, { id: 'v', kind: 'chain', sources: ['a', 'eth'] }],
    });
    expect(wrong.error?.issues.map((i) => i.message)).toContainEqual(
      expect.stringContaining('names the bitcoin source "eth", which is a geth source')
    );
    const mixed = configSchema.safeParse({
      ...base,
      sources: [btc('a'), { ...btc('b'), network: 'testnet' }, { id: 'v', kind: 'chain', sources: ['a', 'b'] }],
    });
    expect(mixed.error?.issues.map((i) => i.message)).toContainEqual(
      expect.stringContaining('compares bitcoin sources of different networks (a: regtest, b: testnet)')
    );
    expect(chainConfigSchema.safeParse({ id: 'v', kind: 'chain', sources: ['a'] }).success).toBe(false);
    expect(chainConfigSchema.safeParse({ id: 'v', kind: 'chain', sources: ['a', 'a'] }).success).toBe(false);
  });
});
