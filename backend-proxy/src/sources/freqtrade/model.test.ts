import { describe, expect, it } from 'vitest';
import type { OpenTradeJson, TradeJson } from './api.js';
import {
  BalancePeriods,
  ClosedTradeBook,
  botCondition,
  botRow,
  computeDrawdown,
  dayStart,
  emptySnapshot,
  heartbeatAgeSeconds,
  logLevelCounts,
  lowestOpenId,
  sellReasonRows,
  statDurations,
  tradeMarks,
} from './model.js';

const H = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);

function closed(id: number, closeHour: number, profitAbs: number, pair = 'BTC/USDT'): TradeJson {
  return {
    trade_id: id,
    pair,
    base_currency: pair.split('/')[0] ?? '',
    quote_currency: 'USDT',
    is_open: false,
    is_short: false,
    exchange: 'binance',
    amount: 1,
    stake_amount: 100,
    strategy: 'S',
    open_date: '',
    open_timestamp: T0 + (closeHour - 1) * H,
    open_rate: 1,
    close_timestamp: T0 + closeHour * H,
    close_profit_abs: profitAbs,
  };
}

describe('computeDrawdown (hand-checked)', () => {
  // starting balance 1000; closes: +10, -30, +5, +40, -10 (given out of order)
  // cumulative: 10, -20, -15, 25, 15 ; peak: 10, 10, 10, 25, 25 ; drawdown: 0, 30, 25, 0, 10
  const trades = [closed(4, 4, 40), closed(1, 1, 10), closed(3, 3, 5), closed(5, 5, -10), closed(2, 2, -30)];

  it('follows cumulative profit against the running peak in close order', () => {
    const dd = computeDrawdown(trades, 1000);
    expect(dd.series.map((p) => p.cumulative)).toEqual([10, -20, -15, 25, 15]);
    expect(dd.series.map((p) => p.peak)).toEqual([10, 10, 10, 25, 25]);
    expect(dd.series.map((p) => p.drawdownAbs)).toEqual([0, 30, 25, 0, 10]);
    expect(dd.maxAbs).toBe(30);
    // relative to the peak balance 1000 + 10
    expect(dd.maxRatio).toBeCloseTo(30 / 1010, 12);
    expect(dd.peakTime).toBe(T0 + 1 * H);
    expect(dd.troughTime).toBe(T0 + 2 * H);
    expect(dd.currentAbs).toBe(10);
    expect(dd.currentRatio).toBeCloseTo(10 / 1025, 12);
  });

  it('counts losing first trades as drawdown from the starting balance', () => {
    const dd = computeDrawdown([closed(1, 1, -20), closed(2, 2, 5)], 1000);
    expect(dd.maxAbs).toBe(20);
    expect(dd.maxRatio).toBeCloseTo(0.02, 12);
    expect(dd.currentAbs).toBe(15);
  });

  it('has no ratio without a starting balance and nothing for no trades', () => {
    expect(computeDrawdown(trades, null).maxRatio).toBeNull();
    const none = computeDrawdown([], 1000);
    expect(none).toMatchObject({ maxAbs: 0, maxRatio: 0, peakTime: null, troughTime: null, series: [] });
  });
});

describe('ClosedTradeBook', () => {
  const ids = (trades: readonly TradeJson[]) => trades.map((t) => t.trade_id);

  it('first sync takes everything, then resyncs from the lowest id still open', () => {
    const book = new ClosedTradeBook(1000);
    const first = [1, 2, 4, 5].map((id) => closed(id, id, 1));
    expect(book.resyncOffset(null)).toBe(0);
    expect(ids(book.replaceFrom(0, first, 4) ?? [])).toEqual([1, 2, 4, 5]);
    // trade 3 was open; it closes later and lands between 2 and 4
    expect(book.resyncOffset(3)).toBe(2);
    const tail = [3, 4, 5, 6].map((id) => closed(id, id + 10, 1));
    expect(ids(book.replaceFrom(2, tail, 6) ?? [])).toEqual([3, 6]);
    expect(ids(book.all())).toEqual([1, 2, 3, 4, 5, 6]);
    // nothing open: only trades after the known ones can appear
    expect(book.resyncOffset(null)).toBe(6);
  });

  it('reports an inconsistent total (a trade deleted or missed) so the caller resyncs', () => {
    const book = new ClosedTradeBook(1000);
    book.replaceFrom(0, [1, 2, 3].map((id) => closed(id, id, 1)), 3);
    expect(book.replaceFrom(3, [closed(5, 5, 1)], 5)).toBeNull();
    expect(book.size).toBe(3); // unchanged
    // right total but a repeated id: the offset was wrong
    expect(book.replaceFrom(2, [closed(3, 3, 1), closed(3, 3, 1)], 4)).toBeNull();
  });

  it('drops the oldest trades beyond maxTrades and keeps bot-side offsets right', () => {
    const book = new ClosedTradeBook(3);
    book.replaceFrom(0, [1, 2, 3, 4, 5].map((id) => closed(id, id, 1)), 5);
    expect(ids(book.all())).toEqual([3, 4, 5]);
    expect(book.knownTotal).toBe(5);
    expect(book.resyncOffset(null)).toBe(5);
    expect(book.resyncOffset(4)).toBe(3);
    expect(book.resyncOffset(2)).toBe(0); // inside the dropped part: full resync
    expect(ids(book.replaceFrom(5, [closed(6, 6, 1)], 6) ?? [])).toEqual([6]);
    expect(ids(book.all())).toEqual([4, 5, 6]);
  });
});

describe('bot summary', () => {
  it('derives heartbeat age from last_process_ts (seconds)', () => {
    expect(heartbeatAgeSeconds({ last_process_ts: 1_000 }, 1_030_000)).toBe(30);
    expect(heartbeatAgeSeconds({}, 1_030_000)).toBeNull();
    expect(heartbeatAgeSeconds(null, 1)).toBeNull();
  });

  it('is degraded when stopped, stale or partly failing, ok otherwise', () => {
    const snap = emptySnapshot(0);
    snap.config = { state: 'running' } as never;
    snap.health = { last_process_ts: 100 };
    expect(botCondition(snap, 110_000, 60)).toEqual({ status: 'ok', message: 'ok' });
    expect(botCondition(snap, 200_000, 60).message).toBe('stale heartbeat: last process 100 s ago');
    snap.errors.balance = 'HTTP 502';
    expect(botCondition(snap, 110_000, 60)).toEqual({ status: 'degraded', message: 'balance: HTTP 502' });
    snap.config = { state: 'stopped' } as never;
    expect(botCondition(snap, 110_000, 60).message).toBe('bot state is stopped');
  });

  it('builds one bot row, "unreachable" when down, null for unlimited max trades', () => {
    const snap = emptySnapshot(0);
    snap.config = { bot_name: 'b1', state: 'running', strategy: 'S', exchange: 'kraken', dry_run: true, max_open_trades: -1 } as never;
    snap.profit = { winning_trades: 3, losing_trades: 1, profit_all_coin: 5, closed_trade_count: 4 } as never;
    const row = botRow('bot-1', 'fallback', snap, true, 0, 'ok');
    expect(row).toMatchObject({ source: 'bot-1', bot: 'b1', state: 'running', max_open_trades: null, winrate: 0.75, profit_all_abs: 5 });
    expect(botRow('bot-1', 'fallback', null, false, 0, 'down').state).toBe('unreachable');
  });

  it('finds the lowest open id, day starts and trade marks inside a range', () => {
    expect(lowestOpenId([{ trade_id: 7 }, { trade_id: 3 }] as OpenTradeJson[], null, [{ trade_id: 5 }] as OpenTradeJson[])).toBe(3);
    expect(lowestOpenId(null)).toBeNull();
    expect(dayStart('2026-01-02')).toBe(T0 + 24 * H);
    expect(dayStart('02/01/2026')).toBeNaN();
    const marks = tradeMarks([closed(1, 2, 1), closed(2, 10, 1)], { from: T0 + 1 * H, to: T0 + 9.5 * H });
    expect(marks.map((m) => [m.trade.trade_id, m.kind])).toEqual([
      [1, 'entry'],
      [1, 'exit'],
      [2, 'entry'],
    ]);
  });
});

// ftmetric = kamontat/fthelper metric v4 at 4970bd51fbd41418187dd47c4e5710bd04e4241d
describe("ftmetric's readings of /stats, /logs and /balance", () => {
  it('sell reasons: each reason x win/draw/loss, from exit_reasons (2026.9) or sell_reasons (older bots)', () => {
    // rpc.py _rpc_stats: {reason: {wins, losses, draws}}; ft_stat.go:22-38 one series per reason and type
    const stats = { exit_reasons: { roi: { wins: 4, losses: 0, draws: 1 }, stop_loss: { wins: 0, losses: 2, draws: 0 } }, durations: {} };
    expect(sellReasonRows(stats)).toEqual([
      { reason: 'roi', type: 'win', value: 4 },
      { reason: 'roi', type: 'draw', value: 1 },
      { reason: 'roi', type: 'loss', value: 0 },
      { reason: 'stop_loss', type: 'win', value: 0 },
      { reason: 'stop_loss', type: 'draw', value: 0 },
      { reason: 'stop_loss', type: 'loss', value: 2 },
    ]);
    // plugin_stat.go:39 reads `sell_reasons`, the name before freqtrade 2022
    expect(sellReasonRows({ sell_reasons: { roi: { wins: 1, losses: 2, draws: 3 } }, durations: {} }).map((r) => r.value)).toEqual([1, 3, 2]);
  });

  it('durations: seconds (2026.9 floats), -1 for none (plugin_stat.go:43-54), old "H:MM:SS" text read as seconds', () => {
    expect(statDurations({ exit_reasons: {}, durations: { wins: 3723.5, draws: null, losses: 'N/A' } })).toEqual([
      { type: 'win', seconds: 3723.5 },
      { type: 'draw', seconds: -1 },
      { type: 'loss', seconds: -1 },
    ]);
    // 1 day, 2:03:04 = 86400 + 7200 + 180 + 4
    expect(statDurations({ exit_reasons: {}, durations: { wins: '1 day, 2:03:04', draws: '0:10:00', losses: 'soon' } }).map((d) => d.seconds)).toEqual([93_784, 600, -1]);
  });

  it('log levels: total = log_count, count = records of five fields, per levelname (plugin_log.go:56-94)', () => {
    const counts = logLevelCounts({
      log_count: 4,
      logs: [
        ['2026-11-23 12:00:00', 1795003200000.5, 'freqtrade.worker', 'INFO', 'a'],
        ['2026-11-23 12:00:01', 1795003201000, 'freqtrade.exchange', 'ERROR', 'b'],
        ['2026-11-23 12:00:02', 1795003202000, 'freqtrade.worker', 'INFO', 'c'],
        ['broken'] as never,
      ],
    });
    expect(counts.total).toBe(4);
    expect(counts.valid).toBe(3);
    expect(Object.fromEntries(counts.levels)).toEqual({ INFO: 2, ERROR: 1 });
  });

  it('balance periods: (new - old) / old once a period has passed (caches/data.go:45-51 strictly longer), held until the next', () => {
    const periods = new BalancePeriods();
    const value = (name: string) => periods.values().find((v) => v.period === name)?.change;
    periods.observe(1_000, 0);
    expect(periods.values().map((v) => v.change)).toEqual([0, 0, 0, 0]);
    periods.observe(1_050, 60_000); // exactly one minute: not expired yet
    expect(value('minute')).toBe(0);
    periods.observe(1_050, 60_001); // (1050 - 1000) / 1000
    expect(value('minute')).toBeCloseTo(0.05, 12);
    periods.observe(1_100, 90_000); // held: the next minute has not passed
    expect(value('minute')).toBeCloseTo(0.05, 12);
    periods.observe(1_071, 121_000); // (1071 - 1050) / 1050
    expect(value('minute')).toBeCloseTo(0.02, 12);
    periods.observe(900, 3_600_001); // hourly: (900 - 1000) / 1000
    expect(value('hourly')).toBeCloseTo(-0.1, 12);
    expect(value('daily')).toBe(0);
    const zero = new BalancePeriods();
    zero.observe(0, 0);
    zero.observe(10, 61_000); // aggregators/percentage.go:11-13: 0 when the old total is 0
    expect(zero.values()[0]?.change).toBe(0);
  });
});
