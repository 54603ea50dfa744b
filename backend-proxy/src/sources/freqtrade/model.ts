// Pure logic of the Freqtrade source: the bot's polled state, the incremental closed-trade
// book, drawdown from closed trades, the one-row bot summary. No I/O here.
import type {
  BalanceResponse,
  CountResponse,
  DailyResponse,
  HealthResponse,
  LocksResponse,
  LogsResponse,
  OpenTradeJson,
  PerformanceEntry,
  ProfitResponse,
  ShowConfigResponse,
  StatsResponse,
  TradeJson,
  WhitelistResponse,
} from './api.js';

/** What one poll learned; an endpoint that failed keeps null and its error. */
export interface BotSnapshot {
  /** ms of the poll */
  at: number;
  config: ShowConfigResponse | null;
  status: OpenTradeJson[] | null;
  count: CountResponse | null;
  profit: ProfitResponse | null;
  balance: BalanceResponse | null;
  daily: DailyResponse | null;
  performance: PerformanceEntry[] | null;
  health: HealthResponse | null;
  locks: LocksResponse | null;
  whitelist: WhitelistResponse | null;
  stats: StatsResponse | null;
  logs: LogsResponse | null;
  /** endpoint -> scrubbed error message */
  errors: Record<string, string>;
}

export function emptySnapshot(at: number): BotSnapshot {
  return {
    at,
    config: null,
    status: null,
    count: null,
    profit: null,
    balance: null,
    daily: null,
    performance: null,
    health: null,
    locks: null,
    whitelist: null,
    stats: null,
    logs: null,
    errors: {},
  };
}

/** Seconds since the bot's main loop last ran (`last_process_ts` is in seconds), null if unknown. */
export function heartbeatAgeSeconds(health: HealthResponse | null, now: number): number | null {
  const ts = health?.last_process_ts;
  if (typeof ts !== 'number' || !Number.isFinite(ts)) return null;
  return Math.max(0, Math.round(now / 1000 - ts));
}

// --- ftmetric's /stats, /logs and balance-period families (kamontat/fthelper metric v4, read at
// 4970bd51fbd41418187dd47c4e5710bd04e4241d; the upstream shapes from freqtrade 2026.9 rpc.py) ---

/** ftmetric's type label values (metric/src/metrics/ft_stat.go:27,32,37,55,60,65) */
export const STAT_TYPES = [
  ['wins', 'win'],
  ['draws', 'draw'],
  ['losses', 'loss'],
] as const;

/**
 * freqtrade_stat_sell_reason rows: closed trades per exit reason and outcome. Freqtrade calls the
 * map exit_reasons since 2022 (api_schemas.py Stats); ftmetric read the older sell_reasons
 * (metric/src/freqtrade/plugin_stat.go:39): both are read.
 */
export function sellReasonRows(stats: StatsResponse): Array<{ reason: string; type: string; value: number }> {
  const reasons = stats.exit_reasons ?? stats.sell_reasons ?? {};
  return Object.entries(reasons).flatMap(([reason, counts]) =>
    STAT_TYPES.map(([key, type]) => ({ reason, type, value: Number(counts?.[key] ?? 0) }))
  );
}

/**
 * freqtrade_stat_duration per type: the mean seconds of winning/drawn/losing trades. -1 when the
 * bot has none of that kind (freqtrade 2026.9 sends null; older bots "N/A"), as ftmetric's
 * toDuration does (plugin_stat.go:43-54). Older bots sent "H:MM:SS" text, which ftmetric could
 * not parse (-1); it is read as seconds here.
 */
export function statDurations(stats: StatsResponse): Array<{ type: string; seconds: number }> {
  return STAT_TYPES.map(([key, type]) => {
    const value = stats.durations?.[key];
    if (typeof value === 'number' && Number.isFinite(value)) return { type, seconds: value };
    if (typeof value === 'string') {
      const match = /^(?:(\d+) days?, )?(\d+):(\d{2}):(\d{2})(?:\.\d+)?$/.exec(value.trim());
      if (match) return { type, seconds: Number(match[1] ?? 0) * 86_400 + Number(match[2]) * 3_600 + Number(match[3]) * 60 + Number(match[4]) };
    }
    return { type, seconds: -1 };
  });
}

/**
 * The /logs buffer counted as ftmetric does (plugin_log.go:56-94): `total` is the answer's
 * log_count, `valid` the records of five fields, `levels` the valid records per levelname.
 */
export function logLevelCounts(logs: LogsResponse): { total: number; valid: number; levels: Map<string, number> } {
  const levels = new Map<string, number>();
  let valid = 0;
  for (const record of Array.isArray(logs.logs) ? logs.logs : []) {
    if (!Array.isArray(record) || record.length !== 5 || typeof record[3] !== 'string') continue;
    valid++;
    levels.set(record[3], (levels.get(record[3]) ?? 0) + 1);
  }
  return { total: typeof logs.log_count === 'number' ? logs.log_count : valid, valid, levels };
}

/** ftmetric's four balance periods (plugin_schedule_perf.go:65-76): 1 min, 1 h, 24 h, 720 h. */
export const PERF_PERIODS = [
  ['minute', 60_000],
  ['hourly', 3_600_000],
  ['daily', 86_400_000],
  ['monthly', 720 * 3_600_000],
] as const;
export type PerfPeriod = (typeof PERF_PERIODS)[number][0];

/**
 * freqtrade_perf_{minute,hourly,daily,monthly}: the relative change of the balance total (stake
 * currency, /balance `total`) from the snapshot taken at the start of the period to the one at
 * its end, (new - old) / old (aggregators/percentage.go:4-16; 0 when old is 0). A new snapshot is
 * taken once a period has passed (caches/data.go:45-51,74-81). ftmetric reports the change only
 * at the scrape that rolls the period over and 0 at every other scrape
 * (plugin_schedule_perf.go:42-59); here the last completed period's change is held until the
 * next one completes, so a dashboard shows it the whole period. 0 before the first period ends.
 */
export class BalancePeriods {
  private readonly state = new Map<PerfPeriod, { total: number; at: number; change: number }>();

  observe(total: number, now: number): void {
    if (!Number.isFinite(total)) return;
    for (const [period, ms] of PERF_PERIODS) {
      const last = this.state.get(period);
      if (!last) this.state.set(period, { total, at: now, change: 0 });
      else if (now - last.at > ms) this.state.set(period, { total, at: now, change: last.total === 0 ? 0 : (total - last.total) / last.total });
    }
  }

  values(): Array<{ period: PerfPeriod; change: number }> {
    return PERF_PERIODS.flatMap(([period]) => {
      const entry = this.state.get(period);
      return entry ? [{ period, change: entry.change }] : [];
    });
  }
}

export type BotCondition = { status: 'ok' | 'degraded'; message: string };

/**
 * What the bot says about itself while answering: stopped or reloading, a stuck loop, or some
 * endpoints failing (an exchange error on /balance) make the source degraded, not down.
 */
export function botCondition(snapshot: BotSnapshot, now: number, staleSeconds: number): BotCondition {
  const state = snapshot.config?.state;
  // paused (freqtrade 2025+, /pause and /stopentry: rpc.py _rpc_pause) manages open trades but enters none
  if (state === 'paused') return { status: 'degraded', message: 'bot state is paused (no new entries)' };
  if (state && state !== 'running') return { status: 'degraded', message: `bot state is ${state}` };
  const age = heartbeatAgeSeconds(snapshot.health, now);
  if (age !== null && age > staleSeconds) return { status: 'degraded', message: `stale heartbeat: last process ${age} s ago` };
  const failed = Object.entries(snapshot.errors).filter(([endpoint]) => !(endpoint === 'count' && state !== 'running'));
  if (failed.length > 0) {
    const [endpoint, message] = failed[0] as [string, string];
    return { status: 'degraded', message: `${endpoint}: ${message}` };
  }
  return { status: 'ok', message: 'ok' };
}

export interface BotRow {
  source: string;
  bot: string;
  up: boolean;
  state: string;
  runmode: string;
  strategy: string;
  exchange: string;
  dry_run: boolean | null;
  trading_mode: string;
  stake_currency: string;
  timeframe: string;
  version: string;
  open_trades: number | null;
  /** null when unlimited (-1) or unknown */
  max_open_trades: number | null;
  closed_trades: number | null;
  profit_closed_abs: number | null;
  profit_all_abs: number | null;
  profit_all_ratio: number | null;
  winrate: number | null;
  heartbeat_age: number | null;
  last_process: number | null;
  message: string;
}

/** One row per bot for the `bots` query. `up` is false when the last poll could not reach it. */
export function botRow(
  sourceId: string,
  name: string,
  snapshot: BotSnapshot | null,
  up: boolean,
  now: number,
  message: string
): BotRow {
  const config = snapshot?.config ?? null;
  const maxOpen = snapshot?.count?.max ?? config?.max_open_trades ?? null;
  const lastProcessTs = snapshot?.health?.last_process_ts;
  return {
    source: sourceId,
    bot: config?.bot_name || name,
    up,
    state: up ? config?.state || 'unknown' : 'unreachable',
    runmode: config?.runmode ?? '',
    strategy: config?.strategy ?? '',
    exchange: config?.exchange ?? '',
    dry_run: config ? config.dry_run : null,
    trading_mode: config?.trading_mode ?? '',
    stake_currency: config?.stake_currency ?? '',
    timeframe: config?.timeframe ?? '',
    version: config?.version ?? '',
    open_trades: snapshot?.count?.current ?? snapshot?.status?.length ?? null,
    max_open_trades: maxOpen === null || maxOpen < 0 ? null : maxOpen,
    closed_trades: snapshot?.profit?.closed_trade_count ?? null,
    profit_closed_abs: snapshot?.profit?.profit_closed_coin ?? null,
    profit_all_abs: snapshot?.profit?.profit_all_coin ?? null,
    profit_all_ratio: snapshot?.profit?.profit_all_ratio ?? null,
    winrate: snapshot?.profit ? winrate(snapshot.profit) : null,
    heartbeat_age: snapshot ? heartbeatAgeSeconds(snapshot.health, now) : null,
    last_process: typeof lastProcessTs === 'number' ? lastProcessTs * 1000 : null,
    message,
  };
}

/** Older bots have no `winrate`; derive it from the win/loss counts then. */
export function winrate(profit: ProfitResponse): number {
  if (typeof profit.winrate === 'number') return profit.winrate;
  const decided = profit.winning_trades + profit.losing_trades;
  return decided > 0 ? profit.winning_trades / decided : 0;
}

export interface DrawdownPoint {
  /** close time (ms) */
  time: number;
  /** cumulative closed profit, stake currency */
  cumulative: number;
  /** highest cumulative profit so far (starts at 0: the starting balance) */
  peak: number;
  /** peak - cumulative (>= 0), stake currency */
  drawdownAbs: number;
  /** drawdown relative to the peak balance (starting balance + peak), null without a starting balance */
  drawdownRatio: number | null;
}

export interface Drawdown {
  series: DrawdownPoint[];
  maxAbs: number;
  maxRatio: number | null;
  /** time of the peak before the deepest trough, and of the trough; null when no drawdown */
  peakTime: number | null;
  troughTime: number | null;
  currentAbs: number;
  currentRatio: number | null;
}

/**
 * Drawdown of the account from closed trades, in close order. Unlike Freqtrade's
 * calculate_max_drawdown (whose running high starts at the first trade's result), the peak
 * starts at the starting balance, so losing first trades count as drawdown as an account sees it.
 */
export function computeDrawdown(closed: readonly TradeJson[], startingBalance: number | null): Drawdown {
  const sorted = closed
    .filter((t) => typeof t.close_timestamp === 'number')
    .sort((a, b) => (a.close_timestamp as number) - (b.close_timestamp as number) || a.trade_id - b.trade_id);
  const series: DrawdownPoint[] = [];
  let cumulative = 0;
  let peak = 0;
  let peakTime: number | null = null;
  let best = { abs: 0, ratio: null as number | null, peakTime: null as number | null, troughTime: null as number | null };
  for (const trade of sorted) {
    const time = trade.close_timestamp as number;
    cumulative += trade.close_profit_abs ?? trade.profit_abs ?? 0;
    if (cumulative > peak) {
      peak = cumulative;
      peakTime = time;
    }
    const drawdownAbs = peak - cumulative;
    const drawdownRatio = startingBalance && startingBalance > 0 ? drawdownAbs / (startingBalance + peak) : null;
    series.push({ time, cumulative, peak, drawdownAbs, drawdownRatio });
    if (drawdownAbs > best.abs) best = { abs: drawdownAbs, ratio: drawdownRatio, peakTime: peakTime ?? sorted[0]?.open_timestamp ?? null, troughTime: time };
  }
  const last = series.at(-1);
  return {
    series,
    maxAbs: best.abs,
    maxRatio: startingBalance && startingBalance > 0 ? (best.ratio ?? 0) : null,
    peakTime: best.troughTime === null ? null : best.peakTime,
    troughTime: best.troughTime,
    currentAbs: last?.drawdownAbs ?? 0,
    currentRatio: startingBalance && startingBalance > 0 ? (last?.drawdownRatio ?? 0) : null,
  };
}

/**
 * Closed trades of one bot, kept in the bot's own order (by trade id, as /api/v1/trades pages
 * them) and fetched incrementally: a trade that closes gets inserted at its id's position, so
 * everything from the lowest id still open at the last poll onwards is fetched again.
 */
export class ClosedTradeBook {
  private trades: TradeJson[] = [];
  /** oldest trades dropped to respect maxTrades (they never change on the bot) */
  private dropped = 0;
  private droppedMaxId = 0;

  constructor(private readonly maxTrades: number) {}

  get size(): number {
    return this.trades.length;
  }

  /** Trades the bot has closed as far as the book knows (including dropped ones). */
  get knownTotal(): number {
    return this.dropped + this.trades.length;
  }

  all(): readonly TradeJson[] {
    return this.trades;
  }

  ids(): Set<number> {
    return new Set(this.trades.map((t) => t.trade_id));
  }

  /** The bot-side offset from which the closed list may have changed since the last sync. */
  resyncOffset(lowestOpenId: number | null): number {
    if (lowestOpenId === null) return this.knownTotal;
    if (this.dropped > 0 && lowestOpenId <= this.droppedMaxId) return 0;
    const below = this.trades.filter((t) => t.trade_id < lowestOpenId).length;
    return this.dropped + below;
  }

  /**
   * Replaces everything from `offset` with `fetched` (the bot's trades from that offset to the end).
   * Returns the trades not seen before, or null when the result does not add up to `total`
   * (trades deleted or inserted before the offset): the caller then syncs again from 0.
   */
  replaceFrom(offset: number, fetched: readonly TradeJson[], total: number): TradeJson[] | null {
    if (offset !== 0 && offset < this.dropped) return null;
    const previous = this.ids();
    const droppedMaxId = this.droppedMaxId;
    const keep = offset === 0 ? [] : this.trades.slice(0, offset - this.dropped);
    const dropped = offset === 0 ? 0 : this.dropped;
    const next = [...keep, ...fetched];
    if (dropped + next.length !== total) return null;
    // the bot pages by id: a repeated or out-of-order id means the offset was wrong
    for (let i = 1; i < next.length; i++) if ((next[i] as TradeJson).trade_id <= (next[i - 1] as TradeJson).trade_id) return null;
    this.trades = next;
    this.dropped = dropped;
    if (offset === 0) this.droppedMaxId = 0;
    this.trim();
    // trades dropped earlier and fetched again by a full resync are not new
    return fetched.filter((t) => !previous.has(t.trade_id) && t.trade_id > droppedMaxId);
  }

  private trim(): void {
    const excess = this.trades.length - this.maxTrades;
    if (excess <= 0) return;
    const removed = this.trades.splice(0, excess);
    this.dropped += excess;
    this.droppedMaxId = Math.max(this.droppedMaxId, ...removed.map((t) => t.trade_id));
  }
}

/** Lowest id among open trades, or null when none are open. */
export function lowestOpenId(...lists: Array<readonly OpenTradeJson[] | null | undefined>): number | null {
  let lowest: number | null = null;
  for (const list of lists) for (const t of list ?? []) lowest = lowest === null ? t.trade_id : Math.min(lowest, t.trade_id);
  return lowest;
}

/** Midnight UTC (ms) of a /daily `date` ("YYYY-MM-DD"), NaN when malformed. */
export function dayStart(date: string): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) ? Date.parse(`${date}T00:00:00Z`) : Number.NaN;
}

/** Pairs known to the bot: its whitelist, then any other pair it has traded, sorted. */
export function knownPairs(snapshot: BotSnapshot | null, closed: readonly TradeJson[]): string[] {
  const pairs = new Set<string>(snapshot?.whitelist?.whitelist ?? []);
  for (const t of snapshot?.status ?? []) pairs.add(t.pair);
  for (const t of closed) pairs.add(t.pair);
  return [...pairs].sort();
}

export interface TradeMark {
  time: number;
  kind: 'entry' | 'exit';
  trade: TradeJson;
}

/** Entries and exits that fall inside a time range, oldest first. */
export function tradeMarks(trades: readonly TradeJson[], range: { from: number; to: number }): TradeMark[] {
  const marks: TradeMark[] = [];
  const seen = new Set<number>();
  for (const trade of trades) {
    if (seen.has(trade.trade_id)) continue;
    seen.add(trade.trade_id);
    if (trade.open_timestamp >= range.from && trade.open_timestamp <= range.to) {
      marks.push({ time: trade.open_timestamp, kind: 'entry', trade });
    }
    const close = trade.close_timestamp;
    if (typeof close === 'number' && close >= range.from && close <= range.to) marks.push({ time: close, kind: 'exit', trade });
  }
  return marks.sort((a, b) => a.time - b.time || (a.kind === 'entry' ? -1 : 1));
}
