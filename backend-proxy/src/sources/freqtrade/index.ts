// Wiring of one Freqtrade bot as a source: a poller fills a snapshot (show_config first as
// the liveness probe, then the other reads, then an incremental sync of closed trades);
// queries, variables, annotations, streams and metrics read from it. The logic lives in
// model.ts and frames.ts, the I/O in client.ts.
import { UpstreamHealth, combineHealth } from '../../core/circuit.js';
import type { SourceContext } from '../../core/context.js';
import {
  QueryInputError,
  UpstreamError,
  type Annotation,
  type Source,
  type SourceHealth,
  type StreamEmit,
} from '../types.js';
import { defineQueries, defineStreams } from '../catalog.js';
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

export interface FreqtradeSource extends Source {
  /** runs one poll now (coalesced with a running one); never throws */
  poll(): Promise<void>;
  readonly client: FreqtradeClient;
}


const MAX_TRADE_PAGES = 2_000;

export function createFreqtradeSource(config: FreqtradeSourceConfig, context: SourceContext): FreqtradeSource {
  const { now, secrets } = context;
  const id = config.id;
  const name = config.name ?? config.id;
  const pollMs = config.pollSeconds * 1000;
  const log = context.logger; // already bound to source and kind (http/app.ts)
  secrets.add(config.password);

  const client = new FreqtradeClient({
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
  const upstream = new UpstreamHealth(`freqtrade ${id}`, { failureThreshold: 3, openMs: Math.max(pollMs, 10_000), now });
  const metrics = new FreqtradeMetrics(context.metrics, id, config.cluster ?? id);
  const book = new ClosedTradeBook(config.maxTrades);
  const periods = new BalancePeriods();

  let snapshot: BotSnapshot | null = null;
  let drawdown: Drawdown | null = null;
  let up = false;
  let lastError = 'not polled yet';
  let lastAttempt = Number.NEGATIVE_INFINITY;
  let synced = false;
  let polling: Promise<void> | null = null;
  let timer: NodeJS.Timeout | undefined;
  const listeners = { trades: new Set<Listener>(), 'open.trades': new Set<Listener>() };

  const scrub = (error: unknown) => secrets.scrub(error instanceof Error ? error.message : String(error));

  async function syncTrades(previousOpen: OpenTradeJson[] | null, currentOpen: OpenTradeJson[] | null): Promise<TradeJson[]> {
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

  async function pollOnce(): Promise<void> {
    lastAttempt = now();
    const previousOpen = snapshot?.status ?? null;
    let added: TradeJson[] = [];
    try {
      const next = await upstream.call(async () => {
        const snap = emptySnapshot(now());
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
          else snap.errors[key] = scrub(result.reason);
        });
        try {
          added = await syncTrades(previousOpen, snap.status);
        } catch (error) {
          snap.errors.trades = scrub(error);
        }
        return snap;
      });
      snapshot = next;
      if (!up) log.info('freqtrade bot reachable');
      up = true;
      lastError = '';
      drawdown = computeDrawdown(book.all(), next.balance?.starting_capital ?? null);
      if (next.balance) periods.observe(next.balance.total, now());
      const condition = botCondition(next, now(), config.heartbeatStaleSeconds);
      upstream.report(condition.status === 'ok' ? null : 'degraded', condition.message);
      if (synced) emit(added, next);
      synced = synced || !next.errors.trades;
    } catch (error) {
      const message = scrub(error);
      if (up || message !== lastError) log.warn({ err: message }, 'freqtrade poll failed');
      up = false;
      lastError = message;
    }
    metrics.update(up, snapshot, drawdown, now(), periods);
  }

  function poll(): Promise<void> {
    polling ??= pollOnce().finally(() => {
      polling = null;
    });
    return polling;
  }

  /** Polls when the last attempt is older than pollSeconds, so a query never reads stale state. */
  async function fresh(): Promise<BotSnapshot> {
    // a poll in flight (started by a concurrent query) is awaited, never read half-way
    if (polling || now() - lastAttempt >= pollMs || !snapshot) await poll();
    if (!up || !snapshot) throw new UpstreamError(`freqtrade ${id} unreachable: ${lastError}`, 'down', true);
    return snapshot;
  }

  function need<K extends keyof BotSnapshot>(snap: BotSnapshot, key: K): NonNullable<BotSnapshot[K]> {
    const value = snap[key];
    if (value === null || value === undefined) {
      throw new UpstreamError(`freqtrade ${id} ${String(key)}: ${snap.errors[String(key)] ?? 'no data'}`, 'partial', true);
    }
    return value as NonNullable<BotSnapshot[K]>;
  }

  const stake = () => snapshot?.config?.stake_currency ?? '';

  function emit(added: TradeJson[], snap: BotSnapshot): void {
    for (const listener of listeners.trades) {
      const trades = added.filter((t) => !listener.pair || t.pair === listener.pair);
      if (trades.length > 0) listener.emit(tradesFrame(sortByClose(trades), stake()));
    }
    if (snap.status) {
      for (const listener of listeners['open.trades']) {
        const open = snap.status.filter((t) => !listener.pair || t.pair === listener.pair);
        listener.emit(openTradesFrame(open, stake(), now()));
      }
    }
  }

  let lastFillMessage: number | null = null;
  // Fills come in bursts (every pair exiting on one candle): the first fill polls at once, the
  // rest within fillPollMinSeconds share one trailing poll. Real time (not the injectable clock):
  // this limits the load on the bot.
  const fillMinMs = config.fillPollMinSeconds * 1000;
  let lastFillPoll = Number.NEGATIVE_INFINITY;
  let fillTimer: NodeJS.Timeout | undefined;
  const pollAfterFillNow = () => {
    lastFillPoll = performance.now();
    // a poll already under way began before this fill: poll again once it ends
    void (polling ? polling.then(() => poll()) : poll());
  };
  function pollAfterFill(): void {
    if (fillTimer) return; // the trailing poll will see this fill too
    const wait = lastFillPoll + fillMinMs - performance.now();
    if (wait <= 0) return pollAfterFillNow();
    fillTimer = setTimeout(() => {
      fillTimer = undefined;
      pollAfterFillNow();
    }, wait);
  }
  const messageSocket = config.websocket
    ? new FreqtradeMessageSocket({
        url: config.url,
        token: async () => config.wsToken ?? client.accessToken(),
        timeoutMs: config.timeoutMs,
        onMessage: (type) => {
          if (!(FILL_MESSAGES as readonly string[]).includes(type)) return;
          lastFillMessage = now();
          pollAfterFill();
        },
        onState: (connected, error) => {
          if (connected) log.info('freqtrade message websocket connected');
          else log.warn({ err: secrets.scrub(error ?? '') }, 'freqtrade message websocket disconnected');
        },
      })
    : null;
  if (config.wsToken) secrets.add(config.wsToken);

  const sourceHealth = (): SourceHealth => {
    const health = upstream.snapshot();
    const main = { ...health, message: secrets.scrub(health.message) };
    if (!messageSocket) return main;
    return combineHealth(main, {
      websocket: {
        status: messageSocket.connected ? 'ok' : 'degraded',
        message: messageSocket.connected ? 'connected' : secrets.scrub(messageSocket.lastError ?? 'disconnected'),
        lastSuccess: lastFillMessage,
      },
    });
  };

  const queries = defineQueries('freqtrade', {
    bots: async () => {
      await fresh().catch(() => null);
      const health = sourceHealth();
      return [botsFrame([botRow(id, name, snapshot, up, now(), health.message)])];
    },
    profit: async (input) => {
      const snap = await fresh();
      if (snap.errors.trades && book.size === 0) throw new UpstreamError(`freqtrade ${id} trades: ${snap.errors.trades}`, 'partial', true);
      const dd = drawdown ?? computeDrawdown([], null);
      return [profitFrame(need(snap, 'profit'), dd, stake()), equityFrame(dd, stake(), input.range)];
    },
    trades: async (input) => {
      const p = input.params;
      const snap = await fresh();
      if (snap.errors.trades && book.size === 0) throw new UpstreamError(`freqtrade ${id} trades: ${snap.errors.trades}`, 'partial', true);
      const { limit } = p;
      const inRange = book
        .all()
        .filter((t) => (t.close_timestamp ?? 0) >= input.range.from && (t.close_timestamp ?? 0) <= input.range.to)
        .filter((t) => !p.pair || t.pair === p.pair);
      return [tradesFrame(sortByClose(inRange).slice(-limit), stake(), snap.errors.trades)];
    },
    'open.trades': async (input) => {
      const p = input.params;
      const snap = await fresh();
      const open = need(snap, 'status').filter((t) => !p.pair || t.pair === p.pair);
      return [openTradesFrame(open, stake(), now())];
    },
    performance: async () => {
      const snap = await fresh();
      return [performanceFrame(need(snap, 'performance'), stake())];
    },
    balance: async () => {
      return balanceFrames(need(await fresh(), 'balance'));
    },
    daily: async (input) => {
      // the catalog bounds days by what any config allows; this bot's config by its own dailyDays
      const { days = config.dailyDays } = input.params;
      if (days > config.dailyDays) throw new QueryInputError(`daily: days must be an integer from 1 to ${config.dailyDays}`);
      const snap = await fresh();
      return [dailyFrame(need(snap, 'daily'), days)];
    },
    health: async () => {
      await fresh().catch(() => null);
      const health = sourceHealth();
      const bot = snapshot;
      return [
        healthFrame({
          source: id,
          status: health.status,
          message: health.message,
          circuit: health.circuit ?? 'closed',
          state: up ? bot?.config?.state || 'unknown' : 'unreachable',
          lastSuccess: health.lastSuccess,
          lastProcess: typeof bot?.health?.last_process_ts === 'number' ? bot.health.last_process_ts * 1000 : null,
          heartbeatAge: bot ? heartbeatAgeSeconds(bot.health, now()) : null,
          botStart: typeof bot?.health?.bot_start_ts === 'number' ? bot.health.bot_start_ts * 1000 : null,
          locks: bot?.locks?.lock_count ?? null,
          whitelist: bot?.whitelist?.length ?? null,
        }),
      ];
    },
  });

  /** Follows closed or open trades; the stream route has checked `pair` by the catalog. */
  function subscribe(kind: keyof typeof listeners) {
    return (emitFrame: StreamEmit, { pair }: { pair?: string }) => {
      const listener: Listener = { emit: emitFrame, pair };
      listeners[kind].add(listener);
      return () => listeners[kind].delete(listener);
    };
  }

  const source: FreqtradeSource = {
    id,
    kind: 'freqtrade',
    name,
    client,
    queries,
    variables: {
      bots: async () => {
        await fresh().catch(() => null);
        return [{ text: snapshot?.config?.bot_name || name, value: id }];
      },
      pairs: async () => {
        const snap = await fresh();
        return knownPairs(snap, book.all()).map((pair) => ({ text: pair, value: pair }));
      },
    },
    annotations: {
      trades: async (range): Promise<Annotation[]> => {
        const snap = await fresh();
        const trades: TradeJson[] = [...book.all(), ...(snap.status ?? [])];
        return tradeMarks(trades, range).map(({ time, kind, trade }) => ({
          time,
          title: `${trade.pair} ${kind === 'entry' ? (trade.is_short ? 'short entry' : 'entry') : 'exit'}`,
          text:
            kind === 'entry'
              ? `trade ${trade.trade_id} opened at ${trade.open_rate}${trade.enter_tag ? ` (${trade.enter_tag})` : ''}`
              : `trade ${trade.trade_id} closed at ${trade.close_rate ?? ''}: ${formatRatio(trade.close_profit ?? trade.profit_ratio)}` +
                ` ${trade.close_profit_abs ?? trade.profit_abs ?? ''} ${stake()} (${trade.exit_reason ?? 'exit'})`,
          tags: ['freqtrade', id, kind, trade.pair, ...(kind === 'exit' && trade.exit_reason ? [trade.exit_reason] : [])],
        }));
      },
    },
    streams: defineStreams('freqtrade', { trades: subscribe('trades'), 'open.trades': subscribe('open.trades') }),
    health: sourceHealth,
    poll,
    async start() {
      // the first poll runs in the background: an unreachable bot must not hold up the proxy
      void poll();
      timer = setInterval(() => void poll(), pollMs);
      timer.unref();
      messageSocket?.start();
    },
    async stop() {
      messageSocket?.stop();
      if (fillTimer) clearTimeout(fillTimer);
      if (timer) clearInterval(timer);
      timer = undefined;
      await polling?.catch(() => undefined);
      metrics.clear();
    },
  };
  return source;
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

interface Listener {
  emit: StreamEmit;
  pair: string | undefined;
}

function sortByClose(trades: readonly TradeJson[]): TradeJson[] {
  return [...trades].sort((a, b) => (a.close_timestamp ?? 0) - (b.close_timestamp ?? 0) || a.trade_id - b.trade_id);
}

function formatRatio(ratio: number | null | undefined): string {
  return typeof ratio === 'number' ? `${(ratio * 100).toFixed(2)} %` : '';
}
