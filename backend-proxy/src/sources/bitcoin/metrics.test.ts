import { describe, expect, it } from 'vitest';
import { expectSeries } from '../../../test/helpers.js';
import { MetricFactory } from '../../core/metrics.js';
import { BitcoinMetrics, hashpsMetricName } from './metrics.js';

describe('bitcoin metrics', () => {
  it('names hash-rate gauges as the exporter does', () => {
    expect(hashpsMetricName(120)).toBe('bitcoin_hashps');
    expect(hashpsMetricName(1)).toBe('bitcoin_hashps_1');
    expect(hashpsMetricName(-1)).toBe('bitcoin_hashps_neg1');
  });

  it('publishes exporter names with a source label per source', async () => {
    const factory = new MetricFactory();
    const a = new BitcoinMetrics(factory, 'btc-a');
    const b = new BitcoinMetrics(factory, 'btc-b');
    a.mempool({
      loaded: true,
      size: 5,
      bytes: 1_000,
      usage: 4_000,
      maxmempool: 300_000_000,
      mempoolminfee: 0.00001,
      minrelaytxfee: 0.00001,
    });
    b.mempool({
      loaded: true,
      size: 7,
      bytes: 2_000,
      usage: 8_000,
      maxmempool: 300_000_000,
      mempoolminfee: 0.00002,
      minrelaytxfee: 0.00001,
    });
    a.smartFee(2, 0.00012);
    a.networkHashps(-1, 5e20);
    a.latestBlock({
      height: 9,
      total_size: 100,
      total_weight: 400,
      txs: 3,
      totalfee: 50_000_000,
      ins: 4,
      outs: 5,
      total_out: 200_000_000,
    });
    a.network({
      version: 280000,
      subversion: '/Satoshi:28.0.0/',
      protocolversion: 70016,
      connections: 10,
      connections_in: 2,
      connections_out: 8,
      networkactive: true,
      warnings: ['x'],
    });
    a.banned([{ address: '1.2.3.4/32', ban_created: 10, banned_until: 20 }]);
    const text = await factory.registry.metrics();
    expectSeries(text, [
      'bitcoin_mempool_size{source="btc-a"} 5',
      'bitcoin_mempool_size{source="btc-b"} 7',
      'bitcoin_mempool_minfee{source="btc-b"} 0.00002',
      'bitcoin_est_smart_fee_2{source="btc-a"} 0.00012',
      'bitcoin_hashps_neg1{source="btc-a"} 500000000000000000000',
      'bitcoin_latest_block_fee{source="btc-a"} 0.5',
      'bitcoin_latest_block_value{source="btc-a"} 2',
      'bitcoin_conn_in{source="btc-a"} 2',
      'bitcoin_server_version{source="btc-a"} 280000',
      'bitcoin_warnings_total{source="btc-a"} 1',
      'bitcoin_ban_created{source="btc-a",address="1.2.3.4/32",reason="manually added"} 10',
    ]);
    // a lifted ban disappears
    a.banned([]);
    expect(await factory.registry.metrics()).not.toContain('bitcoin_ban_created{source="btc-a"');
    // a target that loses its estimate is removed rather than left stale
    a.smartFee(2, undefined);
    expect(await factory.registry.metrics()).not.toContain('bitcoin_est_smart_fee_2{source="btc-a"}');
  });

  // jvstein/bitcoin-prometheus-exporter@a3e1e020d47c68299b954c452679d2b5b15f95bf:bitcoind-monitor.py:51
  // declares Counter("bitcoin_warnings", …) without labels: prometheus_client exposes it as
  // `bitcoin_warnings_total 0` from creation, so increase() alerts see the first warning
  it('publishes bitcoin_warnings_total 0 before any warning, then counts warnings', async () => {
    const factory = new MetricFactory();
    const metrics = new BitcoinMetrics(factory, 'btc-a');
    expectSeries(await factory.registry.metrics(), ['bitcoin_warnings_total{source="btc-a"} 0']);
    const info = { version: 280000, subversion: '', protocolversion: 70016, connections: 1, networkactive: true };
    metrics.network({ ...info, warnings: [] });
    metrics.network({ ...info, warnings: '' });
    expectSeries(await factory.registry.metrics(), ['bitcoin_warnings_total{source="btc-a"} 0']);
    metrics.network({ ...info, warnings: ['This is a pre-release test build'] });
    expectSeries(await factory.registry.metrics(), ['bitcoin_warnings_total{source="btc-a"} 1']);
  });
});
