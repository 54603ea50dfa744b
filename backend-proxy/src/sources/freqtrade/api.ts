// Response shapes of Freqtrade's REST API v1, as declared in freqtrade/rpc/api_server/api_schemas.py
// (API_VERSION 2.x). Only the fields nodescope reads are required; the rest is optional because
// older bots omit them.

/** str(State) of freqtrade/enums/state.py; `paused` (no new entries) since 2025 (/pause, /stopentry) */
export type BotState = 'running' | 'paused' | 'stopped' | 'reload_config';

export interface PingResponse {
  status: string;
}

export interface TokenLoginResponse {
  access_token: string;
  refresh_token: string;
}

export interface TokenRefreshResponse {
  access_token: string;
}

export interface VersionResponse {
  version: string;
}

export interface ShowConfigResponse {
  version: string;
  strategy_version?: string | null;
  api_version: number;
  dry_run: boolean;
  trading_mode: string;
  margin_mode?: string;
  demo_trading?: boolean;
  short_allowed?: boolean;
  stake_currency: string;
  stake_amount: string;
  stake_currency_decimals?: number;
  /** -1 when unlimited */
  max_open_trades: number;
  stoploss?: number | null;
  timeframe?: string | null;
  timeframe_ms?: number;
  timeframe_min?: number;
  exchange: string;
  strategy?: string | null;
  force_entry_enable?: boolean;
  bot_name: string;
  /** str(State): running | paused | stopped | reload_config ('' in webserver mode) */
  state: string;
  /** dry_run | live | webserver ... */
  runmode: string;
  position_adjustment_enable?: boolean;
  [extra: string]: unknown;
}

export interface OrderJson {
  pair: string;
  order_id: string;
  status: string;
  amount: number;
  safe_price: number;
  cost: number;
  filled?: number | null;
  ft_order_side: string;
  order_type: string;
  is_open: boolean;
  order_timestamp?: number | null;
  order_filled_timestamp?: number | null;
}

export interface TradeJson {
  trade_id: number;
  pair: string;
  base_currency: string;
  quote_currency: string;
  is_open: boolean;
  is_short: boolean;
  exchange: string;
  amount: number;
  stake_amount: number;
  strategy: string;
  enter_tag?: string | null;
  timeframe?: number;
  fee_open?: number | null;
  fee_close?: number | null;
  open_date: string;
  /** ms */
  open_timestamp: number;
  open_rate: number;
  open_trade_value?: number;
  close_date?: string | null;
  /** ms */
  close_timestamp?: number | null;
  close_rate?: number | null;
  close_profit?: number | null;
  close_profit_pct?: number | null;
  close_profit_abs?: number | null;
  profit_ratio?: number | null;
  profit_pct?: number | null;
  profit_abs?: number | null;
  realized_profit?: number;
  exit_reason?: string | null;
  stop_loss_abs?: number | null;
  stop_loss_ratio?: number | null;
  leverage?: number | null;
  has_open_orders?: boolean;
  orders?: OrderJson[];
  [extra: string]: unknown;
}

export interface OpenTradeJson extends TradeJson {
  current_rate: number;
  total_profit_abs: number;
  total_profit_ratio?: number | null;
  stoploss_current_dist_ratio?: number | null;
}

export interface TradesPageResponse {
  trades: TradeJson[];
  trades_count: number;
  offset: number;
  total_trades: number;
}

export interface CountResponse {
  current: number;
  /** -1 when unlimited */
  max: number;
  total_stake: number;
}

export interface ProfitResponse {
  profit_closed_coin: number;
  profit_closed_ratio: number;
  profit_closed_percent: number;
  profit_closed_ratio_mean?: number;
  profit_closed_fiat: number;
  profit_all_coin: number;
  profit_all_ratio: number;
  profit_all_percent: number;
  profit_all_fiat: number;
  trade_count: number;
  closed_trade_count: number;
  /** ms */
  first_trade_timestamp: number;
  /** ms */
  latest_trade_timestamp: number;
  avg_duration: string;
  best_pair: string;
  best_pair_profit_ratio?: number;
  winning_trades: number;
  losing_trades: number;
  profit_factor?: number;
  winrate?: number;
  expectancy?: number;
  expectancy_ratio?: number;
  max_drawdown?: number;
  max_drawdown_abs?: number;
  trading_volume?: number | null;
  /** milliseconds, 0 when unknown: rpc.py:789 dt_ts_def(bot_start, 0) (freqtrade 2026.9) */
  bot_start_timestamp?: number;
  [extra: string]: unknown;
}

export interface BalanceEntry {
  currency: string;
  free: number;
  balance: number;
  used: number;
  bot_owned?: number | null;
  est_stake: number;
  est_stake_bot?: number | null;
  stake: string;
  side?: string;
  is_position?: boolean;
  position?: number;
  is_bot_managed?: boolean;
}

export interface BalanceResponse {
  currencies: BalanceEntry[];
  total: number;
  total_bot?: number;
  /** fiat display currency */
  symbol: string;
  value: number;
  value_bot?: number;
  stake: string;
  note: string;
  starting_capital?: number;
  starting_capital_ratio?: number;
  starting_capital_pct?: number;
  starting_capital_fiat?: number;
  starting_capital_fiat_ratio?: number;
  starting_capital_fiat_pct?: number;
}

export interface DailyRecord {
  /** YYYY-MM-DD (UTC) */
  date: string;
  abs_profit: number;
  rel_profit: number;
  starting_balance: number;
  fiat_value: number;
  trade_count: number;
}

export interface DailyResponse {
  data: DailyRecord[];
  fiat_display_currency: string;
  stake_currency: string;
}

export interface PerformanceEntry {
  pair: string;
  /** percent (legacy name of profit_pct) */
  profit: number;
  profit_ratio: number;
  profit_pct: number;
  profit_abs: number;
  count: number;
}

export interface HealthResponse {
  last_process?: string | null;
  /** seconds since epoch */
  last_process_ts?: number | null;
  bot_start?: string | null;
  bot_start_ts?: number | null;
  bot_startup?: string | null;
  bot_startup_ts?: number | null;
}

export interface LockJson {
  id: number;
  active: boolean;
  lock_end_time: string;
  /** ms */
  lock_end_timestamp: number;
  lock_time: string;
  /** ms */
  lock_timestamp: number;
  pair: string;
  side: string;
  reason?: string | null;
}

export interface LocksResponse {
  lock_count: number;
  locks: LockJson[];
}

export interface WhitelistResponse {
  whitelist: string[];
  length: number;
  method: string[];
}

/** api_schemas.py Stats (rpc.py _rpc_stats): freqtrade before 2022 named exit_reasons sell_reasons. */
export interface StatsResponse {
  exit_reasons?: Record<string, { wins: number; losses: number; draws: number }>;
  /** mean seconds per kind, null without such a trade (old bots: a "H:MM:SS" string or "N/A") */
  durations: Record<string, number | string | null>;
  sell_reasons?: Record<string, { wins: number; losses: number; draws: number }>;
}

/** api_schemas.py Logs (rpc.py _rpc_get_logs): [formatted time, epoch ms, logger, levelname, message] */
export interface LogsResponse {
  log_count: number;
  logs: Array<[string, number, string, string, string]>;
}
