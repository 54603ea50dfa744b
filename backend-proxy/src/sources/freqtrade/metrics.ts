// Prometheus series named as ftmetric (kamontat/fthelper, metric/src/metrics/ft_*.go) names
// them, so existing Freqtrade dashboards keep working: the same `freqtrade_*` names and labels
// (cluster, strategy, version, + per-metric labels); MetricFactory adds `source`. Series whose
// endpoint failed are removed rather than left at a stale value (ftmetric emits nothing then too).
import type { Counter, Gauge } from 'prom-client';
import type { MetricFactory } from '../../core/metrics.js';
import type { BalancePeriods, Drawdown } from './model.js';
import { heartbeatAgeSeconds, logLevelCounts, sellReasonRows, statDurations, type BotSnapshot } from './model.js';
import { durationSeconds } from './frames.js';

const BASE = ['cluster', 'strategy', 'version'] as const;
type Labels = Record<string, string>;

/**
 * ftmetric's StateInt: stopped 0, running 1, stop_buy 2 (max_open_trades 0), anything else -1.
 * Freqtrade 2025+ has a `paused` state instead (/pause, /stopentry and /stopbuy all set
 * State.PAUSED: api_trading.py:332-334, rpc.py _rpc_pause): the same "no new entries", so 2 too,
 * with text="paused".
 */
export function stateValue(state: string | undefined, maxOpenTrades: number | undefined): { text: string; value: number } {
  const text = maxOpenTrades === 0 && state === 'running' ? 'stop_buy' : (state ?? 'unknown') || 'unknown';
  const value = text === 'stopped' ? 0 : text === 'running' ? 1 : text === 'stop_buy' || text === 'paused' ? 2 : -1;
  return { text, value };
}

/** ftmetric's ModeInt: dry_run 0, live 1, else -1. */
export function modeValue(runmode: string | undefined): number {
  return runmode === 'dry_run' ? 0 : runmode === 'live' ? 1 : -1;
}

export function createFreqtradeMetrics(factory: MetricFactory) {
  const g = (name: string, help: string, extra: string[] = []) => factory.gauge(name, help, [...BASE, ...extra]);
  const c = (name: string, help: string) => factory.counter(name, help, [...BASE]);
  return {
    buildInfo: g('freqtrade_build_info', 'Information relate to freqtrade, 0 meaning server is down'),
    state: g('freqtrade_state', 'Freqtrade run state (stopped 0, running 1, stop_buy 2, other -1)', ['text']),
    mode: g('freqtrade_mode', 'Freqtrade mode (dry_run 0, live 1, other -1)', ['text']),
    cryptoBalance: g('freqtrade_crypto_balance', 'Current crypto balance in exchange', ['stake']),
    fiatBalance: g('freqtrade_fiat_balance', 'Current fiat balance in exchange', ['stake']),
    cryptoBalances: g(
      'freqtrade_crypto_balances',
      'Current holding cryptocurrency balance. (Number will shown as stake currency)',
      ['currency', 'stake']
    ),
    rateConvert: g('freqtrade_rate_convert', 'Rate from crypto to fiat currency (1 crypto = X fiat).', ['from', 'to']),
    lockCount: g('freqtrade_lock_count', 'Current active lock data.'),
    pairWhitelist: g('freqtrade_pair_whitelist', 'How many pair are whitelist currently.'),
    pairProfitPct: g('freqtrade_pair_profit_pct', 'Total percent profit per pair.', ['pair']),
    pairProfitAbs: g('freqtrade_pair_profit_abs', 'Total profit per pair (as crypto currency).', ['pair']),
    pairCount: g('freqtrade_pair_count', 'Total closed trades for specify pair', ['pair']),
    perfRealized: g('freqtrade_perf_realized', 'Realized profit amount (included only closed trades).', ['stake']),
    perfRealizedPct: g('freqtrade_perf_realized_pct', 'Realized profit percentage (0-1).'),
    perfUnrealized: g('freqtrade_perf_unrealized', 'Unrealized profit amount (included both opened/closed trades).', ['stake']),
    perfUnrealizedPct: g('freqtrade_perf_unrealized_pct', 'Unrealized profit percentage (0-1).'),
    tradeOpenStake: g('freqtrade_trade_open_stake', 'Total stake in crypto for all opened trade.'),
    tradeOpenCurrent: g('freqtrade_trade_open_current', 'Currently open trade'),
    tradeOpenMax: g('freqtrade_trade_open_max', 'Maximum allow to open trade at the time.'),
    tradeTotal: c('freqtrade_trade_total', 'Total trades, increasing both open and close'),
    tradeClose: c('freqtrade_trade_close', 'Total closed trades.'),
    tradeWinning: c('freqtrade_trade_winning', 'How many trade are winning as counter'),
    tradeLosing: c('freqtrade_trade_losing', 'How many trade are losing as counter'),
    tradeAvgDuration: g('freqtrade_trade_avg_duration_seconds', 'Average closing trade in seconds.'),
    tradeFirst: g('freqtrade_trade_first_seconds', 'First trade since unix epoch in seconds.'),
    tradeLatest: g('freqtrade_trade_latest_seconds', 'Latest trade since unix epoch in seconds.'),
    // ftmetric's ft_performance.go:15-86 (balance periods), ft_stat.go:13-45 (/stats), ft_log.go:14-52 (/logs)
    perfMinute: g('freqtrade_perf_minute', 'Profit calculate by balance from last minute to now (update every minute).'),
    perfHourly: g('freqtrade_perf_hourly', 'Profit calculate by balance from last hour to now (update once every hour).'),
    perfDaily: g('freqtrade_perf_daily', 'Profit calculate by balance from yesterday to now (update once everyday).'),
    perfMonthly: g('freqtrade_perf_monthly', 'Profit calculate by balance from last month to now (update once every month).'),
    statSellReason: g('freqtrade_stat_sell_reason', 'Sell reason wins/draws/losses number.', ['reason', 'type']),
    statDuration: g('freqtrade_stat_duration', 'Current average wins/draws/losses duration', ['type']),
    logLevelTotal: g('freqtrade_log_level_total', 'Total log messages that we request.'),
    logLevelCount: g('freqtrade_log_level_count', 'Count all valid log that ftmetric can pass.'),
    logLevel: g('freqtrade_log_level', 'How many log occurred group by level in specify time.', ['level']),
    // nodescope additions (no ftmetric equivalent)
    heartbeatAge: g('freqtrade_heartbeat_age_seconds', "Seconds since the bot's main loop last ran (from /health last_process)"),
    lastProcess: g('freqtrade_last_process_timestamp_seconds', "Unix time of the bot's last main loop run"),
    drawdownMaxAbs: g('freqtrade_drawdown_max_abs', 'Deepest drawdown of cumulative closed profit, stake currency', ['stake']),
    drawdownMaxRatio: g('freqtrade_drawdown_max_ratio', 'Deepest drawdown relative to the peak balance (0-1)'),
    drawdownCurrentRatio: g('freqtrade_drawdown_current_ratio', 'Current drawdown relative to the peak balance (0-1)'),
  };
}

type Metric = Gauge<string> | Counter<string>;

/** Writes one bot's series; remembers what it wrote so a later update can remove it. */
export class FreqtradeMetrics {
  private readonly metrics: ReturnType<typeof createFreqtradeMetrics>;
  private written: Array<[Metric, Labels]> = [];
  private base: Labels;

  constructor(
    factory: MetricFactory,
    private readonly sourceId: string,
    private readonly cluster: string
  ) {
    this.metrics = createFreqtradeMetrics(factory);
    this.base = { source: sourceId, cluster, strategy: 'unknown', version: 'unknown' };
  }

  private set(metric: Gauge<string>, value: number | null | undefined, labels: Labels = {}): void {
    if (typeof value !== 'number' || !Number.isFinite(value)) return;
    const all = { ...this.base, ...labels };
    metric.set(all, value);
    this.written.push([metric, all]);
  }

  private count(metric: Counter<string>, value: number | null | undefined): void {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return;
    // the bot owns the count: a counter series is re-created at the bot's value
    metric.inc({ ...this.base }, value);
    this.written.push([metric, { ...this.base }]);
  }

  update(up: boolean, snapshot: BotSnapshot | null, drawdown: Drawdown | null, now: number, periods: BalancePeriods | null = null): void {
    for (const [metric, labels] of this.written) metric.remove(labels);
    this.written = [];
    const m = this.metrics;
    const config = snapshot?.config;
    this.base = {
      source: this.sourceId,
      cluster: this.cluster,
      strategy: config?.strategy || 'unknown',
      version: config?.version || 'unknown',
    };
    this.set(m.buildInfo, up ? 1 : 0);
    if (!up || !snapshot) return;

    if (config) {
      const state = stateValue(config.state, config.max_open_trades);
      this.set(m.state, state.value, { text: state.text });
      this.set(m.mode, modeValue(config.runmode), { text: config.runmode || 'unknown' });
    }
    const balance = snapshot.balance;
    if (balance) {
      this.set(m.cryptoBalance, balance.total, { stake: balance.stake });
      this.set(m.fiatBalance, balance.value, { stake: balance.symbol });
      for (const row of balance.currencies) this.set(m.cryptoBalances, row.est_stake, { currency: row.currency, stake: row.stake });
      if (balance.total > 0) this.set(m.rateConvert, balance.value / balance.total, { from: balance.stake, to: balance.symbol });
    }
    if (snapshot.locks) this.set(m.lockCount, snapshot.locks.lock_count);
    if (snapshot.whitelist) this.set(m.pairWhitelist, snapshot.whitelist.length);
    for (const perf of snapshot.performance ?? []) {
      this.set(m.pairProfitPct, perf.profit_pct ?? perf.profit, { pair: perf.pair });
      this.set(m.pairProfitAbs, perf.profit_abs, { pair: perf.pair });
      this.set(m.pairCount, perf.count, { pair: perf.pair });
    }
    const profit = snapshot.profit;
    const stake = config?.stake_currency ?? balance?.stake;
    const fiat = balance?.symbol ?? snapshot.daily?.fiat_display_currency;
    if (profit) {
      if (stake) {
        this.set(m.perfRealized, profit.profit_closed_coin, { stake });
        this.set(m.perfUnrealized, profit.profit_all_coin, { stake });
      }
      if (fiat) {
        this.set(m.perfRealized, profit.profit_closed_fiat, { stake: fiat });
        this.set(m.perfUnrealized, profit.profit_all_fiat, { stake: fiat });
      }
      this.set(m.perfRealizedPct, profit.profit_closed_ratio);
      // ftmetric 4.x exports the realized ratio here by mistake; this is the all-trades ratio
      this.set(m.perfUnrealizedPct, profit.profit_all_ratio);
      this.count(m.tradeTotal, profit.trade_count);
      this.count(m.tradeClose, profit.closed_trade_count);
      this.count(m.tradeWinning, profit.winning_trades);
      this.count(m.tradeLosing, profit.losing_trades);
      this.set(m.tradeAvgDuration, durationSeconds(profit.avg_duration));
      this.set(m.tradeFirst, profit.first_trade_timestamp / 1000);
      this.set(m.tradeLatest, profit.latest_trade_timestamp / 1000);
    }
    if (snapshot.count) {
      this.set(m.tradeOpenStake, snapshot.count.total_stake);
      this.set(m.tradeOpenCurrent, snapshot.count.current);
      this.set(m.tradeOpenMax, snapshot.count.max);
    }
    if (periods) {
      const gauges = { minute: m.perfMinute, hourly: m.perfHourly, daily: m.perfDaily, monthly: m.perfMonthly };
      for (const { period, change } of periods.values()) this.set(gauges[period], change);
    }
    if (snapshot.stats) {
      for (const row of sellReasonRows(snapshot.stats)) this.set(m.statSellReason, row.value, { reason: row.reason, type: row.type });
      for (const row of statDurations(snapshot.stats)) this.set(m.statDuration, row.seconds, { type: row.type });
    }
    if (snapshot.logs) {
      const counts = logLevelCounts(snapshot.logs);
      this.set(m.logLevelTotal, counts.total);
      this.set(m.logLevelCount, counts.valid);
      for (const [level, count] of counts.levels) this.set(m.logLevel, count, { level });
    }
    this.set(m.heartbeatAge, heartbeatAgeSeconds(snapshot.health, now));
    this.set(m.lastProcess, snapshot.health?.last_process_ts);
    if (drawdown) {
      if (stake) this.set(m.drawdownMaxAbs, drawdown.maxAbs, { stake });
      this.set(m.drawdownMaxRatio, drawdown.maxRatio);
      this.set(m.drawdownCurrentRatio, drawdown.currentRatio);
    }
  }

  /** Removes every series of this source (source stopped). */
  clear(): void {
    for (const [metric, labels] of this.written) metric.remove(labels);
    this.written = [];
  }
}
