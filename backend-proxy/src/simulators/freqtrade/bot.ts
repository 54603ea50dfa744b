// The simulated bot's state: a seeded trade generator and the RPC computations behind each
// endpoint, shaped like freqtrade 2026.9's freqtrade/rpc/rpc.py answers them, with exactly the
// fields of the response model each route declares in freqtrade/rpc/api_server/api_schemas.py
// (FastAPI serializes through it): ShowConfig, Profit, Count, Balances, DailyWeeklyMonthly,
// PerformanceEntry, TradeSchema/OpenTradeSchema/TradeResponse, Health, Locks, WhitelistResponse,
// Stats, Logs. test/python/test_freqtrade_models.py validates every answer against those models.
import type {
  BalanceEntry,
  BalanceResponse,
  BotState,
  CountResponse,
  DailyResponse,
  HealthResponse,
  LocksResponse,
  LogsResponse,
  StatsResponse,
  OpenTradeJson,
  PerformanceEntry,
  ProfitResponse,
  ShowConfigResponse,
  TradeJson,
  TradesPageResponse,
  WhitelistResponse,
} from '../../sources/freqtrade/api.js';
import { Mulberry32 } from '../rng.js';

export interface SimTrade {
  id: number;
  pair: string;
  openMs: number;
  closeMs: number | null;
  openRate: number;
  closeRate: number | null;
  amount: number;
  stake: number;
  enterTag: string;
  exitReason: string | null;
}

export interface BotOptions {
  seed: number;
  botName: string;
  strategy: string;
  exchange: string;
  stakeCurrency: string;
  stakeAmount: number;
  startingCapital: number;
  maxOpenTrades: number;
  dryRun: boolean;
  timeframe: string;
  pairs: string[];
  /** closed trades generated at start, spread over `historyDays` */
  closedTrades: number;
  openTrades: number;
  historyDays: number;
}

const FEE = 0.001;
const EXIT_REASONS = ['roi', 'exit_signal', 'stop_loss', 'trailing_stop_loss'];
const BASE_PRICES: Record<string, number> = { BTC: 64_000, ETH: 3_100, SOL: 145, XRP: 0.52, ADA: 0.45, DOGE: 0.15, LTC: 82, DOT: 6.8 };

const round = (value: number, digits = 8) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * The eight profit_<scope>_* figures of /profit for closed trades or for all of them: the same
 * computation on that scope's absolute profit (the simulator uses the closed trades' ratios for both).
 */
function profitFigures<S extends 'closed' | 'all'>(scope: S, abs: number, ratioMean: number, ratioSum: number, start: number) {
  const figures = {
    coin: round(abs),
    percent_mean: round(ratioMean * 100, 2),
    ratio_mean: round(ratioMean),
    percent_sum: round(ratioSum * 100, 2),
    ratio_sum: round(ratioSum),
    percent: round((abs / start) * 100, 2),
    ratio: round(abs / start),
    fiat: round(abs),
  };
  return Object.fromEntries(Object.entries(figures).map(([key, value]) => [`profit_${scope}_${key}`, value])) as {
    [K in keyof typeof figures as `profit_${S}_${K}`]: number;
  };
}

/** "2024-05-01 12:00:00" as Freqtrade's DATETIME_PRINT_FORMAT prints it (UTC). */
export function printDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * A Health datetime as FastAPI writes it: pydantic serializes a UTC datetime field as ISO 8601 with
 * Z, "2026-12-06T03:54:24.837542Z" (seen from a real 2026.9 bot, freqtrade.realbot.test.ts).
 */
/** what /version and show_config report: the release the shapes follow */
export const FREQTRADE_VERSION = '2026.9';

function pythonDatetime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}000Z`;
}

function durationString(ms: number): string {
  const total = Math.floor(ms / 1000);
  const days = Math.floor(total / 86_400);
  const hh = String(Math.floor((total % 86_400) / 3_600));
  const mm = String(Math.floor((total % 3_600) / 60)).padStart(2, '0');
  const ss = String(total % 60).padStart(2, '0');
  return `${days > 0 ? `${days} day${days > 1 ? 's' : ''}, ` : ''}${hh}:${mm}:${ss}`;
}

export class SimulatedBot {
  state: BotState = 'running';
  readonly trades: SimTrade[] = [];
  readonly startedAt: number;
  private readonly random: () => number;
  private nextId = 1;
  /** set by the stale-heartbeat fault: last_process stops moving */
  frozenHeartbeat: number | null = null;
  /** the bot's in-memory log buffer (/api/v1/logs), newest last */
  readonly logRecords: Array<{ ms: number; logger: string; level: 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL'; message: string }> = [];

  constructor(
    readonly options: BotOptions,
    private readonly now: () => number
  ) {
    const generator = new Mulberry32(options.seed);
    this.random = () => generator.next();
    const end = now();
    this.startedAt = end - options.historyDays * 86_400_000;
    this.log('INFO', 'freqtrade', `freqtrade ${FREQTRADE_VERSION}`, this.startedAt);
    this.log('INFO', 'freqtrade.worker', `Starting worker ${FREQTRADE_VERSION}`, this.startedAt);
    this.log('INFO', 'freqtrade.rpc.api_server.webserver', 'Starting HTTP Server at 127.0.0.1:8080', this.startedAt);
    const span = end - this.startedAt - 3_600_000;
    for (let i = 0; i < options.closedTrades; i++) {
      const openMs = Math.floor(this.startedAt + (span * i) / Math.max(1, options.closedTrades));
      const trade = this.open(this.pick(options.pairs), openMs);
      const duration = 600_000 + Math.floor(this.random() * 12 * 3_600_000);
      this.close(trade, Math.min(openMs + duration, end - 60_000));
    }
    for (let i = 0; i < options.openTrades; i++) this.openOnFreePair(end - (options.openTrades - i) * 900_000);
    this.logRecords.sort((a, b) => a.ms - b.ms); // the history above was written trade by trade
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)] as T;
  }

  /** Deterministic price of a pair at a time: base price with a slow wave and seeded noise. */
  price(pair: string, ms: number): number {
    const base = BASE_PRICES[pair.split('/')[0] ?? ''] ?? 1;
    const phase = (pair.charCodeAt(0) + pair.length) % 7;
    return round(base * (1 + 0.03 * Math.sin(ms / 5_400_000 + phase) + 0.01 * Math.sin(ms / 600_000 + phase * 3)), 8);
  }

  private open(pair: string, openMs: number): SimTrade {
    const openRate = this.price(pair, openMs);
    const stake = this.options.stakeAmount;
    const trade: SimTrade = {
      id: this.nextId++,
      pair,
      openMs,
      closeMs: null,
      openRate,
      closeRate: null,
      amount: round(stake / openRate, 8),
      stake,
      enterTag: this.pick(['rsi_cross', 'ema_trend', 'breakout']),
      exitReason: null,
    };
    this.trades.push(trade);
    this.log('INFO', 'freqtrade.freqtradebot', `Long signal found: about create a new trade for ${pair} with stake_amount: ${stake} ...`, openMs);
    return trade;
  }

  /** appends to the log buffer, which keeps the last 1,000 records as FTBufferingHandler(1000) does */
  log(level: SimulatedBot['logRecords'][number]['level'], logger: string, message: string, ms = this.now()): void {
    this.logRecords.push({ ms, logger, level, message });
    if (this.logRecords.length > 1_000) this.logRecords.splice(0, this.logRecords.length - 1_000);
  }

  private close(trade: SimTrade, closeMs: number): void {
    // seeded outcome between -4 % and +5 %, so drawdowns happen
    const change = -0.04 + this.random() * 0.09;
    trade.closeMs = closeMs;
    trade.closeRate = round(trade.openRate * (1 + change), 8);
    trade.exitReason = change < -0.025 ? 'stop_loss' : change > 0.03 ? 'roi' : this.pick(EXIT_REASONS);
    this.log('INFO', 'freqtrade.freqtradebot', `Exit for ${trade.pair} detected. Reason: ${trade.exitReason}`, closeMs);
    if (trade.exitReason === 'stop_loss') this.log('WARNING', 'freqtrade.plugins.protectionmanager', `Pair ${trade.pair} locked by StoplossGuard`, closeMs);
  }

  private openOnFreePair(openMs: number): SimTrade | null {
    const busy = new Set(this.openTrades().map((t) => t.pair));
    const free = this.options.pairs.filter((p) => !busy.has(p));
    if (free.length === 0 || this.openTrades().length >= this.options.maxOpenTrades) return null;
    return this.open(this.pick(free), openMs);
  }

  /** One trading step at the current time: closes one open trade (a random one) and opens another. */
  step(): { closed: SimTrade | null; opened: SimTrade | null } {
    const open = this.openTrades();
    const closed = open.length > 0 ? this.pick(open) : null;
    if (closed) this.close(closed, this.now());
    const opened = this.openOnFreePair(this.now());
    return { closed, opened };
  }

  openTrades(): SimTrade[] {
    return this.trades.filter((t) => t.closeMs === null);
  }

  /** Closed trades ordered by id, as /api/v1/trades (order_by_id=True) pages them. */
  closedTrades(): SimTrade[] {
    return this.trades.filter((t) => t.closeMs !== null).sort((a, b) => a.id - b.id);
  }

  private profitAbs(t: SimTrade, rate: number): number {
    const openValue = t.amount * t.openRate * (1 + FEE);
    return round(t.amount * rate * (1 - FEE) - openValue, 8);
  }

  private tradeJson(t: SimTrade): TradeJson {
    const isOpen = t.closeMs === null;
    const [base = '', quote = ''] = t.pair.split('/');
    const openValue = round(t.amount * t.openRate * (1 + FEE), 8);
    const profitAbs = isOpen ? null : this.profitAbs(t, t.closeRate as number);
    const profitRatio = profitAbs === null ? null : round(profitAbs / openValue, 8);
    const stopLossAbs = round(t.openRate * 0.9, 8);
    return {
      trade_id: t.id,
      pair: t.pair,
      base_currency: base,
      quote_currency: quote,
      is_open: isOpen,
      is_short: false,
      exchange: this.options.exchange,
      amount: t.amount,
      amount_requested: t.amount,
      stake_amount: t.stake,
      max_stake_amount: t.stake,
      strategy: this.options.strategy,
      enter_tag: t.enterTag,
      timeframe: timeframeMinutes(this.options.timeframe),
      fee_open: FEE,
      fee_open_cost: round(t.stake * FEE, 8),
      fee_open_currency: quote,
      fee_close: FEE,
      fee_close_cost: isOpen ? null : round(t.amount * (t.closeRate as number) * FEE, 8),
      fee_close_currency: isOpen ? null : quote,
      open_date: printDate(t.openMs),
      open_timestamp: t.openMs,
      open_fill_date: printDate(t.openMs),
      open_fill_timestamp: t.openMs,
      open_rate: t.openRate,
      open_rate_requested: t.openRate,
      open_trade_value: openValue,
      close_date: isOpen ? null : printDate(t.closeMs as number),
      close_timestamp: isOpen ? null : t.closeMs,
      close_rate: t.closeRate,
      close_rate_requested: t.closeRate,
      close_profit: profitRatio,
      close_profit_pct: profitRatio === null ? null : round(profitRatio * 100, 2),
      close_profit_abs: profitAbs,
      profit_ratio: profitRatio,
      profit_pct: profitRatio === null ? null : round(profitRatio * 100, 2),
      profit_abs: profitAbs,
      profit_fiat: profitAbs,
      realized_profit: profitAbs ?? 0,
      realized_profit_ratio: profitRatio,
      exit_reason: t.exitReason,
      exit_order_status: isOpen ? null : 'closed',
      stop_loss_abs: stopLossAbs,
      stop_loss_ratio: -0.1,
      stop_loss_pct: -10,
      initial_stop_loss_abs: stopLossAbs,
      initial_stop_loss_ratio: -0.1,
      initial_stop_loss_pct: -10,
      min_rate: t.openRate,
      max_rate: t.openRate,
      stoploss_last_update: printDate(t.openMs),
      stoploss_last_update_timestamp: t.openMs,
      // one filled entry order, and the exit order once closed (TradeSchema, required since 2024)
      nr_of_successful_entries: 1,
      nr_of_successful_exits: isOpen ? 0 : 1,
      has_open_orders: false,
      // OrderSchema's fields (api_schemas.py); /trades sends Order.to_json's (tradeHistoryJson)
      orders: this.orders(t).map(({ average: _a, price: _p, order_date: _d, order_filled_date: _f, ft_is_entry: _e, funding_fee: _ff, ...order }) => order),
      leverage: 1,
      interest_rate: 0,
      liquidation_price: null,
      funding_fees: 0,
      trading_mode: 'spot',
      // a binance spot market's precision (TICK_SIZE = 4)
      amount_precision: 0.00001,
      price_precision: 0.01,
      precision_mode: 4,
    };
  }

  /** The filled orders of a trade in Order.to_json's shape (persistence/trade_model.py). */
  private orders(t: SimTrade) {
    const order = (side: 'buy' | 'sell', rate: number, ms: number) => ({
      pair: t.pair,
      order_id: `sim-${t.id}-${side === 'buy' ? 'entry' : 'exit'}`,
      status: 'closed',
      average: rate,
      price: rate,
      amount: t.amount,
      remaining: 0,
      safe_price: rate,
      cost: round(t.amount * rate, 8),
      filled: t.amount,
      ft_order_side: side,
      order_type: 'limit',
      is_open: false,
      order_date: printDate(ms),
      order_timestamp: ms,
      order_filled_date: printDate(ms),
      order_filled_timestamp: ms,
      ft_fee_base: null,
      ft_is_entry: side === 'buy',
      ft_order_tag: side === 'buy' ? t.enterTag : t.exitReason,
      funding_fee: null,
    });
    const list = [order('buy', t.openRate, t.openMs)];
    if (t.closeMs !== null && t.closeRate !== null) list.push(order('sell', t.closeRate, t.closeMs));
    return list;
  }

  /**
   * A closed trade as /api/v1/trades sends it: Trade.to_json() unfiltered (the route declares no
   * response_model, api_trading.py:165-176), so the duration, contract and precision keys that
   * TradeSchema lacks are there and profit_fiat, which to_json lacks, is not.
   */
  tradeHistoryJson(t: SimTrade): TradeJson {
    const { profit_fiat: _fiat, ...model } = this.tradeJson(t);
    const seconds = t.closeMs === null ? null : Math.floor((t.closeMs - t.openMs) / 1000);
    return {
      ...model,
      trade_duration_s: seconds,
      trade_duration: seconds === null ? null : Math.floor(seconds / 60),
      precision_mode_price: 4,
      contract_size: 1,
      orders: this.orders(t),
    };
  }

  openTradeJson(t: SimTrade): OpenTradeJson {
    const rate = this.price(t.pair, this.now());
    const profitAbs = this.profitAbs(t, rate);
    const openValue = t.amount * t.openRate * (1 + FEE);
    const ratio = round(profitAbs / openValue, 8);
    return {
      ...this.tradeJson(t),
      profit_ratio: ratio,
      profit_pct: round(ratio * 100, 2),
      profit_abs: profitAbs,
      profit_fiat: profitAbs,
      current_rate: rate,
      total_profit_abs: profitAbs,
      total_profit_fiat: profitAbs,
      total_profit_ratio: ratio,
      stoploss_current_dist: round(t.openRate * 0.9 - rate, 8),
      stoploss_current_dist_pct: round(((t.openRate * 0.9 - rate) / rate) * 100, 2),
      stoploss_current_dist_ratio: round((t.openRate * 0.9 - rate) / rate, 8),
      stoploss_entry_dist: round(t.openRate * 0.9 - t.openRate, 8),
      stoploss_entry_dist_ratio: -0.1,
    };
  }

  /** ShowConfig (api_schemas.py:257), rpc.py:136 _rpc_show_config; freqtrade 2026.9 line numbers throughout */
  showConfig(): ShowConfigResponse {
    const o = this.options;
    return {
      version: FREQTRADE_VERSION,
      strategy_version: null,
      // api_server/api_v1.py:75 API_VERSION at 2026.9
      api_version: 2.5,
      dry_run: o.dryRun,
      trading_mode: 'spot',
      // rpc.py _rpc_show_config: config.get("margin_mode", "") (spot: empty)
      margin_mode: '',
      short_allowed: false,
      stake_currency: o.stakeCurrency,
      stake_amount: String(o.stakeAmount),
      available_capital: null,
      stake_currency_decimals: 3,
      max_open_trades: o.maxOpenTrades,
      minimal_roi: { '0': 0.04, '60': 0.02 },
      stoploss: -0.1,
      stoploss_on_exchange: false,
      // a bot's config defaults as a real 2026.9 dry-run bot shows them
      trailing_stop: false,
      trailing_stop_positive: null,
      trailing_stop_positive_offset: 0,
      trailing_only_offset_is_reached: false,
      unfilledtimeout: { entry: 10, exit: 10, unit: 'minutes', exit_timeout_count: 0 },
      order_types: { entry: 'limit', exit: 'limit', emergency_exit: 'market', stoploss: 'limit', stoploss_on_exchange: false, stoploss_on_exchange_interval: 60 },
      use_custom_stoploss: false,
      timeframe: o.timeframe,
      timeframe_ms: timeframeMinutes(o.timeframe) * 60_000,
      timeframe_min: timeframeMinutes(o.timeframe),
      exchange: o.exchange,
      // rpc.py _rpc_show_config: config["exchange"].get("demo_trading", False)
      demo_trading: false,
      strategy: o.strategy,
      force_entry_enable: false,
      exit_pricing: { price_side: 'same', use_order_book: false },
      entry_pricing: { price_side: 'same', use_order_book: false },
      bot_name: o.botName,
      state: this.state,
      runmode: o.dryRun ? 'dry_run' : 'live',
      position_adjustment_enable: false,
      max_entry_position_adjustment: -1,
    };
  }

  /** list[OpenTradeSchema] (api_schemas.py:392), rpc.py:199 _rpc_trade_status */
  status(): OpenTradeJson[] {
    return this.openTrades().map((t) => this.openTradeJson(t));
  }

  /** Count (api_schemas.py:120), rpc.py:1395 _rpc_count */
  count(): CountResponse {
    const open = this.openTrades();
    return {
      current: open.length,
      max: this.options.maxOpenTrades,
      total_stake: round(open.reduce((sum, t) => sum + t.openRate * t.amount, 0), 8),
    };
  }

  /** rpc.py:460 _rpc_trade_history: TradeResponse's keys (api_schemas.py:404), trades as Trade.to_json() */
  tradesPage(limit: number, offset: number): TradesPageResponse {
    const closed = this.closedTrades();
    const page = limit > 0 ? closed.slice(offset, offset + limit) : closed;
    return { trades: page.map((t) => this.tradeHistoryJson(t)), trades_count: page.length, offset, total_trades: closed.length };
  }

  /** Profit (api_schemas.py:150), rpc.py:588 _rpc_trade_statistics */
  profit(): ProfitResponse {
    const closed = this.closedTrades().map((t) => this.tradeJson(t));
    const open = this.status();
    const all = [...closed, ...open];
    const closedAbs = closed.reduce((s, t) => s + (t.close_profit_abs ?? 0), 0);
    const allAbs = closedAbs + open.reduce((s, t) => s + t.total_profit_abs, 0);
    const start = this.options.startingCapital;
    const wins = closed.filter((t) => (t.close_profit_abs ?? 0) > 0);
    const losses = closed.filter((t) => (t.close_profit_abs ?? 0) < 0);
    const sumWin = wins.reduce((s, t) => s + (t.close_profit_abs ?? 0), 0);
    const sumLoss = -losses.reduce((s, t) => s + (t.close_profit_abs ?? 0), 0);
    const first = all.reduce((m, t) => Math.min(m, t.open_timestamp), Number.POSITIVE_INFINITY);
    const latest = all.reduce((m, t) => Math.max(m, t.open_timestamp), 0);
    const durations = closed.map((t) => (t.close_timestamp ?? 0) - t.open_timestamp);
    const avg = durations.length ? durations.reduce((a, b) => a + b, 0) / durations.length : 0;
    const byPair = this.performance();
    const best = byPair[0];
    const dd = maxDrawdownFreqtrade(closed, start);
    const ratioMean = closed.length ? closed.reduce((s, t) => s + (t.close_profit ?? 0), 0) / closed.length : 0;
    const ratioSum = closed.reduce((s, t) => s + (t.close_profit ?? 0), 0);
    const winrate = closed.length ? wins.length / closed.length : 0;
    return {
      ...profitFigures('closed', closedAbs, ratioMean, ratioSum, start),
      ...profitFigures('all', allAbs, ratioMean, ratioSum, start),
      trade_count: all.length,
      closed_trade_count: closed.length,
      first_trade_date: all.length ? printDate(first) : '',
      first_trade_humanized: '',
      first_trade_timestamp: all.length ? first : 0,
      latest_trade_date: all.length ? printDate(latest) : '',
      latest_trade_humanized: '',
      latest_trade_timestamp: latest,
      avg_duration: durationString(avg),
      best_pair: best?.pair ?? '',
      best_rate: best ? best.profit_pct : 0,
      best_pair_profit_ratio: best?.profit_ratio ?? 0,
      best_pair_profit_abs: best?.profit_abs ?? 0,
      winning_trades: wins.length,
      losing_trades: losses.length,
      profit_factor: sumLoss > 0 ? round(sumWin / sumLoss) : 0,
      winrate: round(winrate),
      expectancy: closed.length ? round(closedAbs / closed.length) : 0,
      expectancy_ratio: 0,
      // data/metrics.py calculate_sharpe/sortino/sqn/calmar/cagr: the source reads none of them,
      // so the simulator sends the field with the value a bot gives before it has enough history
      sharpe: 0,
      sortino: 0,
      sqn: 0,
      calmar: 0,
      cagr: 0,
      max_drawdown: round(dd.relative),
      max_drawdown_abs: round(dd.abs),
      max_drawdown_start: '',
      max_drawdown_start_timestamp: 0,
      max_drawdown_end: '',
      max_drawdown_end_timestamp: 0,
      current_drawdown: round(dd.currentRelative),
      current_drawdown_abs: round(dd.currentAbs),
      current_drawdown_high: round(dd.currentHigh),
      current_drawdown_start: dd.currentHighMs === null ? '' : printDate(dd.currentHighMs),
      current_drawdown_start_timestamp: dd.currentHighMs ?? 0,
      trading_volume: round(all.reduce((s, t) => s + t.stake_amount, 0)),
      // rpc.py:789 dt_ts_def(bot_start, 0): milliseconds (util/datetime_helpers.py dt_ts_def)
      bot_start_timestamp: this.startedAt,
      bot_start_date: printDate(this.startedAt),
    };
  }

  /** Balances (api_schemas.py:103), rpc.py:839 _rpc_balance */
  balance(): BalanceResponse {
    const now = this.now();
    const stake = this.options.stakeCurrency;
    const closedAbs = this.closedTrades().reduce((s, t) => s + this.profitAbs(t, t.closeRate as number), 0);
    const open = this.openTrades();
    const used = open.reduce((s, t) => s + t.stake, 0);
    const free = round(this.options.startingCapital + closedAbs - used);
    const rows: BalanceEntry[] = [
      {
        currency: stake,
        free,
        balance: round(free + used),
        used: round(used),
        bot_owned: round(free + used),
        est_stake: round(free + used),
        est_stake_bot: round(free + used),
        stake,
        side: 'long',
        is_position: false,
        position: 0,
        is_bot_managed: true,
      },
    ];
    for (const t of open) {
      const value = round(t.amount * this.price(t.pair, now));
      rows.push({
        currency: t.pair.split('/')[0] ?? t.pair,
        free: t.amount,
        balance: t.amount,
        used: 0,
        bot_owned: t.amount,
        est_stake: value,
        est_stake_bot: value,
        stake,
        side: 'long',
        is_position: false,
        position: 0,
        is_bot_managed: true,
      });
    }
    // the stake row already counts open stakes as `used`: only the coin's gain/loss is extra
    const total = round(free + open.reduce((s, t) => s + t.amount * this.price(t.pair, now), 0));
    const start = this.options.startingCapital;
    return {
      currencies: rows,
      total,
      total_bot: total,
      symbol: 'USD',
      value: total,
      value_bot: total,
      stake,
      note: this.options.dryRun ? 'Simulated balances' : '',
      starting_capital: start,
      starting_capital_ratio: round(total / start - 1),
      starting_capital_pct: round((total / start - 1) * 100, 2),
      starting_capital_fiat: start,
      starting_capital_fiat_ratio: round(total / start - 1),
      starting_capital_fiat_pct: round((total / start - 1) * 100, 2),
    };
  }

  /** DailyWeeklyMonthly (api_schemas.py:233), rpc.py:384 _rpc_timeunit_profit('days'): newest day first, balance walked backwards from today's. */
  daily(timescale: number): DailyResponse {
    const today = Math.floor(this.now() / 86_400_000) * 86_400_000;
    const closed = this.closedTrades();
    let balance = this.balance().total;
    const data = [];
    for (let day = 0; day < timescale; day++) {
      const from = today - day * 86_400_000;
      const trades = closed.filter((t) => (t.closeMs as number) >= from && (t.closeMs as number) < from + 86_400_000);
      const abs = trades.reduce((s, t) => s + this.profitAbs(t, t.closeRate as number), 0);
      const startingBalance = balance - abs;
      data.push({
        date: new Date(from).toISOString().slice(0, 10),
        abs_profit: round(abs),
        rel_profit: startingBalance > 0 ? round(abs / startingBalance) : 0,
        starting_balance: round(startingBalance),
        fiat_value: round(abs),
        trade_count: trades.length,
      });
      balance = startingBalance;
    }
    return { data, fiat_display_currency: 'USD', stake_currency: this.options.stakeCurrency };
  }

  /** list[PerformanceEntry] (api_schemas.py:145), rpc.py:1363 _rpc_performance */
  performance(): PerformanceEntry[] {
    const byPair = new Map<string, { abs: number; ratio: number; count: number }>();
    for (const t of this.closedTrades()) {
      const entry = byPair.get(t.pair) ?? { abs: 0, ratio: 0, count: 0 };
      const abs = this.profitAbs(t, t.closeRate as number);
      entry.abs += abs;
      entry.ratio += abs / (t.amount * t.openRate * (1 + FEE));
      entry.count++;
      byPair.set(t.pair, entry);
    }
    return [...byPair.entries()]
      .map(([pair, e]) => ({
        pair,
        profit: round(e.ratio * 100, 2),
        profit_ratio: round(e.ratio),
        profit_pct: round(e.ratio * 100, 2),
        profit_abs: round(e.abs),
        count: e.count,
      }))
      .sort((a, b) => b.profit_abs - a.profit_abs);
  }

  /** Health (api_schemas.py:814), rpc.py:1793 health (its *_loc keys are not in the model, so not sent) */
  health(): HealthResponse {
    // Freqtrade's main loop runs every process_throttle_secs (5 s)
    const last = this.frozenHeartbeat ?? Math.floor(this.now() / 5_000) * 5_000;
    const start = this.startedAt;
    return {
      last_process: pythonDatetime(last),
      last_process_ts: Math.floor(last / 1000),
      bot_start: pythonDatetime(start),
      bot_start_ts: Math.floor(start / 1000),
      bot_startup: pythonDatetime(start),
      bot_startup_ts: Math.floor(start / 1000),
    };
  }

  /** A pair is locked for an hour after a stop-loss exit (like StoplossGuard/cooldown protections). */
  /** Locks (api_schemas.py:426), rpc.py:1411 _rpc_locks */
  locks(): LocksResponse {
    const now = this.now();
    const locks = this.closedTrades()
      .filter((t) => t.exitReason === 'stop_loss' && (t.closeMs as number) + 3_600_000 > now)
      .map((t) => ({
        id: t.id,
        active: true,
        lock_end_time: printDate((t.closeMs as number) + 3_600_000),
        lock_end_timestamp: (t.closeMs as number) + 3_600_000,
        lock_time: printDate(t.closeMs as number),
        lock_timestamp: t.closeMs as number,
        pair: t.pair,
        side: '*',
        reason: 'StoplossGuard',
      }));
    return { lock_count: locks.length, locks };
  }

  /**
   * Stats (api_schemas.py:219), rpc.py:487 _rpc_stats: closed trades per exit_reason as wins/losses/draws (close_profit >0/<0/0),
   * and the mean duration in seconds of each kind (None without such a trade).
   */
  stats(): StatsResponse {
    const exitReasons: StatsResponse['exit_reasons'] = {};
    const durations: Record<'wins' | 'draws' | 'losses', number[]> = { wins: [], draws: [], losses: [] };
    for (const t of this.closedTrades()) {
      const profit = this.profitAbs(t, t.closeRate as number);
      const kind = profit > 0 ? 'wins' : profit < 0 ? 'losses' : 'draws';
      const reason = t.exitReason ?? '';
      exitReasons[reason] ??= { wins: 0, losses: 0, draws: 0 };
      exitReasons[reason][kind]++;
      durations[kind].push(((t.closeMs as number) - t.openMs) / 1000);
    }
    const mean = (list: number[]) => (list.length > 0 ? list.reduce((a, b) => a + b, 0) / list.length : null);
    return { exit_reasons: exitReasons, durations: { wins: mean(durations.wins), draws: mean(durations.draws), losses: mean(durations.losses) } };
  }

  /**
   * Logs (api_schemas.py:443), rpc.py:1491 _rpc_get_logs: the bot's log buffer (loggers/__init__.py FTBufferingHandler(1000)),
   * each record [formatted time, epoch ms (float), logger name, levelname, message].
   */
  logs(limit: number | null): LogsResponse {
    const records = this.logRecords.slice(-1000);
    const selected = limit ? records.slice(-limit) : records;
    return { log_count: selected.length, logs: selected.map((r) => [printDate(r.ms), r.ms, r.logger, r.level, r.message]) };
  }

  /** WhitelistResponse (api_schemas.py:477), rpc.py:1445 _rpc_whitelist */
  whitelist(): WhitelistResponse {
    return { whitelist: [...this.options.pairs], length: this.options.pairs.length, method: ['StaticPairList'] };
  }
}

function timeframeMinutes(timeframe: string): number {
  const match = /^(\d+)([mhd])$/.exec(timeframe);
  if (!match) return 5;
  const n = Number(match[1]);
  return match[2] === 'm' ? n : match[2] === 'h' ? n * 60 : n * 1_440;
}

/** calculate_max_drawdown of freqtrade/data/metrics.py (running high starts at the first trade). */
function maxDrawdownFreqtrade(
  closed: TradeJson[],
  startingBalance: number
): { abs: number; relative: number; currentAbs: number; currentRelative: number; currentHigh: number; currentHighMs: number | null } {
  const sorted = [...closed].sort((a, b) => (a.close_timestamp ?? 0) - (b.close_timestamp ?? 0));
  let cumulative = 0;
  let high = Number.NEGATIVE_INFINITY;
  let highMs: number | null = null;
  let abs = 0;
  let relative = 0;
  for (const t of sorted) {
    cumulative += t.close_profit_abs ?? 0;
    if (cumulative > high) {
      high = cumulative;
      highMs = t.close_timestamp ?? null;
    }
    if (high - cumulative > abs) {
      abs = high - cumulative;
      relative = (high - cumulative) / (startingBalance + high);
    }
  }
  // the drawdown from the running high to the last trade (DrawDownResult.current_*)
  if (sorted.length === 0) return { abs, relative, currentAbs: 0, currentRelative: 0, currentHigh: 0, currentHighMs: null };
  const currentAbs = high - cumulative;
  return { abs, relative, currentAbs, currentRelative: currentAbs / (startingBalance + high), currentHigh: high, currentHighMs: highMs };
}
