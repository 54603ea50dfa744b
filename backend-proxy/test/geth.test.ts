// The geth source against the geth simulator over real sockets on 127.0.0.1: every query, every
// fault visible in health() and its recovery, and the allow-list proven from the simulator side.
import { frameColumn } from '@nodescope/shared';
import { beforeEach, describe, expect, it } from 'vitest';
import { GethRpcClient } from '../src/sources/geth/client.js';
import { gethConfigSchema } from '../src/sources/geth/config.js';
import { createGethSource, type GethSource } from '../src/sources/geth/index.js';
import { GETH_STOCK_HTTP_NAMESPACES, startGethSimulator, type GethSimulator } from '../src/simulators/geth/index.js';
import { QueryInputError, type QueryInput } from '../src/sources/types.js';
import { cleanupAfterEach, createClockedContext, expectSeries, firstValue, inputAround, TEST_CLOCK_START, type TestContext } from './helpers.js';

let sim: GethSimulator;
let ctx: TestContext;
let clock: number;
const cleanups = cleanupAfterEach();
const input = (params: QueryInput['params'] = {}) => inputAround(clock, params);

function build(overrides: Record<string, unknown> = {}): GethSource {
  const source = createGethSource(
    gethConfigSchema.parse({ id: 'geth-1', kind: 'geth', rpcUrl: sim.rpcUrl, metricsUrl: sim.metricsUrl, timeoutMs: 1_000, ...overrides }),
    ctx
  );
  cleanups.push(() => source.stop());
  return source;
}
const fresh = () => ctx.cache.delete('geth:geth-1:');

/** a node started with --http.api eth,net,web3,txpool, as the README asks for (stock geth has no txpool) */
const WITH_TXPOOL = [...GETH_STOCK_HTTP_NAMESPACES, 'txpool'];

beforeEach(async () => {
  clock = TEST_CLOCK_START;
  sim = await startGethSimulator({ now: () => clock, namespaces: WITH_TXPOOL });
  cleanups.push(() => sim.close()); // the simulator a test ends with: some tests replace it
  ctx = createClockedContext(() => clock);
});

describe('geth source: queries', () => {
  it('chain.head: latest block with head age, client, chain id, peers', async () => {
    const s = build();
    clock += 7_000;
    const [frame] = await s.queries['chain.head']!(input());
    expect(firstValue(frame, 'number')).toBe(21_000_000);
    expect(firstValue(frame, 'time')).toBe(1_800_000_000_000);
    expect(firstValue(frame, 'head_age')).toBe(7);
    expect(firstValue(frame, 'gas_limit')).toBe(30_000_000);
    expect(firstValue(frame, 'base_fee')).toBeCloseTo(7.412345678 + (21_000_000 % 7) * 0.001, 9);
    expect(firstValue(frame, 'client_version')).toBe('Geth/v1.17.10-stable/linux-amd64/go1.26.8');
    expect(firstValue(frame, 'chain_id')).toBe(1);
    expect(firstValue(frame, 'network_id')).toBe('1');
    expect(firstValue(frame, 'peers')).toBe(50);
    expect(firstValue(frame, 'syncing')).toBe(false);
    const units = Object.fromEntries(frame!.schema.fields.map((f) => [f.name, f.config?.unit]));
    expect(units).toMatchObject({ head_age: 's', gas_used_ratio: 'percentunit', base_fee: 'suffix: gwei', size: 'decbytes' });
  });

  it('network.peers: net_peerCount plus inbound/outbound from the metrics endpoint', async () => {
    const s = build();
    const frames = await s.queries['network.peers']!(input());
    expect(frames).toHaveLength(1);
    expect(firstValue(frames[0], 'peers')).toBe(50);
    expect(firstValue(frames[0], 'inbound')).toBe(16);
    expect(firstValue(frames[0], 'outbound')).toBe(34);
  });

  it('network.peers with adminPeers: falls back with a notice when admin is off, lists peers when on', async () => {
    const s = build({ adminPeers: true });
    const [summary, table] = await s.queries['network.peers']!(input());
    expect(table).toBeUndefined();
    expect(summary?.schema.meta?.notices?.[0]?.text).toBe(
      'admin_peers is not enabled over HTTP (stock geth serves eth,net,web3 only): start geth with --http.api eth,net,web3,admin to list peers; showing the peer count only'
    );
    // the node's "no such method" is an answer: the source stays ok and says what to add
    expect(s.health()).toMatchObject({ status: 'ok', components: { admin_peers: { status: 'ok', message: expect.stringMatching(/--http\.api eth,net,web3,admin/) } } });
    await s.stop();
    await sim.close();
    sim = await startGethSimulator({ now: () => clock, namespaces: [...WITH_TXPOOL, 'admin'], peers: 4 });
    fresh(); // same id and context: the first node's cached answers must not carry over
    const withAdmin = build({ adminPeers: true });
    const frames = await withAdmin.queries['network.peers']!(input());
    expect(frameColumn(frames[1]!, 'remote_address')).toEqual(['10.3.0.1:30303', '10.3.0.2:30303', '10.3.0.3:30303', '10.3.0.4:30303']);
    expect(frameColumn(frames[1]!, 'inbound')).toEqual([true, false, false, true]);
    expect(frameColumn(frames[1]!, 'eth_version')).toEqual([69, 69, 69, 69]);
  });

  it('txpool.status: pending/queued from txpool_status, local/slots from metrics', async () => {
    const s = build();
    const [frame] = await s.queries['txpool.status']!(input());
    expect(firstValue(frame, 'pending')).toBe(5_123);
    expect(firstValue(frame, 'queued')).toBe(311);
    expect(firstValue(frame, 'total')).toBe(5_434);
    expect(firstValue(frame, 'local')).toBe(2);
    expect(firstValue(frame, 'slots')).toBe(5_434);
  });

  it('stock geth (no txpool over HTTP): "not enabled" with the flag, counts from the metrics endpoint, source ok', async () => {
    await sim.close();
    sim = await startGethSimulator({ now: () => clock }); // the simulator's defaults are stock geth's
    const s = build();
    await s.start();
    const [frame] = await s.queries['txpool.status']!(input());
    expect(frame!.schema.meta?.notices).toEqual([
      {
        severity: 'info',
        text:
          'txpool_status is not enabled over HTTP (stock geth serves eth,net,web3 only): start geth with --http.api eth,net,web3,txpool. ' +
          'Meanwhile pending/queued are txpool_pending/txpool_queued from the metrics endpoint (legacy pool only, no blob transactions)',
      },
    ]);
    expect(firstValue(frame, 'pending')).toBe(5_123);
    expect(firstValue(frame, 'queued')).toBe(311);
    // polled again and again, it never degrades the source nor opens the circuit
    for (let i = 0; i < 5; i++) {
      clock += 10_000;
      sim.advance();
      fresh();
      await s.refresh();
    }
    expect(s.health()).toMatchObject({ status: 'ok', circuit: 'closed', components: { txpool_status: { status: 'ok' } } });
    // found off once, asked again only after 5 minutes (a restart with --http.api is seen then)
    expect(sim.received.filter((m) => m === 'txpool_status')).toHaveLength(1);
    clock += 300_000;
    fresh();
    await s.refresh();
    expect(sim.received.filter((m) => m === 'txpool_status')).toHaveLength(2);
    expect(await ctx.metrics.registry.metrics()).not.toContain('nodescope_upstream_errors_total{source="geth-1"');
  });

  it('stock geth without a metrics endpoint: txpool.status has no counts, only the notice', async () => {
    await sim.close();
    sim = await startGethSimulator({ now: () => clock });
    const s = build({ metricsUrl: undefined });
    const [frame] = await s.queries['txpool.status']!(input());
    expect(firstValue(frame, 'pending')).toBeNull();
    expect(frame!.schema.meta?.notices?.[0]?.text).toBe(
      'txpool_status is not enabled over HTTP (stock geth serves eth,net,web3 only): start geth with --http.api eth,net,web3,txpool'
    );
  });

  it('a node whose --http.api leaves out net: no peer check, p2p_peers from metrics, the flag named', async () => {
    await sim.close();
    sim = await startGethSimulator({ now: () => clock, namespaces: ['eth', 'web3'], peers: 7 });
    const s = build();
    await s.refresh();
    expect(s.health()).toMatchObject({ status: 'ok', components: { net_peerCount: { status: 'ok', message: expect.stringMatching(/--http\.api eth,net,web3$/) } } });
    const [peers] = await s.queries['network.peers']!(input());
    expect(firstValue(peers, 'peers')).toBe(7);
    expect(peers!.schema.meta?.notices?.[0]?.text).toMatch(/^net_peerCount is not enabled over HTTP .*\. The count is p2p_peers from the metrics endpoint$/);
    const [head] = await s.queries['chain.head']!(input());
    expect(firstValue(head, 'network_id')).toBeNull();
    expect(firstValue(head, 'client_version')).toBe('Geth/v1.17.10-stable/linux-amd64/go1.26.8');
  });

  it('fees.history: per-block base fee, gas used ratio and reward percentiles in gwei', async () => {
    const s = build();
    const [frame] = await s.queries['fees.history']!(input({ blocks: 4, percentiles: '25,75' }));
    expect(frameColumn(frame!, 'block')).toEqual([20_999_997, 20_999_998, 20_999_999, 21_000_000]);
    expect(frame!.schema.fields.map((f) => f.name)).toEqual(['block', 'base_fee', 'gas_used_ratio', 'reward_p25', 'reward_p75', 'blob_base_fee']);
    expect(frameColumn<number>(frame!, 'gas_used_ratio')!.every((r) => r > 0 && r < 1)).toBe(true);
    expect(frameColumn<number>(frame!, 'reward_p25')![0]).toBeCloseTo(0.26 + (20_999_997 % 13) * 0.001, 9);
    expect(frame!.schema.meta?.custom).toMatchObject({ gasPriceGwei: 8.412345678 });
    const [defaults] = await s.queries['fees.history']!(input());
    expect(frameColumn(defaults!, 'block')).toHaveLength(20);
    expect(defaults!.schema.fields.map((f) => f.name)).toContain('reward_p90');
  });

  it.each([
    [{ blocks: 0 }, /blocks must be/],
    [{ blocks: 2_000 }, /blocks must be/],
    [{ blocks: 'x' }, /blocks must be/],
    [{ percentiles: '90,10' }, /strictly increasing/],
    [{ percentiles: '101' }, /0 to 100/],
    [{ percentiles: 'a,b' }, /0 to 100/],
  ])('fees.history rejects %j as a client error', async (params, message) => {
    const s = build();
    await expect(s.queries['fees.history']!(input(params as QueryInput['params']))).rejects.toThrow(QueryInputError);
    await expect(s.queries['fees.history']!(input(params as QueryInput['params']))).rejects.toThrow(message);
  });

  it('sync.status: synced, fresh head, peers -> healthy', async () => {
    const s = build();
    const [frame] = await s.queries['sync.status']!(input());
    expect(firstValue(frame, 'syncing')).toBe(false);
    expect(firstValue(frame, 'healthy')).toBe(true);
    expect(firstValue(frame, 'reason')).toBe('following the chain');
    expect(firstValue(frame, 'progress')).toBe(1);
  });

  it('re-exposes geth metrics under geth_ with a source label, plus geth_rpc_* values', async () => {
    const s = build();
    await s.start();
    const text = await ctx.metrics.registry.metrics();
    expectSeries(text, [
      'geth_chain_head_block{source="geth-1"} 21000000',
      'geth_p2p_peers_inbound{source="geth-1"} 16',
      'geth_txpool_pending{source="geth-1"} 5123',
      'geth_eth_db_chaindata_disk_size{source="geth-1"} 987654321012',
      // labels as ethereum/go-ethereum@v1.17.10:cmd/geth/config.go:266-271 sets them: arch, os, protocols, version
      'geth_info{arch="amd64",os="linux",protocols="eth/72,eth/71,eth/70,eth/69,snap/2,snap/1",version="1.17.10-stable",source="geth-1"} 1',
      'geth_rpc_head_block{source="geth-1"} 21000000',
      'geth_rpc_txpool_transactions{source="geth-1",state="queued"} 311',
      'geth_rpc_healthy{source="geth-1"} 1',
    ]);
    expect(text).not.toContain('goroutines'); // not on the mirrored list
    expect(s.health().status).toBe('ok');
  });
});

describe('geth source: faults and recovery', () => {
  it('down -> down with an open circuit, then ok after recovery', async () => {
    const s = build();
    await s.refresh();
    await sim.setFault('down', { target: 'rpc' });
    for (let i = 0; i < 3; i++) {
      fresh();
      await expect(s.queries['chain.head']!(input())).rejects.toThrow(/geth eth_getBlockByNumber/);
    }
    expect(s.health()).toMatchObject({ status: 'down', circuit: 'open' });
    await sim.setFault('none');
    clock += 60_000;
    sim.advance();
    fresh();
    await s.refresh();
    expect(s.health()).toMatchObject({ status: 'ok' });
  });

  it('stalled head with eth_syncing=false -> degraded (post-Merge stall), stall annotation, recovery', async () => {
    const s = build({ headStallSeconds: 60 });
    await s.refresh();
    await sim.setFault('stalled');
    clock += 90_000;
    sim.advance(); // ignored: the tip is stalled
    fresh();
    await s.refresh();
    expect(s.health()).toMatchObject({ status: 'degraded', message: expect.stringMatching(/head is 90 s old/) });
    const [syncFrame] = await s.queries['sync.status']!(input());
    expect(firstValue(syncFrame, 'syncing')).toBe(false);
    expect(firstValue(syncFrame, 'healthy')).toBe(false);
    expect(await ctx.metrics.registry.metrics()).toContain('geth_rpc_healthy{source="geth-1"} 0');

    await sim.setFault('none');
    clock += 10_000;
    sim.advance();
    fresh();
    await s.refresh();
    expect(s.health().status).toBe('ok');
    const stalls = await s.annotations!.stalls!({ from: clock - 600_000, to: clock });
    expect(stalls).toEqual([
      expect.objectContaining({ time: 1_800_000_060_000, timeEnd: clock, title: 'Head stalled at block 21000000', tags: ['geth', 'stall', 'geth-1'] }),
    ]);
  });

  it('syncing -> degraded with the remaining blocks', async () => {
    const s = build();
    await sim.setFault('syncing', { behind: 1_234 });
    const [frame] = await s.queries['sync.status']!(input());
    expect(firstValue(frame, 'syncing')).toBe(true);
    expect(firstValue(frame, 'remaining_blocks')).toBe(1_234);
    expect(firstValue(frame, 'highest_block')).toBe(21_001_234);
    expect(s.health()).toMatchObject({ status: 'degraded', message: 'syncing: 1234 blocks to go' });
  });

  it('only indexing left (eth_syncing object, currentBlock = highestBlock) -> healthy, with what remains', async () => {
    // ethereum/go-ethereum@v1.17.10:interfaces.go:153-158: Done() is false while any index remains,
    // so ethereum/go-ethereum@v1.17.10:internal/ethapi/api.go:165-192 (Syncing) answers the object
    // for a node that follows the chain
    const s = build();
    await sim.setFault('indexing', { index: { txBlocks: 2_350_000, states: 12 } });
    await s.refresh();
    expect(s.health()).toMatchObject({ status: 'ok' });
    const [frame] = await s.queries['sync.status']!(input());
    expect(firstValue(frame, 'phase')).toBe('indexing');
    expect(firstValue(frame, 'syncing')).toBe(false);
    expect(firstValue(frame, 'remaining_blocks')).toBe(0);
    expect(firstValue(frame, 'tx_index_remaining_blocks')).toBe(2_350_000);
    expect(firstValue(frame, 'state_index_remaining')).toBe(12);
    expect(firstValue(frame, 'trienode_index_remaining')).toBe(0);
    expect(firstValue(frame, 'healthy')).toBe(true);
    expect(firstValue(frame, 'reason')).toBe('following the chain; indexing: 2350000 blocks of transactions, 12 states remain');
    const [head] = await s.queries['chain.head']!(input());
    expect(firstValue(head, 'syncing')).toBe(false);
    expectSeries(await ctx.metrics.registry.metrics(), [
      'geth_rpc_syncing{source="geth-1"} 0',
      'geth_rpc_indexing{source="geth-1"} 1',
      'geth_rpc_index_remaining{source="geth-1",index="tx"} 2350000',
      'geth_rpc_index_remaining{source="geth-1",index="state"} 12',
      'geth_rpc_healthy{source="geth-1"} 1',
    ]);
  });

  it('zero peers -> degraded', async () => {
    const s = build();
    await sim.setFault('zero-peers');
    await s.refresh();
    expect(s.health()).toMatchObject({ status: 'degraded', message: '0 peers (minimum 1)' });
  });

  it('malformed JSON-RPC reply -> clear error', async () => {
    const s = build();
    await sim.setFault('malformed', { target: 'rpc' });
    await expect(s.queries['chain.head']!(input())).rejects.toThrow(/malformed JSON/);
  });

  it('malformed metrics -> metrics component degraded, mirrored series withdrawn', async () => {
    const s = build();
    await s.refresh();
    expect(await ctx.metrics.registry.metrics()).toContain('geth_chain_head_block{source="geth-1"}');
    await sim.setFault('malformed', { target: 'metrics' });
    fresh();
    await s.refresh();
    expect(s.health().components?.metrics).toMatchObject({ status: 'degraded', message: expect.stringMatching(/bad value "0x1406f40"/) });
    expect(await ctx.metrics.registry.metrics()).not.toContain('geth_chain_head_block{source="geth-1"}');
  });

  it('slow node -> timeout', async () => {
    const s = build({ timeoutMs: 150 });
    await sim.setFault('slow', { target: 'rpc', delayMs: 1_000 });
    await expect(s.queries['chain.head']!(input())).rejects.toThrow(/timeout/);
  });
});

describe('geth source: secrets', () => {
  it('credentials in the configured URL never reach health, errors or logs', async () => {
    const url = new URL(sim.rpcUrl);
    url.username = 'rpcuser';
    url.password = 'geth-secret-pass-42';
    const s = build({ rpcUrl: url.toString() });
    const [frame] = await s.queries['chain.head']!(input()); // sent as Basic auth: the simulator ignores it
    expect(firstValue(frame, 'number')).toBe(21_000_000);
    await sim.setFault('down', { target: 'rpc' });
    fresh();
    const error = await s.queries['chain.head']!(input()).catch((e: Error) => e);
    ctx.logger.error({ err: String(error), health: s.health() }, 'geth failed');
    expect(String(error)).not.toContain('geth-secret-pass-42');
    expect(JSON.stringify(s.health())).not.toContain('geth-secret-pass-42');
    expect(ctx.logs.text).not.toContain('geth-secret-pass-42');
  });
});

describe('geth source: read-only allow-list', () => {
  it('non-allow-listed methods never leave the proxy (checked from the simulator side)', async () => {
    const client = new GethRpcClient({ url: sim.rpcUrl, timeoutMs: 1_000, sourceId: 'geth-1', allowAdmin: false });
    for (const method of ['eth_sendRawTransaction', 'admin_addPeer', 'miner_start', 'personal_unlockAccount', 'debug_setHead', 'admin_peers']) {
      await expect(client.call(method as 'eth_chainId')).rejects.toThrow(/not on the read-only allow-list/);
    }
    // a batch with one forbidden member is refused whole
    await expect(client.batch([{ method: 'eth_chainId' }, { method: 'eth_sendRawTransaction' as 'eth_chainId', params: ['0x00'] }])).rejects.toThrow(
      /allow-list/
    );
    expect(sim.received).toEqual([]);

    const s = build();
    await s.start();
    for (const query of Object.keys(s.queries)) await s.queries[query]!(input());
    await s.annotations!.stalls!({ from: 0, to: clock });
    expect(new Set(sim.received)).toEqual(
      new Set(['eth_getBlockByNumber', 'net_peerCount', 'eth_syncing', 'txpool_status', 'web3_clientVersion', 'eth_chainId', 'net_version', 'eth_feeHistory', 'eth_gasPrice'])
    );
  });

  it('the simulator answers like geth for a disabled namespace and bad requests', async () => {
    const post = async (body: string, type = 'application/json') =>
      fetch(sim.rpcUrl, { method: 'POST', headers: { 'content-type': type }, body }).then(async (r) => ({ status: r.status, text: await r.text() }));
    expect(JSON.parse((await post('{"jsonrpc":"2.0","id":7,"method":"admin_peers","params":[]}')).text)).toEqual({
      jsonrpc: '2.0',
      id: 7,
      error: { code: -32601, message: 'the method admin_peers does not exist/is not available' },
    });
    expect(JSON.parse((await post('{"jsonrpc":')).text)).toMatchObject({ error: { code: -32700 } });
    expect(JSON.parse((await post('[{"id":1}]')).text)).toEqual([{ jsonrpc: '2.0', id: 1, error: { code: -32600, message: 'invalid request' } }]);
    expect((await post('{}', 'text/plain')).status).toBe(415);
    // (test/geth.real.test.ts sends the same requests to a real geth and compares)
  });
});
