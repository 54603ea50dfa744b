import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, waitFor } from '../../../test/helpers.js';
import { startBitcoinSimulator, type BitcoinSimulator } from '../../simulators/bitcoin/index.js';
import { startElectrsSimulator, startFulcrumSimulator, type ElectrsSimulator, type FulcrumSimulator } from '../../simulators/electrum/index.js';
import { electrumFrame, electrumStats, ElectrumMonitor, parseElectrsMetrics, parseFulcrumStats } from './electrum.js';

// trimmed from an electrs 0.10 node's /metrics
const ELECTRS_TEXT = `# HELP electrs_index_height Indexed block height
# TYPE electrs_index_height gauge
electrs_index_height{type="tip"} 871234
# HELP electrs_mempool_txs_count Total number of mempool transactions
# TYPE electrs_mempool_txs_count gauge
electrs_mempool_txs_count{fee_rate="[                   0,                    1)"} 12
electrs_mempool_txs_count{fee_rate="[                   1,                    2)"} 30
# HELP electrs_rpc_duration RPC duration (in seconds)
# TYPE electrs_rpc_duration histogram
electrs_rpc_duration_bucket{method="blockchain.scripthash.get_history",le="+Inf"} 700
electrs_rpc_duration_sum{method="blockchain.scripthash.get_history"} 3.5
electrs_rpc_duration_count{method="blockchain.scripthash.get_history"} 700
electrs_rpc_duration_bucket{method="server.ping",le="+Inf"} 300
electrs_rpc_duration_sum{method="server.ping"} 0.01
electrs_rpc_duration_count{method="server.ping"} 300
`;

describe('electrum model', () => {
  it('reads index height, requests and mempool from electrs metrics', () => {
    expect(parseElectrsMetrics(ELECTRS_TEXT, 1_000)).toEqual({
      t: 1_000,
      kind: 'electrs',
      indexHeight: 871_234,
      clients: null,
      requestsTotal: 1_000,
      mempoolTxs: 42,
    });
  });

  it('reads Fulcrum /stats: header count is height + 1, clients, requests summed over clients', () => {
    const stats = {
      Controller: { 'Header count': 871_235, Chain: 'main' },
      'Server Manager': {
        'number of clients': 2,
        Servers: {
          'TcpSrv 0.0.0.0:50001': { numClients: 2, clients: [{ 'Client.3': { nRequestsRcv: 40 } }, { 'Client.4': { nRequestsRcv: 2 } }] },
        },
      },
    };
    expect(parseFulcrumStats(stats, 5)).toEqual({ t: 5, kind: 'fulcrum', indexHeight: 871_234, clients: 2, requestsTotal: 42, mempoolTxs: null });
    expect(() => parseFulcrumStats([1, 2], 5)).toThrow(/not a JSON object/);
  });

  it.each([
    ['in step', 100, 100, 0],
    ['two behind', 100, 98, 2],
    ['index ahead of a lagging node', 100, 101, 0],
  ])('lag when %s', (_what, node, index, lag) => {
    const reading = { t: 0, kind: 'electrs' as const, indexHeight: index, clients: null, requestsTotal: null, mempoolTxs: null };
    expect(electrumStats(reading, undefined, node).lagBlocks).toBe(lag);
  });

  it('computes the request rate between scrapes and none across a server restart', () => {
    const at = (t: number, requestsTotal: number) => ({ t, kind: 'fulcrum' as const, indexHeight: 1, clients: 1, requestsTotal, mempoolTxs: null });
    expect(electrumStats(at(11_000, 150), at(1_000, 100), 1).requestsPerSecond).toBe(5);
    expect(electrumStats(at(11_000, 3), at(1_000, 100), 1).requestsPerSecond).toBeNull();
    expect(electrumStats(at(1_000, 3), undefined, 1).requestsPerSecond).toBeNull();
  });

  it('shapes one row with units', () => {
    const frame = electrumFrame({ t: 1, kind: 'electrs', indexHeight: 9, nodeHeight: 10, lagBlocks: 1, clients: null, requestsTotal: 5, requestsPerSecond: 2.5, mempoolTxs: 3 });
    expect(frame.schema.name).toBe('electrum.stats');
    expect(frame.schema.fields.find((f) => f.name === 'requestsPerSecond')?.config?.unit).toBe('reqps');
    expect(frame.data.values[frame.schema.fields.findIndex((f) => f.name === 'lagBlocks')]).toEqual([1]);
  });
});

describe('ElectrumMonitor against the Electrs and Fulcrum simulators', () => {
  let bitcoin: BitcoinSimulator;
  let electrs: ElectrsSimulator;
  let fulcrum: FulcrumSimulator;

  beforeAll(async () => {
    bitcoin = await startBitcoinSimulator({ network: 'regtest', initialMempool: 50 });
    electrs = await startElectrsSimulator({ bitcoin, lagBlocks: 0 });
    fulcrum = await startFulcrumSimulator({ bitcoin, clients: 5 });
  });
  afterAll(async () => {
    await electrs?.close();
    await fulcrum?.close();
    await bitcoin?.close();
  });

  it('electrs: index height against the node, lag beyond two blocks degrades, recovery', async () => {
    const context = createTestContext();
    const monitor = new ElectrumMonitor({ kind: 'electrs', metricsUrl: electrs.url }, 'btc', context, async () => bitcoin.tipHeight(), 2_000, 300);
    const first = await monitor.read();
    expect(first).toMatchObject({ kind: 'electrs', indexHeight: bitcoin.tipHeight(), nodeHeight: bitcoin.tipHeight(), lagBlocks: 0, mempoolTxs: 50 });
    expect(monitor.snapshot().status).toBe('ok');

    electrs.setLag(4);
    context.cache.delete('btc:electrum');
    expect((await monitor.read()).lagBlocks).toBe(4);
    expect(monitor.snapshot()).toMatchObject({ status: 'degraded', message: 'electrs index 4 blocks behind the node' });
    expect(await context.metrics.registry.getSingleMetricAsString('electrum_index_lag_blocks')).toContain('electrum_index_lag_blocks{source="btc",kind="electrs"} 4');

    electrs.setFault({ kind: 'down' });
    await electrs.faultApplied();
    for (let i = 0; i < 2; i++) {
      context.cache.delete('btc:electrum');
      await expect(monitor.read()).rejects.toThrow('electrs: unreachable');
    }
    expect(monitor.snapshot().status).toBe('down');
    expect(await context.metrics.registry.getSingleMetricAsString('electrum_up')).toContain('electrum_up{source="btc",kind="electrs"} 0');

    electrs.setFault(null);
    electrs.setLag(0);
    await electrs.faultApplied();
    await waitFor(async () => {
      context.cache.delete('btc:electrum');
      return (await monitor.read().catch(() => null))?.lagBlocks === 0;
    }, 'electrs to answer again after its circuit half-opens', 10_000, 100);
    expect(monitor.snapshot().status).toBe('ok');
  });

  it('fulcrum: clients and a request rate from two scrapes', async () => {
    const context = createTestContext();
    const monitor = new ElectrumMonitor({ kind: 'fulcrum', statsUrl: fulcrum.statsUrl }, 'btc', context, async () => bitcoin.tipHeight(), 2_000);
    const first = await monitor.read();
    expect(first).toMatchObject({ kind: 'fulcrum', indexHeight: bitcoin.tipHeight(), clients: 5, lagBlocks: 0, requestsPerSecond: null });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    context.cache.delete('btc:electrum');
    const second = await monitor.read();
    expect(second.requestsPerSecond).toBeGreaterThan(0);
  });

  it('refuses an electrs config without its URL', () => {
    expect(() => new ElectrumMonitor({ kind: 'electrs' }, 'btc', createTestContext(), async () => 1, 1_000)).toThrow(/electrs needs metricsUrl/);
  });
});
