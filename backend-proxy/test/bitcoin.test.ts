// The bitcoin source against the bitcoind simulator over real sockets (RPC on 127.0.0.1):
// every query, auth and cookie rotation, batching, faults and recovery, allow-list, coalescing,
// annotations, history restore, /metrics, and no credential anywhere.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  BLOCK_FIELDS,
  CHAIN_FIELDS,
  FEE_ESTIMATE_FIELDS,
  frameColumn,
  frameLength,
  MEMPOOL_SUMMARY_FIELDS,
  PEER_FIELDS,
  TRAFFIC_FIELDS,
} from '@nodescope/shared';
import { describe, expect, it } from 'vitest';
import { UpstreamHealth } from '../src/core/circuit.js';
import type { BitcoinSimulatorOptions } from '../src/simulators/bitcoin/index.js';
import { BitcoinRpc, MethodNotAllowedError, resolveRpcTarget } from '../src/sources/bitcoin/client.js';
import { QueryInputError } from '../src/sources/types.js';
import {
  createRegtestSource,
  FAST_RPC,
  queryFrame,
  rpcPassword,
  simulatorRpc,
  startBitcoinHarness,
  startRegtestSimulator,
  type BitcoinHarness,
} from './bitcoinHarness.js';
import { cleanupAfterEach, createTestContext, tempDir, waitFor, type TestContext } from './helpers.js';

const cleanups = cleanupAfterEach();

interface Harness extends BitcoinHarness {
  /** secrets the test knows (cookie contents seen so far, passwords) */
  secrets: Set<string>;
}

async function harness(
  simOptions: BitcoinSimulatorOptions = {},
  config: Record<string, unknown> = {},
  options: { start?: boolean; ctx?: TestContext; rpc?: Record<string, unknown> } = {}
): Promise<Harness> {
  const h = await startBitcoinHarness(cleanups, {
    simulator: { seed: 7, initialMempool: 300, peers: 9, feeEstimates: 'always', ...simOptions },
    rpc: options.rpc,
    config: { pollSeconds: 0.1, slowPollSeconds: 0.2, ...config },
    ctx: options.ctx,
    start: options.start,
  });
  return { ...h, secrets: new Set([rpcPassword(h.sim)]) };
}

function assertNoSecrets(h: Harness, texts: string[]): void {
  h.secrets.add(rpcPassword(h.sim));
  for (const secret of h.secrets) {
    for (const text of texts) expect(text.includes(secret), `secret found in output`).toBe(false);
  }
}

/** An HTTP forwarder that counts requests and batch sizes on the way to the simulator. */
async function countingProxy(target: string): Promise<{ url: string; batches: number[]; close: () => Promise<void> }> {
  const batches: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const parsed = JSON.parse(body.toString()) as unknown;
      batches.push(Array.isArray(parsed) ? parsed.length : 0);
      const upstream = request(target, { method: 'POST', headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    batches,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('bitcoin source queries against the simulator', () => {
  it('answers every query with frames that match the node', async () => {
    const h = await harness();
    const { sim, source } = h;
    sim.mineBlock(); // a block with transactions (getblockstats leaves the coinbase out of size/weight/fees)

    const chain = await queryFrame(source, 'chain.info');
    expect(frameColumn(chain, CHAIN_FIELDS.blocks)).toEqual([sim.tipHeight()]);
    expect(frameColumn(chain, CHAIN_FIELDS.chain)).toEqual(['regtest']);
    expect(frameColumn(chain, CHAIN_FIELDS.bestBlockHash)).toEqual([sim.tipHash()]);
    expect(frameColumn<number>(chain, CHAIN_FIELDS.networkHashps)![0]).toBeGreaterThan(0);
    expect(frameColumn<number>(chain, CHAIN_FIELDS.tipAgeSeconds)![0]).toBeGreaterThanOrEqual(0);

    const blocks = await queryFrame(source, 'blocks.recent', { count: 5 });
    expect(frameColumn(blocks, BLOCK_FIELDS.height)).toEqual([0, 1, 2, 3, 4].map((i) => sim.tipHeight() - 4 + i));
    expect(frameColumn<string>(blocks, BLOCK_FIELDS.hash)!.at(-1)).toBe(sim.tipHash());
    expect(frameColumn<number>(blocks, BLOCK_FIELDS.weight)!.at(-1)).toBeGreaterThan(0);
    expect(frameColumn<number>(blocks, BLOCK_FIELDS.txCount)!.at(-1)).toBeGreaterThan(1);
    expect(frameColumn<number>(blocks, BLOCK_FIELDS.feeRateP50)!.at(-1)).toBeGreaterThan(0);
    expect(frameColumn<number>(blocks, BLOCK_FIELDS.totalFees)!.at(-1)).toBeGreaterThan(0);
    expect(frameLength(await queryFrame(source, 'blocks.recent'))).toBe(10);
    await expect(queryFrame(source, 'blocks.recent', { count: 145 })).rejects.toThrow(
      /count must be an integer from 1 to 144/
    );
    await expect(queryFrame(source, 'blocks.recent', { count: 'lots' })).rejects.toThrow(/count/);

    const peers = await queryFrame(source, 'network.peers');
    expect(frameLength(peers)).toBe(9);
    expect(new Set(frameColumn<string>(peers, PEER_FIELDS.direction))).toEqual(new Set(['inbound', 'outbound']));
    expect(frameColumn<string>(peers, PEER_FIELDS.userAgent)!.every((ua) => ua.startsWith('/'))).toBe(true);

    const mempool = await queryFrame(source, 'mempool.summary');
    expect(frameColumn<number>(mempool, MEMPOOL_SUMMARY_FIELDS.size)!.at(-1)).toBe(sim.mempoolTxids().length);
    expect(frameColumn<number>(mempool, MEMPOOL_SUMMARY_FIELDS.minFee)!.at(-1)).toBeGreaterThan(0);

    const fees = await queryFrame(source, 'fees.estimates');
    expect(frameColumn(fees, FEE_ESTIMATE_FIELDS.target)).toEqual([1, 2, 3, 6, 12, 24, 144]);
    expect(frameColumn<number>(fees, FEE_ESTIMATE_FIELDS.economical)!.every((v) => v > 0)).toBe(true);
    expect(frameColumn<number>(fees, FEE_ESTIMATE_FIELDS.conservative)!.every((v) => v > 0)).toBe(true);

    // traffic rates need two samples of the growing counters: the poll loop provides them
    const traffic = (await waitFor(async () => {
      const frame = await queryFrame(source, 'network.traffic');
      return frameLength(frame) >= 2 ? frame : null;
    }, 'traffic samples'))!;
    expect(frameColumn<number>(traffic, TRAFFIC_FIELDS.bytesIn)!.every((v) => v >= 0)).toBe(true);
    expect(frameColumn<number>(traffic, TRAFFIC_FIELDS.bytesOut)!.some((v) => v > 0)).toBe(true);

    // the mempool series grows from the history ring
    await waitFor(async () => frameLength(await queryFrame(source, 'mempool.summary')) >= 3, 'mempool history');

    const peerVars = await source.variables!.peers!({});
    expect(peerVars).toHaveLength(9);
    expect(source.health().status).toBe('ok');
  });

  it('coalesces identical concurrent queries into one upstream call', async () => {
    const { sim, source } = await harness({}, {}, { start: false });
    const before = sim.received.filter((m) => m === 'getnetworkhashps').length;
    const results = await Promise.all(Array.from({ length: 50 }, () => queryFrame(source, 'chain.info')));
    expect(results).toHaveLength(50);
    expect(sim.received.filter((m) => m === 'getnetworkhashps').length - before).toBe(1);
  });

  it('sends batches and splits them at rpc.maxBatch', async () => {
    const sim = await startRegtestSimulator(cleanups, { seed: 3, feeEstimates: 'always' });
    const proxy = await countingProxy(sim.rpcUrl);
    cleanups.push(() => proxy.close());
    const source = createRegtestSource(cleanups, createTestContext(), {
      url: proxy.url,
      cookieFile: sim.cookieFile,
      maxBatch: 4,
    });
    await queryFrame(source, 'fees.estimates'); // 14 calls
    expect(proxy.batches).toEqual([4, 4, 4, 2]);
    expect(sim.received.filter((m) => m === 'estimatesmartfee')).toHaveLength(14);
    proxy.batches.length = 0;
    await queryFrame(source, 'blocks.recent', { count: 6 }); // getblockcount + getbestblockhash, then 6 getblockstats
    expect(proxy.batches).toEqual([2, 4, 2]);
  });

  it('reads each block once for 100 blocks.recent windows asked at once (45…144 blocks)', async () => {
    const sim = await startRegtestSimulator(cleanups, { seed: 3 });
    const source = createRegtestSource(cleanups, createTestContext(), { url: sim.rpcUrl, cookieFile: sim.cookieFile });
    sim.received.length = 0;
    const frames = await Promise.all(Array.from({ length: 100 }, (_, i) => queryFrame(source, 'blocks.recent', { count: 45 + i })));
    const blocks = sim.received.filter((m) => m === 'getblockstats').length;
    // before: one getblockstats per block per window, 45 + 46 + … + 144 = 9,450 calls
    expect(blocks).toBe(Math.min(144, frameLength(frames[99]!)));
    expect(sim.received.filter((m) => m === 'getblockcount')).toHaveLength(1);
  });
});

describe('bitcoin source auth', () => {
  it('finds the cookie from datadir + network and follows its rotation on restart', async () => {
    const sim = await startRegtestSimulator(cleanups, { seed: 5, restartDownMs: 100, warmupMs: 200 });
    const ctx = createTestContext();
    // no cookieFile: <datadir>/regtest/.cookie
    const source = createRegtestSource(
      cleanups,
      ctx,
      { url: sim.rpcUrl, datadir: sim.datadir, ...FAST_RPC, circuitOpenMs: 100 },
      { pollSeconds: 0.1, slowPollSeconds: 0.2 }
    );
    const h: Harness = { sim, ctx, source, secrets: new Set([rpcPassword(sim)]) };
    await source.start();
    const first = sim.credentials();
    expect(frameColumn(await queryFrame(source, 'chain.info'), CHAIN_FIELDS.blocks)).toEqual([sim.tipHeight()]);
    await sim.restart();
    expect(sim.credentials()).not.toBe(first);
    await waitFor(
      () => source.health().status === 'ok' && source.health().lastSuccess! > Date.now() - 500,
      'health ok after restart'
    );
    expect(frameColumn(await queryFrame(source, 'chain.info'), CHAIN_FIELDS.blocks)).toEqual([sim.tipHeight()]);
    expect(sim.receivedRequests.some((r) => r.outcome === 'unauthorized')).toBe(true); // the old cookie was refused once
    assertNoSecrets(h, [ctx.logs.text]);
  });

  it('uses rpc user/password, and a wrong password is a clear 401 without the password', async () => {
    const good = await harness({ auth: { user: 'nodescope', password: 'pa55-word-long-enough' } });
    expect(frameColumn(await queryFrame(good.source, 'chain.info'), CHAIN_FIELDS.blocks)).toEqual([
      good.sim.tipHeight(),
    ]);

    const sim = await startRegtestSimulator(cleanups, {
      auth: { user: 'nodescope', password: 'the-real-password' },
      authFailureDelayMs: 0,
    });
    const source = createRegtestSource(cleanups, createTestContext(), {
      url: sim.rpcUrl,
      user: 'nodescope',
      password: 'a-wrong-password',
    });
    const error = (await queryFrame(source, 'chain.info').catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/authentication failed \(401\)/);
    expect(error.message).not.toContain('a-wrong-password');
    expect(source.health().message).toMatch(/401/);
  });
});

describe('bitcoin source faults', () => {
  it.each([
    ['down', { kind: 'down' } as const, ['down', 'degraded'], /ECONNREFUSED|circuit open/],
    ['slow', { kind: 'slow', delayMs: 1_500 } as const, ['down', 'degraded'], /timeout/],
    ['workQueue', { kind: 'workQueue' } as const, ['down', 'degraded'], /work queue/],
    [
      'warmup',
      { kind: 'warmup', message: 'Loading block index…' } as const,
      ['starting'],
      /warming up: Loading block index/,
    ],
  ])('%s shows in health and recovers by itself', async (_name, fault, statuses, message) => {
    const h = await harness({}, {}, { rpc: { timeoutMs: 300 } });
    await waitFor(() => h.source.health().status === 'ok', 'healthy first');
    h.sim.setFault(fault);
    const seen = (await waitFor(() => {
      const health = h.source.health();
      return statuses.includes(health.status) ? health : null;
    }, `${fault.kind} visible in health`))!;
    expect(seen.message).toMatch(message);
    h.sim.setFault(null);
    await waitFor(() => h.source.health().status === 'ok', `recovery after ${fault.kind}`);
    expect(frameColumn(await queryFrame(h.source, 'chain.info'), CHAIN_FIELDS.blocks)).toEqual([h.sim.tipHeight()]);
    assertNoSecrets(h, [h.ctx.logs.text, seen.message]);
  });

  it('a query during a fault fails with a clean upstream error', async () => {
    const h = await harness({}, {}, { start: false, rpc: { retries: 0 } });
    h.sim.setFault({ kind: 'warmup', message: 'Verifying blocks…' });
    await waitFor(() => h.sim.currentFault()?.kind === 'warmup', 'fault set');
    const error = (await queryFrame(h.source, 'mempool.summary').catch((e: unknown) => e)) as Error & {
      code?: unknown;
    };
    expect(error.code).toBe(-28);
    expect(error.message).toContain('Verifying blocks');
    expect(h.source.health().status).toBe('starting');
  });
});

describe('bitcoin source security', () => {
  it('refuses non-allow-listed methods before they reach the node', async () => {
    const sim = await startRegtestSimulator(cleanups);
    const ctx = createTestContext();
    const rpc = new BitcoinRpc({
      sourceId: 'btc',
      target: resolveRpcTarget('regtest', {
        url: sim.rpcUrl,
        cookieFile: sim.cookieFile!,
        timeoutMs: 1_000,
        maxBatch: 10,
        retries: 0,
        circuitOpenMs: 100,
      }),
      timeoutMs: 1_000,
      maxBatch: 10,
      health: new UpstreamHealth('t'),
      secrets: ctx.secrets,
    });
    cleanups.push(() => rpc.close());
    expect(await rpc.call('getblockcount')).toBe(sim.tipHeight());
    for (const method of [
      'stop',
      'sendtoaddress',
      'setban',
      'invalidateblock',
      'getnewaddress',
      'sendrawtransaction',
      'pruneblockchain',
    ]) {
      await expect(rpc.call(method)).rejects.toBeInstanceOf(MethodNotAllowedError);
      await expect(rpc.batch([{ method: 'uptime' }, { method }])).rejects.toBeInstanceOf(MethodNotAllowedError);
      expect(sim.received).not.toContain(method);
    }
    expect(sim.received).not.toContain('uptime'); // the mixed batches never left either
  });

  it('refuses query params that try to name methods or upstreams (the catalog lists none), and none reaches the node', async () => {
    const h = await harness({}, {}, { start: false });
    await expect(queryFrame(h.source, 'chain.info', { method: 'stop', url: 'http://169.254.169.254/' })).rejects.toThrow(
      /unknown parameter "method" \(this query takes none\)/
    );
    await expect(queryFrame(h.source, 'network.peers', { method: 'setban' })).rejects.toThrow(QueryInputError);
    expect(h.sim.received).not.toContain('stop');
    expect(h.sim.received).not.toContain('setban');
  });

  it('never puts a credential in frames, errors or logs', async () => {
    const h = await harness({ restartDownMs: 50, warmupMs: 100 });
    const texts: string[] = [];
    for (const name of [
      'chain.info',
      'blocks.recent',
      'network.peers',
      'network.traffic',
      'mempool.summary',
      'fees.estimates',
    ]) {
      texts.push(JSON.stringify(await queryFrame(h.source, name)));
    }
    h.secrets.add(rpcPassword(h.sim));
    await h.sim.restart();
    h.sim.setFault({ kind: 'down' });
    await waitFor(() => h.source.health().status !== 'ok', 'down seen');
    // a query the cache cannot answer (emptied: block stats and the tip are shared), so it meets the fault
    h.ctx.cache.delete('');
    const failed = await queryFrame(h.source, 'blocks.recent', { count: 3 }).then(
      () => null,
      (e: unknown) => e as Error
    );
    expect(failed).toBeInstanceOf(Error);
    texts.push(failed!.message);
    texts.push(JSON.stringify(h.source.health()));
    h.sim.setFault(null);
    await waitFor(() => h.source.health().status === 'ok', 'recovered');
    texts.push(JSON.stringify(h.source.health()), await h.ctx.metrics.registry.metrics());
    expect(h.ctx.logs.lines.length).toBeGreaterThan(0);
    assertNoSecrets(h, [...texts, h.ctx.logs.text]);
    // what a credential would look like on the wire is scrubbed too
    const header = Buffer.from(h.sim.credentials()).toString('base64');
    h.ctx.logger.warn(`echo ${h.sim.credentials()} ${header}`);
    assertNoSecrets(h, [h.ctx.logs.text]);
    expect(h.ctx.logs.text).not.toContain(header);
  });
});

describe('bitcoin source tip tracking, history and metrics', () => {
  it('annotates new blocks and reorgs with depth and old/new tips', async () => {
    const h = await harness();
    await waitFor(
      async () => (await h.source.annotations!.blocks!({ from: 0, to: Date.now() + 3_600_000 })).length > 0,
      'first block'
    );
    const mined = h.sim.mineBlock();
    await waitFor(async () => {
      const list = await h.source.annotations!.blocks!({ from: 0, to: Date.now() + 3_600_000 });
      return list.some((a) => a.text.includes(mined));
    }, 'mined block annotated');
    const oldTip = h.sim.tipHash();
    const oldHeight = h.sim.tipHeight();
    h.sim.reorg(2);
    const newTip = h.sim.tipHash();
    const reorg = (await waitFor(
      async () => (await h.source.annotations!.reorgs!({ from: 0, to: Date.now() + 1_000 }))[0],
      'reorg annotated'
    ))!;
    expect(reorg.title).toContain('depth 2');
    expect(reorg.text).toContain(oldTip);
    expect(reorg.text).toContain(String(oldHeight));
    expect(reorg.text).toContain(newTip);
    expect(reorg.tags).toContain('reorg');
  });

  it('restores history rings after a proxy restart', async () => {
    const dir = await tempDir();
    cleanups.push(() => dir.remove());
    const file = join(dir.path, 'history.json');
    const ctx1 = createTestContext({ historyFile: file });
    const h = await harness({}, {}, { ctx: ctx1 });
    await waitFor(async () => frameLength(await queryFrame(h.source, 'mempool.summary')) >= 5, 'history filled');
    await h.source.stop();
    await ctx1.history.snapshot();
    const saved = frameLength(await queryFrame(h.source, 'mempool.summary'));

    const ctx2 = createTestContext({ historyFile: file });
    await ctx2.history.restore();
    const again = createRegtestSource(cleanups, ctx2, simulatorRpc(h.sim));
    // not started: every row but the live one comes from the restored ring
    const restored = await queryFrame(again, 'mempool.summary');
    expect(frameLength(restored)).toBeGreaterThanOrEqual(saved - 1);
    const traffic = await queryFrame(again, 'network.traffic');
    expect(frameLength(traffic)).toBeGreaterThanOrEqual(3);
  });

  it('publishes exporter metrics with the source label', async () => {
    const h = await harness();
    await waitFor(
      async () => (await h.ctx.metrics.registry.metrics()).includes('bitcoin_latest_block_txs{source="btc"}'),
      'slow poll metrics'
    );
    const text = await h.ctx.metrics.registry.metrics();
    const value = (name: string) => Number(new RegExp(`^${name}\\{source="btc"\\} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('bitcoin_blocks')).toBe(h.sim.tipHeight());
    expect(value('bitcoin_peers')).toBe(9);
    expect(value('bitcoin_conn_in') + value('bitcoin_conn_out')).toBe(9);
    expect(value('bitcoin_mempool_size')).toBeGreaterThan(0);
    expect(value('bitcoin_difficulty')).toBeGreaterThan(0);
    expect(value('bitcoin_hashps')).toBeGreaterThan(0);
    expect(value('bitcoin_hashps_neg1')).toBeGreaterThan(0);
    expect(value('bitcoin_est_smart_fee_2')).toBeGreaterThan(0);
    expect(value('bitcoin_est_smart_fee_144')).toBeGreaterThan(0);
    expect(value('bitcoin_uptime')).toBeGreaterThanOrEqual(0);
    expect(value('bitcoin_num_chaintips')).toBeGreaterThanOrEqual(1);
    expect(value('bitcoin_server_version')).toBeGreaterThan(0);
    expect(value('bitcoin_txcount')).toBeGreaterThan(h.sim.tipHeight());
    expect(text).toMatch(/^bitcoin_ban_created\{source="btc",address="203\.0\.113\.7\/32",reason="[^"]+"\} \d+$/m);
    expect(text).toMatch(/^bitcoin_banned_until\{source="btc",address="203\.0\.113\.7\/32",reason="[^"]+"\} \d+$/m);
    expect(value('bitcoin_latest_block_height')).toBe(h.sim.tipHeight());
    for (const name of [
      'bitcoin_total_bytes_recv',
      'bitcoin_total_bytes_sent',
      'bitcoin_size_on_disk',
      'bitcoin_verification_progress',
      'bitcoin_meminfo_used',
      'bitcoin_mempool_minfee',
      'bitcoin_rpc_active',
    ]) {
      expect(Number.isFinite(value(name)), name).toBe(true);
    }
    expect(text).toMatch(/nodescope_upstream_request_seconds_count\{source="btc",upstream="rpc",method="batch"\} \d+/);
  });

  it('reports a node on another chain than configured', async () => {
    const h = await harness({}, { network: 'mainnet' });
    await waitFor(() => h.source.health().status === 'degraded', 'mismatch seen');
    expect(h.source.health().message).toContain('configured network mainnet but the node runs chain "regtest"');
  });
});
