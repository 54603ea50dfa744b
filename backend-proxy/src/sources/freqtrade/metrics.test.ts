import { describe, expect, it } from 'vitest';
import { MetricFactory } from '../../core/metrics.js';
import { FreqtradeMetrics, modeValue, stateValue } from './metrics.js';
import { BalancePeriods, emptySnapshot } from './model.js';

describe("ftmetric's state and mode numbers", () => {
  it.each([
    ['running', 3, 'running', 1],
    ['stopped', 3, 'stopped', 0],
    ['running', 0, 'stop_buy', 2],
    // freqtrade 2025+: /pause, /stopentry, /stopbuy set State.PAUSED (api_trading.py:332-334 at 2026.9)
    ['paused', 3, 'paused', 2],
    ['reload_config', 3, 'reload_config', -1],
    [undefined, undefined, 'unknown', -1],
  ] as const)('state %s with max_open_trades %s -> %s (%d)', (state, max, text, value) => {
    expect(stateValue(state, max)).toEqual({ text, value });
  });

  it('mode', () => {
    expect([modeValue('dry_run'), modeValue('live'), modeValue('webserver')]).toEqual([0, 1, -1]);
  });
});

describe('FreqtradeMetrics', () => {
  it('replaces label sets when the strategy changes and drops series of failed endpoints', async () => {
    const factory = new MetricFactory();
    const metrics = new FreqtradeMetrics(factory, 'bot-1', 'cluster-a');
    const snap = emptySnapshot(0);
    snap.config = { strategy: 'A', version: '1', state: 'running', max_open_trades: 3, runmode: 'live' } as never;
    snap.count = { current: 2, max: 3, total_stake: 200 };
    metrics.update(true, snap, null, 0);
    let text = await factory.registry.metrics();
    expect(text).toContain('freqtrade_trade_open_current{source="bot-1",cluster="cluster-a",strategy="A",version="1"} 2');

    snap.config = { strategy: 'B', version: '1', state: 'running', max_open_trades: 3, runmode: 'live' } as never;
    snap.count = null; // /count failed this time
    metrics.update(true, snap, null, 0);
    text = await factory.registry.metrics();
    expect(text).not.toContain('strategy="A"');
    expect(text).not.toMatch(/freqtrade_trade_open_current\{/);
    expect(text).toContain('freqtrade_state{source="bot-1",cluster="cluster-a",strategy="B",version="1",text="running"} 1');

    metrics.update(false, snap, null, 0);
    text = await factory.registry.metrics();
    expect(text).toContain('freqtrade_build_info{source="bot-1",cluster="cluster-a",strategy="B",version="1"} 0');
    expect(text).not.toMatch(/freqtrade_state\{/);
    metrics.clear();
    expect(await factory.registry.metrics()).not.toContain('source="bot-1"');
  });
});

describe("ftmetric's /stats, /logs and balance-period families", () => {
  it('writes freqtrade_stat_*, freqtrade_log_level* and freqtrade_perf_* with ftmetric names and labels', async () => {
    const factory = new MetricFactory();
    const metrics = new FreqtradeMetrics(factory, 'bot-1', 'c');
    const snap = emptySnapshot(0);
    snap.config = { strategy: 'S', version: '2026.9', state: 'running', max_open_trades: 3, runmode: 'dry_run' } as never;
    // shapes of freqtrade 2026.9 rpc.py _rpc_stats and _rpc_get_logs
    snap.stats = { exit_reasons: { roi: { wins: 3, losses: 0, draws: 1 } }, durations: { wins: 5400.5, draws: null, losses: null } };
    snap.logs = {
      log_count: 3,
      logs: [
        ['2026-11-23 12:00:00', 1795003200000.5, 'freqtrade.worker', 'INFO', 'Bot heartbeat. PID=1'],
        ['2026-11-23 12:00:01', 1795003201000.0, 'freqtrade.exchange', 'WARNING', 'Rate limit'],
        ['2026-11-23 12:00:02', 1795003202000.0, 'freqtrade.worker', 'INFO', 'Bot heartbeat. PID=1'],
      ],
    };
    const periods = new BalancePeriods();
    periods.observe(1000, 0);
    periods.observe(1010, 61_000);
    metrics.update(true, snap, null, 61_000, periods);
    const text = await factory.registry.metrics();
    const base = 'source="bot-1",cluster="c",strategy="S",version="2026.9"';
    for (const line of [
      `freqtrade_stat_sell_reason{${base},reason="roi",type="win"} 3`,
      `freqtrade_stat_sell_reason{${base},reason="roi",type="draw"} 1`,
      `freqtrade_stat_sell_reason{${base},reason="roi",type="loss"} 0`,
      `freqtrade_stat_duration{${base},type="win"} 5400.5`,
      `freqtrade_stat_duration{${base},type="draw"} -1`,
      `freqtrade_log_level_total{${base}} 3`,
      `freqtrade_log_level_count{${base}} 3`,
      `freqtrade_log_level{${base},level="INFO"} 2`,
      `freqtrade_log_level{${base},level="WARNING"} 1`,
      `freqtrade_perf_minute{${base}} 0.01`,
      `freqtrade_perf_hourly{${base}} 0`,
      `freqtrade_perf_monthly{${base}} 0`,
    ]) {
      expect(text).toContain(line);
    }
    // /stats failed on the next poll: its series go, as every failed endpoint's do
    snap.stats = null;
    metrics.update(true, snap, null, 62_000, periods);
    expect(await factory.registry.metrics()).not.toContain('freqtrade_stat_sell_reason{');
  });
});
