// Model -> DataFrameJSON for the freqtrade queries. Times in ms, ratios as `percentunit`,
// amounts in the bot's stake currency (a currency unit when Grafana has one, else a suffix).
import { UNITS, toFrame, type DataFrameJSON, type FieldInput } from '@nodescope/shared';
import type { BalanceResponse, DailyResponse, OpenTradeJson, PerformanceEntry, ProfitResponse, TradeJson } from './api.js';
import { dayStart, type BotRow, type Drawdown } from './model.js';

/** Frame names of this kind (schema.name). */
export const FREQTRADE_FRAMES = {
  bots: 'bots',
  profit: 'profit',
  equity: 'profit.equity',
  trades: 'trades',
  openTrades: 'open.trades',
  performance: 'performance',
  balance: 'balance',
  balanceTotal: 'balance.total',
  daily: 'daily',
  health: 'health',
} as const;

const USD_LIKE = new Set(['USD', 'USDT', 'USDC', 'BUSD', 'TUSD', 'FDUSD', 'DAI', 'USDP']);

/** Grafana unit for amounts in a stake currency. */
export function stakeUnit(currency: string | undefined): string {
  const c = (currency ?? '').toUpperCase();
  if (USD_LIKE.has(c)) return UNITS.usd;
  if (c === 'BTC') return UNITS.btc;
  if (c === 'EUR') return 'currencyEUR';
  return c ? `suffix: ${c}` : UNITS.none;
}

const num = (name: string, values: Array<number | null | undefined>, unit?: string): FieldInput => ({
  name,
  type: 'number',
  values: values.map((v) => (typeof v === 'number' && Number.isFinite(v) ? v : null)),
  ...(unit ? { unit } : {}),
});
const str = (name: string, values: Array<string | null | undefined>): FieldInput => ({ name, type: 'string', values: values.map((v) => v ?? '') });
const time = (name: string, values: Array<number | null | undefined>): FieldInput => ({
  name,
  type: 'time',
  values: values.map((v) => (typeof v === 'number' && Number.isFinite(v) ? v : null)),
});
const bool = (name: string, values: Array<boolean | null>): FieldInput => ({ name, type: 'boolean', values });

export function botsFrame(rows: BotRow[]): DataFrameJSON {
  const unit = stakeUnit(rows[0]?.stake_currency);
  return toFrame(FREQTRADE_FRAMES.bots, [
    str('source', rows.map((r) => r.source)),
    str('bot', rows.map((r) => r.bot)),
    bool('up', rows.map((r) => r.up)),
    str('state', rows.map((r) => r.state)),
    str('runmode', rows.map((r) => r.runmode)),
    str('strategy', rows.map((r) => r.strategy)),
    str('exchange', rows.map((r) => r.exchange)),
    bool('dry_run', rows.map((r) => r.dry_run)),
    str('trading_mode', rows.map((r) => r.trading_mode)),
    str('stake_currency', rows.map((r) => r.stake_currency)),
    str('timeframe', rows.map((r) => r.timeframe)),
    str('version', rows.map((r) => r.version)),
    num('open_trades', rows.map((r) => r.open_trades), UNITS.none),
    num('max_open_trades', rows.map((r) => r.max_open_trades), UNITS.none),
    num('closed_trades', rows.map((r) => r.closed_trades), UNITS.none),
    num('profit_closed_abs', rows.map((r) => r.profit_closed_abs), unit),
    num('profit_all_abs', rows.map((r) => r.profit_all_abs), unit),
    num('profit_all_ratio', rows.map((r) => r.profit_all_ratio), UNITS.percentUnit),
    num('winrate', rows.map((r) => r.winrate), UNITS.percentUnit),
    num('heartbeat_age', rows.map((r) => r.heartbeat_age), UNITS.seconds),
    time('last_process', rows.map((r) => r.last_process)),
    str('message', rows.map((r) => r.message)),
  ]);
}

/** `profit`: one summary row (the bot's /profit plus drawdown derived from closed trades). */
export function profitFrame(profit: ProfitResponse, drawdown: Drawdown, stake: string): DataFrameJSON {
  const unit = stakeUnit(stake);
  return toFrame(FREQTRADE_FRAMES.profit, [
    num('profit_closed_abs', [profit.profit_closed_coin], unit),
    num('profit_closed_ratio', [profit.profit_closed_ratio], UNITS.percentUnit),
    num('profit_closed_fiat', [profit.profit_closed_fiat], UNITS.usd),
    num('profit_all_abs', [profit.profit_all_coin], unit),
    num('profit_all_ratio', [profit.profit_all_ratio], UNITS.percentUnit),
    num('profit_all_fiat', [profit.profit_all_fiat], UNITS.usd),
    num('trade_count', [profit.trade_count], UNITS.none),
    num('closed_trade_count', [profit.closed_trade_count], UNITS.none),
    num('winning_trades', [profit.winning_trades], UNITS.none),
    num('losing_trades', [profit.losing_trades], UNITS.none),
    num('winrate', [profit.winrate ?? null], UNITS.percentUnit),
    num('profit_factor', [profit.profit_factor ?? null], UNITS.none),
    num('expectancy', [profit.expectancy ?? null], unit),
    num('avg_duration', [durationSeconds(profit.avg_duration)], UNITS.seconds),
    str('best_pair', [profit.best_pair]),
    time('first_trade', [profit.first_trade_timestamp || null]),
    time('latest_trade', [profit.latest_trade_timestamp || null]),
    num('drawdown_max_abs', [drawdown.maxAbs], unit),
    num('drawdown_max_ratio', [drawdown.maxRatio], UNITS.percentUnit),
    num('drawdown_current_abs', [drawdown.currentAbs], unit),
    num('drawdown_current_ratio', [drawdown.currentRatio], UNITS.percentUnit),
    time('drawdown_peak_time', [drawdown.peakTime]),
    time('drawdown_trough_time', [drawdown.troughTime]),
  ]);
}

/** `profit` second frame: cumulative closed profit and drawdown at each close inside the range. */
export function equityFrame(drawdown: Drawdown, stake: string, range: { from: number; to: number }): DataFrameJSON {
  const unit = stakeUnit(stake);
  const points = drawdown.series.filter((p) => p.time >= range.from && p.time <= range.to);
  return toFrame(FREQTRADE_FRAMES.equity, [
    time('time', points.map((p) => p.time)),
    num('cumulative_profit', points.map((p) => p.cumulative), unit),
    num('drawdown_abs', points.map((p) => p.drawdownAbs), unit),
    num('drawdown_ratio', points.map((p) => p.drawdownRatio), UNITS.percentUnit),
  ]);
}

export function tradesFrame(trades: readonly TradeJson[], stake: string, staleReason?: string): DataFrameJSON {
  const unit = stakeUnit(stake);
  const meta = staleReason
    ? { notices: [{ severity: 'warning' as const, text: `closed trades may be incomplete: ${staleReason}` }] }
    : undefined;
  return toFrame(FREQTRADE_FRAMES.trades, [
    time('close_time', trades.map((t) => t.close_timestamp)),
    time('open_time', trades.map((t) => t.open_timestamp)),
    num('trade_id', trades.map((t) => t.trade_id), UNITS.none),
    str('pair', trades.map((t) => t.pair)),
    str('side', trades.map((t) => (t.is_short ? 'short' : 'long'))),
    num('open_rate', trades.map((t) => t.open_rate)),
    num('close_rate', trades.map((t) => t.close_rate)),
    num('amount', trades.map((t) => t.amount)),
    num('stake_amount', trades.map((t) => t.stake_amount), unit),
    num('profit_abs', trades.map((t) => t.close_profit_abs ?? t.profit_abs), unit),
    num('profit_ratio', trades.map((t) => t.close_profit ?? t.profit_ratio), UNITS.percentUnit),
    num(
      'duration',
      trades.map((t) => (typeof t.close_timestamp === 'number' ? (t.close_timestamp - t.open_timestamp) / 1000 : null)),
      UNITS.seconds
    ),
    str('enter_tag', trades.map((t) => t.enter_tag)),
    str('exit_reason', trades.map((t) => t.exit_reason)),
  ], meta);
}

export function openTradesFrame(trades: readonly OpenTradeJson[], stake: string, now: number): DataFrameJSON {
  const unit = stakeUnit(stake);
  return toFrame(FREQTRADE_FRAMES.openTrades, [
    time('open_time', trades.map((t) => t.open_timestamp)),
    num('trade_id', trades.map((t) => t.trade_id), UNITS.none),
    str('pair', trades.map((t) => t.pair)),
    str('side', trades.map((t) => (t.is_short ? 'short' : 'long'))),
    num('open_rate', trades.map((t) => t.open_rate)),
    num('current_rate', trades.map((t) => t.current_rate)),
    num('amount', trades.map((t) => t.amount)),
    num('stake_amount', trades.map((t) => t.stake_amount), unit),
    num('profit_abs', trades.map((t) => t.total_profit_abs ?? t.profit_abs), unit),
    num('profit_ratio', trades.map((t) => t.total_profit_ratio ?? t.profit_ratio), UNITS.percentUnit),
    num('stoploss_distance_ratio', trades.map((t) => t.stoploss_current_dist_ratio), UNITS.percentUnit),
    num('duration', trades.map((t) => Math.max(0, (now - t.open_timestamp) / 1000)), UNITS.seconds),
    str('enter_tag', trades.map((t) => t.enter_tag)),
  ]);
}

export function performanceFrame(entries: readonly PerformanceEntry[], stake: string): DataFrameJSON {
  return toFrame(FREQTRADE_FRAMES.performance, [
    str('pair', entries.map((e) => e.pair)),
    num('profit_abs', entries.map((e) => e.profit_abs), stakeUnit(stake)),
    num('profit_ratio', entries.map((e) => e.profit_ratio), UNITS.percentUnit),
    num('count', entries.map((e) => e.count), UNITS.none),
  ]);
}

export function balanceFrames(balance: BalanceResponse): DataFrameJSON[] {
  const unit = stakeUnit(balance.stake);
  const rows = balance.currencies;
  return [
    toFrame(FREQTRADE_FRAMES.balance, [
      str('currency', rows.map((r) => r.currency)),
      num('free', rows.map((r) => r.free)),
      num('used', rows.map((r) => r.used)),
      num('balance', rows.map((r) => r.balance)),
      num('est_stake', rows.map((r) => r.est_stake), unit),
      str('stake', rows.map((r) => r.stake)),
      bool('bot_managed', rows.map((r) => r.is_bot_managed ?? null)),
    ]),
    toFrame(FREQTRADE_FRAMES.balanceTotal, [
      num('total', [balance.total], unit),
      num('total_bot', [balance.total_bot ?? null], unit),
      num('value', [balance.value], fiatUnit(balance.symbol)),
      str('fiat_currency', [balance.symbol]),
      str('stake_currency', [balance.stake]),
      num('starting_capital', [balance.starting_capital ?? null], unit),
      num('starting_capital_ratio', [balance.starting_capital_ratio ?? null], UNITS.percentUnit),
      str('note', [balance.note]),
    ]),
  ];
}

/** `daily`: oldest day first (the bot answers newest first). */
export function dailyFrame(daily: DailyResponse, days: number): DataFrameJSON {
  const unit = stakeUnit(daily.stake_currency);
  const rows = daily.data
    .slice(0, days)
    .map((r) => ({ ...r, time: dayStart(r.date) }))
    .filter((r) => Number.isFinite(r.time))
    .sort((a, b) => a.time - b.time);
  return toFrame(FREQTRADE_FRAMES.daily, [
    time('time', rows.map((r) => r.time)),
    num('abs_profit', rows.map((r) => r.abs_profit), unit),
    num('rel_profit', rows.map((r) => r.rel_profit), UNITS.percentUnit),
    num('starting_balance', rows.map((r) => r.starting_balance), unit),
    num('fiat_value', rows.map((r) => r.fiat_value), fiatUnit(daily.fiat_display_currency)),
    num('trade_count', rows.map((r) => r.trade_count), UNITS.none),
  ]);
}

export interface HealthRow {
  source: string;
  status: string;
  message: string;
  circuit: string;
  state: string;
  lastSuccess: number | null;
  lastProcess: number | null;
  heartbeatAge: number | null;
  botStart: number | null;
  locks: number | null;
  whitelist: number | null;
}

export function healthFrame(row: HealthRow): DataFrameJSON {
  return toFrame(FREQTRADE_FRAMES.health, [
    str('source', [row.source]),
    str('status', [row.status]),
    str('message', [row.message]),
    str('circuit', [row.circuit]),
    str('state', [row.state]),
    time('last_success', [row.lastSuccess]),
    time('last_process', [row.lastProcess]),
    num('heartbeat_age', [row.heartbeatAge], UNITS.seconds),
    time('bot_start', [row.botStart]),
    num('locks', [row.locks], UNITS.none),
    num('whitelist_pairs', [row.whitelist], UNITS.none),
  ]);
}

function fiatUnit(symbol: string | undefined): string {
  const s = (symbol ?? '').toUpperCase();
  if (s === 'USD') return UNITS.usd;
  if (['EUR', 'GBP', 'JPY', 'CHF'].includes(s)) return `currency${s}`;
  return s ? `suffix: ${s}` : UNITS.none;
}

/** Freqtrade's avg_duration is str(timedelta): "2:05:03" or "1 day, 2:05:03". */
export function durationSeconds(text: string | undefined): number | null {
  const match = /^(?:(\d+) days?, )?(\d+):(\d{2}):(\d{2})(?:\.\d+)?$/.exec(text ?? '');
  if (!match) return null;
  return Number(match[1] ?? 0) * 86_400 + Number(match[2]) * 3_600 + Number(match[3]) * 60 + Number(match[4]);
}
