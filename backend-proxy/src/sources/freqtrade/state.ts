// The running state of one Freqtrade bot, in the shape bitcoin's state.ts has: a poller fills a
// snapshot (show_config first as the liveness probe, then the other reads, then an incremental
// sync of closed trades); the closed-trade book, drawdown and balance periods follow it; fills
// from the message websocket trigger a poll; queries, variables, annotations and streams read
// from it. index.ts only wires it; the logic lives in model.ts and frames.ts, the I/O in client.ts.
import type { DataFrameJSON } from '@nodescope/shared';
import { UpstreamHealth, combineHealth } from '../../core/circuit.js';
import type { SourceContext } from '../../core/context.js';
import { QueryInputError, UpstreamError, type Annotation, type SourceHealth, type StreamEmit } from '../types.js';
import type { OpenTradeJson, TradeJson } from './api.js';
import { FreqtradeClient } from './client.js';
import type { FreqtradeSourceConfig } from './config.js';
import {
  balanceFrames,
  botsFrame,
  dailyFrame,
  equityFrame,
  healthFrame,
  openTradesFrame,
  performanceFrame,
  profitFrame,
  tradesFrame,
} from './frames.js';
import { FILL_MESSAGES, FreqtradeMessageSocket } from './messageSocket.js';
import { FreqtradeMetrics } from './metrics.js';
import {
  BalancePeriods,
  ClosedTradeBook,
  botCondition,
  botRow,
  computeDrawdown,
  emptySnapshot,
  heartbeatAgeSeconds,
  knownPairs,
  lowestOpenId,
  tradeMarks,
  type BotSnapshot,
  type Drawdown,
} from './model.js';
import { SingleFlight } from '../../core/singleFlight.js';

const MAX_TRADE_PAGES = 2_000;

interface Listener {
  emit: StreamEmit;
  pair: string | undefined;
}

export class FreqtradeState {
  readonly client: FreqtradeClient;
  private readonly name: string;
  private readonly pollMs: number;
  private readonly upstream: UpstreamHealth;
  private readonly metrics: FreqtradeMetrics;
  private readonly book: ClosedTradeBook;
  private readonly periods = new BalancePeriods();
  private snapshot: BotSnapshot | null = null;
  private drawdown: Drawdown | null = null;
  private up = false;
  private lastError = 'not polled yet';
  private lastAttempt = Number.NEGATIVE_INFINITY;
  private synced = false;
  private readonly polling = new SingleFlight<void>();
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners = { trades: new Set<Listener>(), 'open.trades': new Set<Listener>() };
  private lastFillMessage: number | null = null;
  // Fills come in bursts (every pair exiting on one candle): the first fill polls at once, the
  // rest within fillPollMinSeconds share one trailing poll. Real time (not the injectable clock):
  // this limits the load on the bot.
  private readonly fillMinMs: number;
  private lastFillPoll = Number.NEGATIVE_INFINITY;
  private fillTimer: NodeJS.Timeout | undefined;
  private readonly messageSocket: FreqtradeMessageSocket | null;

  constructor(
    readonly config: FreqtradeSourceConfig,
    private readonly context: SourceContext
  ) {
    const { now, secrets } = context;
    const id = config.id;
    this.name = config.name ?? config.id;
    this.pollMs = config.pollSeconds * 1000;
    secrets.add(config.password);
    this.client = new FreqtradeClient({
      url: config.url,
      username: config.username,
      password: config.password,
      auth: config.auth,
      timeoutMs: config.timeoutMs,
      now,
      onSecret: (secret) => secrets.add(secret),
      sourceId: id,
      self: context.self,
    });
    this.upstream = new UpstreamHealth(`freqtrade ${id}`, { failureThreshold: 3, openMs: Math.max(this.pollMs, 10_000), now });
    this.metrics = new FreqtradeMetrics(context.metrics, id, config.cluster ?? id);
    this.book = new ClosedTradeBook(config.maxTrades);
    this.fillMinMs = config.fillPollMinSeconds * 1000;
    const log = context.logger; // already bound to source and kind (http/app.ts)
    this.messageSocket = config.websocket
      ? new FreqtradeMessageSocket({
          url: config.url,
          token: async () => config.wsToken ?? this.client.accessToken(),
          timeoutMs: config.timeoutMs,
          onMessage: (type) => {
            if (!(FILL_MESSAGES as readonly string[]).includes(type)) return;
            this.lastFillMessage = now();
            this.pollAfterFill();
          },
          onState: (connected, error) => {
            if (connected) log.info('freqtrade message websocket connected');
            else log.warn({ err: secrets.scrub(error ?? '') }, 'freqtrade message websocket disconnected');
          },
        })
      : null;
    if (config.wsToken) secrets.add(config.wsToken);
  }

  private now(): number {
    return this.context.now();
  }

  private scrub(error: unknown): string {
    return this.context.secrets.scrub(error instanceof Error ? error.message : String(error));
  }

  private async syncTrades(previousOpen: OpenTradeJson[] | null, currentOpen: OpenTradeJson[] | null): Promise<TradeJson[]> {
    const { book, client, config } = this;
    let offset = book.resyncOffset(lowestOpenId(previousOpen, currentOpen));
    for (let attempt = 0; attempt < 2; attempt++) {
      const fetched: TradeJson[] = [];
      let position = offset;
      let total = 0;
      for (let page = 0; ; page++) {
        if (page >= MAX_TRADE_PAGES) throw new UpstreamError(`trades: more than ${MAX_TRADE_PAGES} pages`, 'paging', false);
        const answer = await client.trades(config.tradesPageSize, position);
        if (!Array.isArray(answer?.trades) || typeof answer.total_trades !== 'number') {
          throw new UpstreamError('trades: answer has no trades/total_trades', 'malformed', true);
        }
        total = answer.total_trades;
        fetched.push(...answer.trades);
        position += answer.trades.length;
        if (answer.trades.length < config.tradesPageSize || position >= total) break;
      }
      const added = book.replaceFrom(offset, fetched, total);
      if (added) return added;
      offset = 0; // deleted or missed trades: read everything again once
    }
    throw new UpstreamError('trades: pages do not add up to total_trades after a full resync', 'paging', true);
  }

  private async pollOnce(): Promise<void> {
    const { client, config } = this;
    const log = this.context.logger;
    this.lastAttempt = this.now();
    const previousOpen = this.snapshot?.status ?? null;
    let added: TradeJson[] = [];
    try {
      const next = await this.upstream.call(async () => {
        const snap = emptySnapshot(this.now());
        // show_config is the liveness probe: when it fails the bot counts as unreachable
        snap.config = await client.showConfig();
        if (typeof snap.config?.state !== 'string' || typeof snap.config.bot_name !== 'string') {
          throw new UpstreamError('freqtrade show_config: unexpected answer shape', 'malformed', true);
        }
        const reads = {
          status: client.status,
          count: client.count,
          profit: client.profit,
          balance: client.balance,
          daily: () => client.daily(config.dailyDays),
          performance: client.performance,
          health: client.health,
          locks: client.locks,
          whitelist: client.whitelist,
          stats: client.stats,
          logs: client.logs,
        } as const;
        const results = await Promise.allSettled(
          Object.entries(reads).map(async ([key, read]) => checkShape(key, await read()))
        );
        Object.keys(reads).forEach((key, index) => {
          const result = results[index] as PromiseSettledResult<unknown>;
          if (result.status === 'fulfilled') (snap as unknown as Record<string, unknown>)[key] = result.value;
          else snap.errors[key] = this.scrub(result.reason);
        });
        try {
          added = await this.syncTrades(previousOpen, snap.status);
        } catch (error) {
          snap.errors.trades = this.scrub(error);
        }
        return snap;
      });
      this.snapshot = next;
      if (!this.up) log.info('freqtrade bot reachable');
      this.up = true;
      this.lastError = '';
      this.drawdown = computeDrawdown(this.book.all(), next.balance?.starting_capital ?? null);
      if (next.balance) this.periods.observe(next.balance.total, this.now());
      const condition = botCondition(next, this.now(), config.heartbeatStaleSeconds);
      this.upstream.report(condition.status === 'ok' ? null : 'degraded', condition.message);
      if (this.synced) this.emit(added, next);
      this.synced = this.synced || !next.errors.trades;
    } catch (error) {
      const message = this.scrub(error);
      if (this.up || message !== this.lastError) log.warn({ err: message }, 'freqtrade poll failed');
      this.up = false;
      this.lastError = message;
    }
    this.metrics.update(this.up, this.snapshot, this.drawdown, this.now(), this.periods);
  }

  /** runs one poll now (coalesced with a running one); never throws */
  poll(): Promise<void> {
    return this.polling.run(() => this.pollOnce());
  }

  /** Polls when the last attempt is older than pollSeconds, so a query never reads stale state. */
  private async fresh(): Promise<BotSnapshot> {
    // a poll in flight (started by a concurrent query) is awaited, never read half-way
    if (this.polling.inFlight || this.now() - this.lastAttempt >= this.pollMs || !this.snapshot) await this.poll();
    if (!this.up || !this.snapshot) throw new UpstreamError(`freqtrade ${this.config.id} unreachable: ${this.lastError}`, 'down', true);
    return this.snapshot;
  }

  private need<K extends keyof BotSnapshot>(snap: BotSnapshot, key: K): NonNullable<BotSnapshot[K]> {
    const value = snap[key];
    if (value === null || value === undefined) {
      throw new UpstreamError(`freqtrade ${this.config.id} ${String(key)}: ${snap.errors[String(key)] ?? 'no data'}`, 'partial', true);
    }
    return value as NonNullable<BotSnapshot[K]>;
  }

  private stake(): string {
    return this.snapshot?.config?.stake_currency ?? '';
  }

  private emit(added: TradeJson[], snap: BotSnapshot): void {
    for (const listener of this.listeners.trades) {
      const trades = added.filter((t) => !listener.pair || t.pair === listener.pair);
      if (trades.length > 0) listener.emit(tradesFrame(sortByClose(trades), this.stake()));
    }
    if (snap.status) {
      for (const listener of this.listeners['open.trades']) {
        const open = snap.status.filter((t) => !listener.pair || t.pair === listener.pair);
        listener.emit(openTradesFrame(open, this.stake(), this.now()));
      }
    }
  }

  private pollAfterFillNow(): void {
    this.lastFillPoll = performance.now();
    // a poll already under way began before this fill: poll again once it ends
    const running = this.polling.inFlight;
    void (running ? running.then(() => this.poll()) : this.poll());
  }

  private pollAfterFill(): void {
    if (this.fillTimer) return; // the trailing poll will see this fill too
    const wait = this.lastFillPoll + this.fillMinMs - performance.now();
    if (wait <= 0) return this.pollAfterFillNow();
    this.fillTimer = setTimeout(() => {
      this.fillTimer = undefined;
      this.pollAfterFillNow();
    }, wait);
  }

  health(): SourceHealth {
    const secrets = this.context.secrets;
    const health = this.upstream.snapshot();
    const main = { ...health, message: secrets.scrub(health.message) };
    const messageSocket = this.messageSocket;
    if (!messageSocket) return main;
    return combineHealth(main, {
      websocket: {
        status: messageSocket.connected ? 'ok' : 'degraded',
        message: messageSocket.connected ? 'connected' : secrets.scrub(messageSocket.lastError ?? 'disconnected'),
        lastSuccess: this.lastFillMessage,
      },
    });
  }

  // --- what the queries answer -----------------------------------------------------------------

  async bots(): Promise<DataFrameJSON[]> {
    await this.fresh().catch(() => null);
    const health = this.health();
    return [botsFrame([botRow(this.config.id, this.name, this.snapshot, this.up, this.now(), health.message)])];
  }

  private async withTrades(): Promise<BotSnapshot> {
    const snap = await this.fresh();
    if (snap.errors.trades && this.book.size === 0) throw new UpstreamError(`freqtrade ${this.config.id} trades: ${snap.errors.trades}`, 'partial', true);
    return snap;
  }

  async profit(range: { from: number; to: number }): Promise<DataFrameJSON[]> {
    const snap = await this.withTrades();
    const dd = this.drawdown ?? computeDrawdown([], null);
    return [profitFrame(this.need(snap, 'profit'), dd, this.stake()), equityFrame(dd, this.stake(), range)];
  }

  async trades(pair: string | undefined, limit: number, range: { from: number; to: number }): Promise<DataFrameJSON[]> {
    const snap = await this.withTrades();
    const inRange = this.book
      .all()
      .filter((t) => (t.close_timestamp ?? 0) >= range.from && (t.close_timestamp ?? 0) <= range.to)
      .filter((t) => !pair || t.pair === pair);
    return [tradesFrame(sortByClose(inRange).slice(-limit), this.stake(), snap.errors.trades)];
  }

  async openTrades(pair: string | undefined): Promise<DataFrameJSON[]> {
    const snap = await this.fresh();
    const open = this.need(snap, 'status').filter((t) => !pair || t.pair === pair);
    return [openTradesFrame(open, this.stake(), this.now())];
  }

  async performance(): Promise<DataFrameJSON[]> {
    const snap = await this.fresh();
    return [performanceFrame(this.need(snap, 'performance'), this.stake())];
  }

  async balance(): Promise<DataFrameJSON[]> {
    return balanceFrames(this.need(await this.fresh(), 'balance'));
  }

  async daily(days = this.config.dailyDays): Promise<DataFrameJSON[]> {
    // the catalog bounds days by what any config allows; this bot's config by its own dailyDays
    if (days > this.config.dailyDays) throw new QueryInputError(`daily: days must be an integer from 1 to ${this.config.dailyDays}`);
    const snap = await this.fresh();
    return [dailyFrame(this.need(snap, 'daily'), days)];
  }

  async healthTable(): Promise<DataFrameJSON[]> {
    await this.fresh().catch(() => null);
    const health = this.health();
    const bot = this.snapshot;
    return [
      healthFrame({
        source: this.config.id,
        status: health.status,
        message: health.message,
        circuit: health.circuit ?? 'closed',
        state: this.up ? bot?.config?.state || 'unknown' : 'unreachable',
        lastSuccess: health.lastSuccess,
        lastProcess: typeof bot?.health?.last_process_ts === 'number' ? bot.health.last_process_ts * 1000 : null,
        heartbeatAge: bot ? heartbeatAgeSeconds(bot.health, this.now()) : null,
        botStart: typeof bot?.health?.bot_start_ts === 'number' ? bot.health.bot_start_ts * 1000 : null,
        locks: bot?.locks?.lock_count ?? null,
        whitelist: bot?.whitelist?.length ?? null,
      }),
    ];
  }

  async botVariable(): Promise<Array<{ text: string; value: string }>> {
    await this.fresh().catch(() => null);
    return [{ text: this.snapshot?.config?.bot_name || this.name, value: this.config.id }];
  }

  async pairs(): Promise<string[]> {
    const snap = await this.fresh();
    return knownPairs(snap, this.book.all());
  }

  async tradeAnnotations(range: { from: number; to: number }): Promise<Annotation[]> {
    const snap = await this.fresh();
    const id = this.config.id;
    const trades: TradeJson[] = [...this.book.all(), ...(snap.status ?? [])];
    return tradeMarks(trades, range).map(({ time, kind, trade }) => ({
      time,
      title: `${trade.pair} ${kind === 'entry' ? (trade.is_short ? 'short entry' : 'entry') : 'exit'}`,
      text:
        kind === 'entry'
          ? `trade ${trade.trade_id} opened at ${trade.open_rate}${trade.enter_tag ? ` (${trade.enter_tag})` : ''}`
          : `trade ${trade.trade_id} closed at ${trade.close_rate ?? ''}: ${formatRatio(trade.close_profit ?? trade.profit_ratio)}` +
            ` ${trade.close_profit_abs ?? trade.profit_abs ?? ''} ${this.stake()} (${trade.exit_reason ?? 'exit'})`,
      tags: ['freqtrade', id, kind, trade.pair, ...(kind === 'exit' && trade.exit_reason ? [trade.exit_reason] : [])],
    }));
  }

  /** Follows closed or open trades; the stream route has checked `pair` by the catalog. */
  subscribe(kind: 'trades' | 'open.trades', emit: StreamEmit, pair: string | undefined): () => void {
    const listener: Listener = { emit, pair };
    this.listeners[kind].add(listener);
    return () => this.listeners[kind].delete(listener);
  }

  // --- life cycle ------------------------------------------------------------------------------

  start(): void {
    // the first poll runs in the background: an unreachable bot must not hold up the proxy
    void this.poll();
    this.timer = setInterval(() => void this.poll(), this.pollMs);
    this.timer.unref();
    this.messageSocket?.start();
  }

  async stop(): Promise<void> {
    this.messageSocket?.stop();
    if (this.fillTimer) clearTimeout(this.fillTimer);
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.polling.settled();
    this.metrics.clear();
  }
}

/** The containers frames iterate must be there; a bot answering otherwise is malformed. */
const SHAPES: Record<string, (body: Record<string, unknown>) => boolean> = {
  status: (b) => Array.isArray(b),
  performance: (b) => Array.isArray(b),
  balance: (b) => Array.isArray(b.currencies) && typeof b.total === 'number',
  daily: (b) => Array.isArray(b.data),
  profit: (b) => typeof b.profit_all_coin === 'number' && typeof b.closed_trade_count === 'number',
  count: (b) => typeof b.current === 'number' && typeof b.max === 'number',
  locks: (b) => Array.isArray(b.locks),
  whitelist: (b) => Array.isArray(b.whitelist),
  stats: (b) => typeof b.durations === 'object' && (typeof b.exit_reasons === 'object' || typeof b.sell_reasons === 'object'),
  logs: (b) => Array.isArray(b.logs),
  health: (b) => typeof b === 'object' && b !== null && !Array.isArray(b),
};

function checkShape<T>(endpoint: string, body: T): T {
  const check = SHAPES[endpoint];
  if (check && (body === null || typeof body !== 'object' || !check(body as Record<string, unknown>))) {
    throw new UpstreamError(`freqtrade ${endpoint}: unexpected answer shape`, 'malformed', true);
  }
  return body;
}

function sortByClose(trades: readonly TradeJson[]): TradeJson[] {
  return [...trades].sort((a, b) => (a.close_timestamp ?? 0) - (b.close_timestamp ?? 0) || a.trade_id - b.trade_id);
}

function formatRatio(ratio: number | null | undefined): string {
  return typeof ratio === 'number' ? `${(ratio * 100).toFixed(2)} %` : '';
}
