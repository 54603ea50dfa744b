// /metrics of a bitcoin source as Prometheus sees it, through the proxy's HTTP server, without
// anyone using the API: the fee-band gauges follow the live mempool by themselves,
// and the series jvstein's bitcoin-prometheus-exporter has from its first refresh are there from
// the first poll.
import { FEE_BAND_EDGES, feeBandLabel } from '@nodescope/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../src/config/schema.js';
import { buildApp } from '../src/http/app.js';
import { startBitcoinSimulator, type BitcoinSimulator } from '../src/simulators/bitcoin/index.js';
import { simulatorRpc } from './bitcoinHarness.js';
import { LogCapture, waitFor } from './helpers.js';
import { plainHistogram, plainRates } from './plainMempool.js';

let closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers.reverse()) await close();
  closers = [];
});

async function proxyOn(sim: BitcoinSimulator, bitcoin: Record<string, unknown>, now?: () => number) {
  const config = configSchema.parse({
    server: { host: '127.0.0.1', port: 0, logLevel: 'warn' },
    sources: [{ id: 'btc', kind: 'bitcoin', network: 'regtest', rpc: simulatorRpc(sim), geoip: false, ...bitcoin }],
  });
  const proxy = await buildApp(config, { logDestination: new LogCapture(), ...(now ? { now } : {}) });
  closers.push(() => proxy.close());
  // every request the proxy serves, to show that nothing but /metrics was asked
  const requests: string[] = [];
  proxy.app.addHook('onRequest', async (request) => {
    requests.push(request.url);
  });
  await proxy.start();
  const url = await proxy.app.listen({ host: '127.0.0.1', port: 0 });
  const scrape = async () => (await fetch(`${url}/metrics`)).text();
  const query = async (name: string) => {
    const response = await fetch(`${url}/api/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ queries: [{ refId: 'A', sourceId: 'btc', query: name }] }),
    });
    return (await response.json()) as { results: Record<string, { frames: Array<{ schema: { fields: Array<{ name: string }> }; data: { values: unknown[][] } }> }> };
  };
  return { proxy, scrape, requests, query };
}

async function simulator(options: Parameters<typeof startBitcoinSimulator>[0]) {
  const sim = await startBitcoinSimulator({ network: 'regtest', seed: 17, feeEstimates: 'always', ...options });
  closers.push(() => sim.close());
  return sim;
}

/** The simulator's mempool, computed the plain way (test/plainMempool.ts), as the band lines. */
function expectedBandLines(sim: BitcoinSimulator): string[] {
  const txs = [...sim.mempoolEntries()].map(([txid, e]) => ({ txid, vsize: e.vsize, fee: Math.round(e.fee * 1e8), depends: e.depends }));
  const histogram = plainHistogram(txs, plainRates(txs));
  return FEE_BAND_EDGES.flatMap((_edge, i) => [
    `bitcoin_mempool_fee_band_vsize{source="btc",band="${feeBandLabel(i)}"} ${histogram.vsize[i]}`,
    `bitcoin_mempool_fee_band_txs{source="btc",band="${feeBandLabel(i)}"} ${histogram.count[i]}`,
  ]);
}

describe('fee-band gauges follow the live mempool without API reads', () => {
  it('scrapes match the mempool after adds, a removal and a block, with no /api/query at all', async () => {
    const sim = await simulator({ zmqPort: 0, initialMempool: 150 });
    const { scrape, requests } = await proxyOn(sim, {
      zmq: { sequence: sim.zmqSequenceEndpoint },
      pollSeconds: 0.2,
      slowPollSeconds: 30,
      // far beyond the test: the gauges must not depend on the history row either
      histogramIntervalSeconds: 3_600,
    });
    const matches = async () => {
      const text = await scrape();
      return expectedBandLines(sim).every((line) => text.includes(`${line}\n`));
    };
    await waitFor(matches, 'bands after the first sync', 15_000, 100);
    sim.addTransactions(80);
    await waitFor(matches, 'bands after 80 adds', 15_000, 100);
    const [first, second] = sim.mempoolTxids();
    sim.removeTransaction(first!);
    sim.removeTransaction(second!);
    await waitFor(matches, 'bands after two removals', 15_000, 100);
    const before = sim.mempoolTxids().length;
    sim.mineBlock();
    expect(sim.mempoolTxids().length).toBeLessThan(before);
    await waitFor(matches, 'bands after a block', 15_000, 100);
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.every((url) => url === '/metrics')).toBe(true);
  });
});

describe('fee-band gauges are not left behind by a query that just computed the mempool analysis', () => {
  it('a change between a mempool.blocks query and the next gauge refresh still reaches the gauges', async () => {
    // The test holds the clock, so the race is certain rather than a matter of timer luck:
    // pollSeconds 1 makes the gauges due 1,000 ms after their last refresh, while analysis()
    // answers from its cache for 200 ms even when the store changed since.
    let frozen: number | null = null;
    const now = () => frozen ?? Date.now();
    const sim = await simulator({ zmqPort: 0, initialMempool: 60 });
    const { scrape, query } = await proxyOn(
      sim,
      { zmq: { sequence: sim.zmqSequenceEndpoint }, pollSeconds: 1, slowPollSeconds: 30, histogramIntervalSeconds: 3_600 },
      now
    );
    const matches = async () => {
      const text = await scrape();
      return expectedBandLines(sim).every((line) => text.includes(`${line}\n`));
    };
    // the proxy's compact mempool, as the live tick publishes it
    const tracked = async () => Number(/^bitcoin_mempool_tracked_txs\{source="btc"\} (\d+)$/m.exec(await scrape())?.[1]);
    const addAndApply = async (count: number) => {
      sim.addTransactions(count);
      await waitFor(async () => (await tracked()) === sim.mempoolTxids().length, `${count} adds applied`, 15_000, 50);
    };
    await waitFor(matches, 'bands after the first sync', 15_000, 100);
    const start = Date.now() + 1_000; // due: the last refresh was at or before Date.now()
    frozen = start;
    await addAndApply(10);
    await waitFor(matches, 'bands refreshed at start', 5_000, 100);
    frozen = start + 900; // not due
    await addAndApply(10);
    await query('mempool.blocks'); // the analysis is computed and cached at start + 900
    await addAndApply(10);
    frozen = start + 1_000; // due, while the cached analysis is 100 ms old and one change behind
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // the live tick (1 s) comes round
    frozen = null;
    await waitFor(matches, 'bands after the last adds', 6_000, 100);
  });
});

// jvstein/bitcoin-prometheus-exporter@a3e1e020d47c68299b954c452679d2b5b15f95bf:bitcoind-monitor.py
//   :51       BITCOIN_WARNINGS = Counter("bitcoin_warnings", …): prometheus_client exposes an
//             unlabelled counter as bitcoin_warnings_total 0 from creation, before any warning;
//   :277      refresh_metrics() reads getblockstats(bestblockhash) on every refresh, the first included;
//   :333-341  and sets bitcoin_latest_block_{size,txs,height,weight,inputs,outputs,value,fee}
//             (value and fee divided by SATS_PER_COIN).
describe("jvstein's exporter series from the first poll", () => {
  it('bitcoin_warnings_total 0 and bitcoin_latest_block_* before the 30 s slow loop comes round', async () => {
    const sim = await simulator({ initialMempool: 20 });
    sim.mineBlock(); // a tip with transactions, so fee and value are not zero
    const started = Date.now();
    const { scrape } = await proxyOn(sim, { pollSeconds: 0.2, slowPollSeconds: 30 });
    const text = (await waitFor(
      async () => {
        const body = await scrape();
        return /^bitcoin_latest_block_txs\{source="btc"\} /m.test(body) ? body : null;
      },
      'bitcoin_latest_block_* published',
      10_000,
      100
    ))!;
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(text).toMatch(/^bitcoin_warnings_total\{source="btc"\} 0$/m);
    const stats = (await rpc(sim, 'getblockstats', [sim.tipHash()])) as Record<string, number>;
    const value = (name: string) => Number(new RegExp(`^${name}\\{source="btc"\\} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('bitcoin_latest_block_height')).toBe(sim.tipHeight());
    expect(value('bitcoin_latest_block_txs')).toBe(stats.txs);
    expect(value('bitcoin_latest_block_size')).toBe(stats.total_size);
    expect(value('bitcoin_latest_block_weight')).toBe(stats.total_weight);
    expect(value('bitcoin_latest_block_inputs')).toBe(stats.ins);
    expect(value('bitcoin_latest_block_outputs')).toBe(stats.outs);
    expect(value('bitcoin_latest_block_fee')).toBeCloseTo(stats.totalfee! / 1e8, 12);
    expect(value('bitcoin_latest_block_value')).toBeCloseTo(stats.total_out! / 1e8, 12);
    expect(stats.txs).toBeGreaterThan(1);
  });
});

async function rpc(sim: BitcoinSimulator, method: string, params: unknown[]): Promise<unknown> {
  const response = await fetch(sim.rpcUrl, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(sim.credentials()).toString('base64')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '1.0', id: 1, method, params }),
  });
  return ((await response.json()) as { result: unknown }).result;
}
