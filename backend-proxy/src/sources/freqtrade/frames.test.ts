import { describe, expect, it } from 'vitest';
import { frameColumn } from '@nodescope/shared';
import type { DailyResponse } from './api.js';
import { dailyFrame, durationSeconds, stakeUnit, tradesFrame } from './frames.js';

describe('units and parsing', () => {
  it.each([
    ['USDT', 'currencyUSD'],
    ['usdc', 'currencyUSD'],
    ['BTC', 'currencyBTC'],
    ['EUR', 'currencyEUR'],
    ['BNB', 'suffix: BNB'],
    ['', 'none'],
  ])('stake currency %s -> unit %s', (currency, unit) => {
    expect(stakeUnit(currency)).toBe(unit);
  });

  it.each([
    ['0:45:10', 2_710],
    ['13:05:00', 47_100],
    ['1 day, 2:00:01', 93_601],
    ['3 days, 0:00:00', 259_200],
    ['0:00:07.250000', 7],
    ['soon', null],
  ])('avg_duration %s -> %s s', (text, seconds) => {
    expect(durationSeconds(text)).toBe(seconds);
  });
});

describe('frames', () => {
  it('daily: newest-first answer becomes an ascending time series, limited to `days`', () => {
    const daily: DailyResponse = {
      stake_currency: 'USDT',
      fiat_display_currency: 'USD',
      data: [
        { date: '2026-01-03', abs_profit: 3, rel_profit: 0.003, starting_balance: 1000, fiat_value: 3, trade_count: 2 },
        { date: '2026-01-02', abs_profit: -1, rel_profit: -0.001, starting_balance: 1001, fiat_value: -1, trade_count: 1 },
        { date: '2026-01-01', abs_profit: 0, rel_profit: 0, starting_balance: 1001, fiat_value: 0, trade_count: 0 },
      ],
    };
    const frame = dailyFrame(daily, 2);
    expect(frameColumn(frame, 'time')).toEqual([Date.UTC(2026, 0, 2), Date.UTC(2026, 0, 3)]);
    expect(frameColumn(frame, 'abs_profit')).toEqual([-1, 3]);
    const units = Object.fromEntries(frame.schema.fields.map((f) => [f.name, f.config?.unit]));
    expect(units).toMatchObject({ abs_profit: 'currencyUSD', rel_profit: 'percentunit', fiat_value: 'currencyUSD', trade_count: 'none' });
  });

  it('trades: close time first, profit as ratio, duration in seconds, nulls for missing numbers', () => {
    const frame = tradesFrame(
      [
        {
          trade_id: 9,
          pair: 'ETH/BTC',
          base_currency: 'ETH',
          quote_currency: 'BTC',
          is_open: false,
          is_short: true,
          exchange: 'binance',
          amount: 2,
          stake_amount: 0.1,
          strategy: 'S',
          open_date: '',
          open_timestamp: 1_000,
          open_rate: 0.05,
          close_timestamp: 61_000,
          close_rate: null,
          close_profit: 0.02,
          close_profit_abs: 0.002,
          exit_reason: 'roi',
        },
      ],
      'BTC'
    );
    expect(frame.schema.fields[0]).toEqual({ name: 'close_time', type: 'time' });
    expect(frameColumn(frame, 'side')).toEqual(['short']);
    expect(frameColumn(frame, 'duration')).toEqual([60]);
    expect(frameColumn(frame, 'close_rate')).toEqual([null]);
    expect(frame.schema.fields.find((f) => f.name === 'profit_abs')?.config?.unit).toBe('currencyBTC');
  });
});
