import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MetricFamily, familiesByName, parsePrometheusText, sampleValue } from '../../core/prometheusText.js';
import { type BitcoinSimulator, startBitcoinSimulator } from '../bitcoin/index.js';
import {
  type ElectrsSimulator,
  type FulcrumSimulator,
  feeRateBin,
  startElectrsSimulator,
  startFulcrumSimulator,
} from './index.js';

/** the parts of Fulcrum's /stats these tests read */
interface FulcrumStats {
  Controller: { Chain: string; 'Chain tip': string; 'Header count': number };
  Config: { rpcpassword: string };
  'Server Manager': {
    'number of clients': number;
    Servers: Record<string, { numClients: number; clients: Array<Record<string, { nRequestsRcv: number }>> }>;
  };
  [key: string]: unknown;
}

/** a histogram's _count/_sum sample lives in the family of its base name */
function histogramSample(
  families: Map<string, MetricFamily>,
  sampleName: string,
  match: Record<string, string>
): number | undefined {
  const base = sampleName.replace(/_(count|sum)$/, '');
  return families
    .get(base)
    ?.samples.find((s) => s.name === sampleName && Object.entries(match).every(([k, v]) => s.labels[k] === v))?.value;
}

describe('electrs simulator', () => {
  let bitcoin: BitcoinSimulator;
  let electrs: ElectrsSimulator;
  let clock = 1_000_000;
  beforeAll(async () => {
    bitcoin = await startBitcoinSimulator({ seed: 2, initialMempool: 400 });
    electrs = await startElectrsSimulator({ bitcoin, lagBlocks: 2, now: () => clock });
  });
  afterAll(async () => {
    await electrs.close();
    await bitcoin.close();
  });

  const scrape = async (path = 'metrics') => {
    const response = await fetch(new URL(path, electrs.url));
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4');
    return familiesByName(parsePrometheusText(await response.text()));
  };

  it('exposes electrs 0.10 metric names in valid Prometheus text, on any path like tiny_http', async () => {
    const families = await scrape();
    for (const name of [
      'electrs_index_height',
      'electrs_index_update_duration',
      'electrs_index_db_properties',
      'electrs_rpc_duration',
      'electrs_mempool_txs_count',
      'electrs_mempool_txs_vsize',
      'electrs_server_loop_duration',
    ]) {
      expect(families.has(name), name).toBe(true);
    }
    expect(families.get('electrs_rpc_duration')?.type).toBe('histogram');
    expect((await scrape('anything')).has('electrs_index_height')).toBe(true);
  });

  it('tracks the node tip minus the configured lag, follows new blocks, and can stall', async () => {
    expect(sampleValue(await scrape(), 'electrs_index_height', { type: 'tip' })).toBe(bitcoin.tipHeight() - 2);
    bitcoin.mineBlock();
    expect(sampleValue(await scrape(), 'electrs_index_height', { type: 'tip' })).toBe(bitcoin.tipHeight() - 2);
    electrs.setLag(0);
    expect(electrs.indexHeight()).toBe(bitcoin.tipHeight());
    electrs.setStalled(true);
    bitcoin.mineBlock();
    expect(sampleValue(await scrape(), 'electrs_index_height', { type: 'tip' })).toBe(bitcoin.tipHeight() - 1);
    electrs.setStalled(false);
    expect(electrs.indexHeight()).toBe(bitcoin.tipHeight());
  });

  it('counts RPC calls per Electrum method, growing with time; histogram buckets are cumulative', async () => {
    const first = await scrape();
    const ping1 = histogramSample(first, 'electrs_rpc_duration_count', { method: 'server.ping' }) as number;
    clock += 60_000;
    const second = await scrape();
    const ping2 = histogramSample(second, 'electrs_rpc_duration_count', { method: 'server.ping' }) as number;
    expect(ping2).toBeGreaterThan(ping1);
    const buckets = (second.get('electrs_rpc_duration')?.samples ?? []).filter(
      (s) => s.name === 'electrs_rpc_duration_bucket' && s.labels.method === 'blockchain.scripthash.get_history'
    );
    expect(buckets.at(-1)?.labels.le).toBe('+Inf');
    const values = buckets.map((b) => b.value);
    expect([...values].sort((a, b) => a - b)).toEqual(values);
    expect(values.at(-1)).toBe(
      histogramSample(second, 'electrs_rpc_duration_count', { method: 'blockchain.scripthash.get_history' })
    );
  });

  it('bins the node mempool by power-of-two fee rate with electrs labels', async () => {
    const families = await scrape();
    const counts = families.get('electrs_mempool_txs_count')?.samples ?? [];
    expect(counts).toHaveLength(65);
    expect(counts[0]?.labels.fee_rate).toBe(`[${'0'.padStart(20)}, ${'1'.padStart(20)})`);
    expect(counts[1]?.labels.fee_rate).toBe(`[${'1'.padStart(20)}, ${'2'.padStart(20)})`);
    const total = counts.reduce((s, c) => s + c.value, 0);
    expect(total).toBe(bitcoin.mempoolTxids().length);
    const vsize = (families.get('electrs_mempool_txs_vsize')?.samples ?? []).reduce((s, c) => s + c.value, 0);
    expect(vsize).toBe([...bitcoin.mempoolEntries().values()].reduce((s, e) => s + e.vsize, 0));
    expect([feeRateBin(150, 150), feeRateBin(299, 150), feeRateBin(300, 150), feeRateBin(100, 150)]).toEqual([
      63, 63, 62, 64,
    ]);
  });

  it('goes down and comes back; http500 answers an error', async () => {
    electrs.setFault({ kind: 'down' });
    await electrs.faultApplied();
    await expect(fetch(electrs.metricsUrl)).rejects.toThrow();
    electrs.setFault({ kind: 'http500' });
    await electrs.faultApplied();
    expect((await fetch(electrs.metricsUrl)).status).toBe(500);
    electrs.setFault(null);
    expect((await fetch(electrs.metricsUrl)).status).toBe(200);
  });
});

describe('Fulcrum simulator', () => {
  let bitcoin: BitcoinSimulator;
  let fulcrum: FulcrumSimulator;
  let clock = 5_000_000;
  beforeAll(async () => {
    bitcoin = await startBitcoinSimulator({ seed: 3, network: 'signet', peers: 3 });
    fulcrum = await startFulcrumSimulator({ bitcoin, lagBlocks: 1, clients: 5, now: () => clock });
  });
  afterAll(async () => {
    await fulcrum.close();
    await bitcoin.close();
  });

  const stats = async () => {
    const response = await fetch(fulcrum.statsUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    return (await response.json()) as FulcrumStats;
  };

  it('answers /stats with Fulcrum sections in sorted key order', async () => {
    const body = await stats();
    expect(Object.keys(body)).toEqual([...Object.keys(body)].sort());
    for (const key of [
      'Bitcoin Daemon',
      'Config',
      'Controller',
      'Memory Usage',
      'Misc',
      'Server Manager',
      'Storage',
      'SubsMgr',
    ])
      expect(body, key).toHaveProperty([key]);
    expect(body.Controller.Chain).toBe('signet');
    expect(body.Config.rpcpassword).toBe('<hidden>');
  });

  it('reports index height (Header count - 1) behind the node by the lag, and follows blocks', async () => {
    const lagging = await stats();
    expect(lagging.Controller['Header count']).toBe(bitcoin.tipHeight() - 1 + 1);
    expect(lagging.Controller['Chain tip']).toBe(bitcoin.hashAt(bitcoin.tipHeight() - 1));
    fulcrum.setLag(0);
    bitcoin.mineBlock();
    const body = await stats();
    expect(Number(body.Controller['Header count']) - 1).toBe(bitcoin.tipHeight());
    expect(body.Controller['Chain tip']).toBe(bitcoin.tipHash());
  });

  it('lists clients with request counters that grow with time', async () => {
    const first = await stats();
    const manager = first['Server Manager'];
    expect(manager['number of clients']).toBe(5);
    const server = manager.Servers['TcpSrv 0.0.0.0:50001'];
    expect(server?.numClients).toBe(5);
    const requests = (s: FulcrumStats) =>
      (s['Server Manager'].Servers['TcpSrv 0.0.0.0:50001']?.clients ?? []).reduce(
        (sum, c) => sum + (Object.values(c)[0]?.nRequestsRcv ?? 0),
        0
      );
    clock += 30_000;
    expect(requests(await stats())).toBeGreaterThan(requests(first));
  });

  it('answers other paths with its 404 text', async () => {
    const response = await fetch(new URL('/metrics', fulcrum.url));
    expect(response.status).toBe(404);
    expect(await response.text()).toBe(
      'Error: Unknown endpoint. /stats & /debug are the only valid endpoint I understand.\r\n'
    );
  });
});
