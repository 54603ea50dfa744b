import { describe, expect, it } from 'vitest';
import { MetricFactory } from '../../core/metrics.js';
import { FreqtradeMetrics, modeValue, stateValue } from './metrics.js';
import { emptySnapshot } from './model.js';

describe("ftmetric's state and mode numbers", () => {
  it.each([
    ['running', 3, 'running', 1],
    ['stopped', 3, 'stopped', 0],
    ['running', 0, 'stop_buy', 2],
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
