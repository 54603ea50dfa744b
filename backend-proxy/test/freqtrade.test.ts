// The Freqtrade source against simulated bots over real sockets on 127.0.0.1: every query,
// auth, paging, every fault, two bots side by side, no secret leakage, the allow-list.
// Time is an injected clock shared by the bots and the proxy: nothing sleeps.
import { afterEach, describe, expect, it } from 'vitest';
import { frameColumn, frameLength, type DataFrameJSON } from '@nodescope/shared';
import { startFreqtradeSimulator, type FreqtradeSimulator, type FreqtradeSimulatorOptions } from '../src/simulators/freqtrade/index.js';
import { freqtradeConfigSchema } from '../src/sources/freqtrade/config.js';
import { createFreqtradeSource, type FreqtradeSource } from '../src/sources/freqtrade/index.js';
import { QueryInputError, UpstreamError, type QueryInput } from '../src/sources/types.js';
import { createTestContext, waitFor, type TestContext } from './helpers.js';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
const DAY = 86_400_000;
const clock = { t: T0 };
const now = () => clock.t;

const sims: FreqtradeSimulator[] = [];
const sources: FreqtradeSource[] = [];

afterEach(async () => {
  for (const source of sources.splice(0)) await source.stop();
  for (const sim of sims.splice(0)) await sim.close();
  clock.t = T0;
});

type BotOptions = FreqtradeSimulatorOptions & {
  id?: string;
  auth?: 'jwt' | 'basic';
  pageSize?: number;
  context?: TestContext;
  websocket?: boolean;
  sourceWsToken?: string;
  fillPollMinSeconds?: number;
};

async function bot(options: BotOptions = {}) {
  const sim = await startFreqtradeSimulator({ now, password: `pw-${options.id ?? 'bot-1'}-s3cret!`, ...options });
  sims.push(sim);
  const context = options.context ?? createTestContext({ now });
  const config = freqtradeConfigSchema.parse({
    id: options.id ?? 'bot-1',
    kind: 'freqtrade',
    url: sim.url,
    username: sim.username,
    password: sim.password,
    auth: options.auth ?? 'jwt',
    pollSeconds: 15,
    timeoutMs: 5_000,
    tradesPageSize: options.pageSize ?? 500,
    websocket: options.websocket ?? false,
    ...(options.fillPollMinSeconds ? { fillPollMinSeconds: options.fillPollMinSeconds } : {}),
    ...(options.sourceWsToken ? { wsToken: options.sourceWsToken } : {}),
  });
  const source = createFreqtradeSource(config, context);
  sources.push(source);
  return { sim, source, context };
}

/** The bot's next poll (one interval later) with `fault` set on the bot. */
async function pollUnder({ source, sim }: { source: FreqtradeSource; sim: FreqtradeSimulator }, fault: Parameters<FreqtradeSimulator['setFault']>[0]) {
  sim.setFault(fault);
  tick();
  await source.poll();
}

/** bot-1 running EmaCross after one poll: its /metrics text, and `base`, the labels ftmetric gives every bot series. */
async function polledEmaCrossBot() {
  const { source, context, sim } = await bot({ strategy: 'EmaCross' });
  await source.poll();
  const text = await context.metrics.registry.metrics();
  return { source, context, sim, text, base: 'source="bot-1",cluster="bot-1",strategy="EmaCross",version="2026.9"' };
}

const input = (params: QueryInput['params'] = {}, range = { from: T0 - 30 * DAY, to: T0 + DAY }): QueryInput => ({
  params,
  range,
  intervalMs: 60_000,
  maxDataPoints: 1_000,
});

function field(frame: DataFrameJSON | undefined, name: string) {
  const f = frame?.schema.fields.find((x) => x.name === name);
  if (!f) throw new Error(`frame ${frame?.schema.name} has no field ${name}`);
  return f;
}
const col = <T = unknown>(frame: DataFrameJSON | undefined, name: string) => frameColumn<T>(frame as DataFrameJSON, name) as T[];

async function run(source: FreqtradeSource, name: string, params: QueryInput['params'] = {}) {
  const handler = source.queries[name];
  if (!handler) throw new Error(`no query ${name}`);
  return handler(input(params));
}

/** Advances the shared clock past the poll interval, so the next query polls again. */
const tick = (ms = 16_000) => {
  clock.t += ms;
};

describe('queries', () => {
  it('bots: one row for this bot with state, strategy, exchange, dry run, trades, profit, heartbeat', async () => {
    const { source, sim } = await bot({ botName: 'alpha', strategy: 'EmaCross', exchange: 'kraken' });
    const [frame] = await run(source, 'bots');
    expect(frame?.schema.name).toBe('bots');
    expect(frameLength(frame as DataFrameJSON)).toBe(1);
    expect(col(frame, 'source')).toEqual(['bot-1']);
    expect(col(frame, 'bot')).toEqual(['alpha']);
    expect(col(frame, 'up')).toEqual([true]);
    expect(col(frame, 'state')).toEqual(['running']);
    expect(col(frame, 'strategy')).toEqual(['EmaCross']);
    expect(col(frame, 'exchange')).toEqual(['kraken']);
    expect(col(frame, 'dry_run')).toEqual([true]);
    expect(col(frame, 'runmode')).toEqual(['dry_run']);
    expect(col(frame, 'open_trades')).toEqual([3]);
    expect(col(frame, 'max_open_trades')).toEqual([5]);
    expect(col(frame, 'closed_trades')).toEqual([40]);
    expect(col(frame, 'profit_all_abs')).toEqual([sim.bot.profit().profit_all_coin]);
    expect(col<number>(frame, 'heartbeat_age')[0]).toBeLessThan(5);
    expect(field(frame, 'profit_all_abs').config?.unit).toBe('currencyUSD');
    expect(field(frame, 'profit_all_ratio').config?.unit).toBe('percentunit');
    expect(field(frame, 'heartbeat_age').config?.unit).toBe('s');
    expect(field(frame, 'last_process').type).toBe('time');
  });

  it('profit: the bot summary plus drawdown derived from closed trades, and the equity curve', async () => {
    const { source, sim } = await bot();
    const [summary, equity] = await run(source, 'profit');
    const profit = sim.bot.profit();
    expect(col(summary, 'profit_closed_abs')).toEqual([profit.profit_closed_coin]);
    expect(col(summary, 'closed_trade_count')).toEqual([40]);
    expect(col(summary, 'winrate')).toEqual([profit.winrate]);
    const maxAbs = col<number>(summary, 'drawdown_max_abs')[0] as number;
    expect(maxAbs).toBeGreaterThan(0);
    expect(col<number>(summary, 'drawdown_max_ratio')[0]).toBeCloseTo(0, 0);
    expect(field(summary, 'drawdown_max_ratio').config?.unit).toBe('percentunit');
    expect(equity?.schema.name).toBe('profit.equity');
    expect(frameLength(equity as DataFrameJSON)).toBe(40);
    expect(Math.max(...col<number>(equity, 'drawdown_abs'))).toBeCloseTo(maxAbs, 9);
    // the curve ends at the bot's own closed profit
    expect(col<number>(equity, 'cumulative_profit').at(-1)).toBeCloseTo(profit.profit_closed_coin, 6);
    expect(field(equity, 'time').type).toBe('time');
  });

  it('trades: closed trades in the range, by close time, filtered by pair, limited', async () => {
    const { source, sim } = await bot();
    const [all] = await run(source, 'trades');
    expect(frameLength(all as DataFrameJSON)).toBe(40);
    const closes = col<number>(all, 'close_time');
    expect(closes).toEqual([...closes].sort((a, b) => a - b));
    expect(field(all, 'profit_ratio').config?.unit).toBe('percentunit');
    expect(field(all, 'duration').config?.unit).toBe('s');
    const pair = sim.bot.closedTrades()[0]?.pair as string;
    const [onePair] = await run(source, 'trades', { pair });
    expect(new Set(col(onePair, 'pair'))).toEqual(new Set([pair]));
    expect(frameLength(onePair as DataFrameJSON)).toBe(sim.bot.closedTrades().filter((t) => t.pair === pair).length);
    const [limited] = await run(source, 'trades', { limit: 5 });
    expect(col(limited, 'close_time')).toEqual(closes.slice(-5));
    const narrow = await source.queries.trades?.(input({}, { from: T0 - DAY, to: T0 }));
    expect(frameLength(narrow?.[0] as DataFrameJSON)).toBe(sim.bot.closedTrades().filter((t) => (t.closeMs as number) >= T0 - DAY).length);
  });

  it('open.trades, performance, balance, daily, health', async () => {
    const { source, sim } = await bot();
    const [open] = await run(source, 'open.trades');
    expect(col(open, 'trade_id')).toEqual(sim.bot.openTrades().map((t) => t.id));
    expect(field(open, 'current_rate').type).toBe('number');

    const [perf] = await run(source, 'performance');
    expect(col(perf, 'pair')).toEqual(sim.bot.performance().map((p) => p.pair));
    expect(col<number>(perf, 'count').reduce((a, b) => a + b, 0)).toBe(40);

    const [rows, total] = await run(source, 'balance');
    expect(col(rows, 'currency')[0]).toBe('USDT');
    expect(frameLength(rows as DataFrameJSON)).toBe(1 + 3);
    expect(col(total, 'total')).toEqual([sim.bot.balance().total]);
    expect(col(total, 'note')).toEqual(['Simulated balances']);

    const [daily] = await run(source, 'daily', { days: 7 });
    expect(frameLength(daily as DataFrameJSON)).toBe(7);
    const days = col<number>(daily, 'time');
    expect(days.at(-1)).toBe(Math.floor(T0 / DAY) * DAY);
    expect(days).toEqual([...days].sort((a, b) => a - b));
    expect(col<number>(daily, 'trade_count').reduce((a, b) => a + b, 0)).toBeGreaterThan(0);

    const [health] = await run(source, 'health');
    expect(col(health, 'status')).toEqual(['ok']);
    expect(col(health, 'state')).toEqual(['running']);
    expect(col(health, 'whitelist_pairs')).toEqual([8]);
  });

  it('variables (bots, pairs) and trade annotations (entries and exits)', async () => {
    const { source, sim } = await bot({ botName: 'alpha' });
    expect(await source.variables?.bots?.({})).toEqual([{ text: 'alpha', value: 'bot-1' }]);
    const pairs = await source.variables?.pairs?.({});
    expect(pairs?.map((p) => p.value)).toEqual([...sim.bot.options.pairs].sort());
    const range = { from: T0 - 2 * DAY, to: T0 };
    const marks = (await source.annotations?.trades?.(range)) ?? [];
    const entries = sim.bot.trades.filter((t) => t.openMs >= range.from && t.openMs <= range.to).length;
    const exits = sim.bot.trades.filter((t) => t.closeMs !== null && t.closeMs >= range.from && t.closeMs <= range.to).length;
    expect(marks.filter((m) => m.tags.includes('entry'))).toHaveLength(entries);
    expect(marks.filter((m) => m.tags.includes('exit'))).toHaveLength(exits);
    expect(marks.every((m) => m.tags.includes('freqtrade') && m.tags.includes('bot-1'))).toBe(true);
  });

  it('rejects bad parameters as client errors', async () => {
    const { source } = await bot();
    await expect(run(source, 'trades', { limit: 0 })).rejects.toBeInstanceOf(QueryInputError);
    await expect(run(source, 'trades', { limit: 'many' })).rejects.toBeInstanceOf(QueryInputError);
    // beyond this bot's dailyDays (30), and beyond what any config allows (the catalog's 365)
    await expect(run(source, 'daily', { days: 31 })).rejects.toThrow(/from 1 to 30/);
    await expect(run(source, 'daily', { days: 400 })).rejects.toThrow(/from 1 to 365/);
    await expect(run(source, 'profit', { pair: 'BTC/USDT' })).rejects.toThrow(/takes none/);
    await expect(run(source, 'open.trades', { symbol: 'x' })).rejects.toThrow(/unknown parameter "symbol" \(allowed: pair\)/);
  });
});

describe('auth through the source', () => {
  it('JWT: one login across polls, a refresh before expiry, a fresh login after a long idle', async () => {
    const { source, sim } = await bot();
    await source.poll();
    tick();
    await source.poll();
    expect(sim.count('token/login')).toBe(1);
    tick(14 * 60_000);
    await source.poll();
    expect(sim.count('token/refresh')).toBe(1);
    tick(31 * DAY);
    await source.poll();
    expect(sim.count('token/login')).toBe(2);
    expect(source.health().status).toBe('ok');
  });

  it('401 for a token the bot no longer accepts: renew and carry on in the same poll', async () => {
    const { source, sim } = await bot();
    await source.poll();
    await pollUnder({ source, sim }, 'reject-tokens');
    expect(source.client.authStats.retriesAfter401).toBeGreaterThanOrEqual(1);
    expect(source.health().status).toBe('ok');
    const [frame] = await run(source, 'bots');
    expect(col(frame, 'up')).toEqual([true]);
  });

  it('Basic auth: every read carries Basic, no token endpoint is called', async () => {
    const { source, sim } = await bot({ auth: 'basic' });
    await run(source, 'bots');
    expect(sim.count('token/login') + sim.count('token/refresh')).toBe(0);
    expect(sim.received.filter((r) => r.method === 'GET').every((r) => r.auth === 'basic')).toBe(true);
  });

  it('a wrong password leaves the source down with a clear message', async () => {
    const sim = await startFreqtradeSimulator({ now, password: 'the-right-one-123' });
    sims.push(sim);
    const context = createTestContext({ now });
    const source = createFreqtradeSource(
      freqtradeConfigSchema.parse({ id: 'bad', kind: 'freqtrade', url: sim.url, username: sim.username, password: 'the-wrong-one-456' }),
      context
    );
    sources.push(source);
    await source.poll();
    expect(source.health().message).toMatch(/login refused \(HTTP 401\)/);
    await expect(run(source, 'profit')).rejects.toThrow(/unreachable: .*login refused/);
    expect(context.logs.text).not.toContain('the-wrong-one-456');
  });
});

describe('paging of /api/v1/trades', () => {
  it('first sync pages through everything, later polls fetch only from the lowest open trade', async () => {
    const { source, sim } = await bot({ pageSize: 7, closedTrades: 40, seed: 11 });
    await source.poll();
    const tradeCalls = () => sim.received.filter((r) => r.path === '/api/v1/trades').map((r) => r.search);
    expect(tradeCalls()).toEqual([0, 7, 14, 21, 28, 35].map((o) => `?limit=7&offset=${o}`));
    let [frame] = await run(source, 'trades');
    expect(col(frame, 'trade_id')).toHaveLength(40);

    // trading goes on: random open trades close (inserted by id, not at the end)
    for (let i = 0; i < 6; i++) {
      tick();
      sim.step();
      const before = tradeCalls().length;
      await source.poll();
      const offsets = tradeCalls().slice(before).map((s) => Number(/offset=(\d+)/.exec(s)?.[1]));
      expect(offsets[0]).toBeGreaterThanOrEqual(35);
      expect(offsets).not.toContain(0); // no full resync in steady state
    }
    [frame] = await run(source, 'trades');
    const expected = sim.bot.closedTrades().map((t) => t.id);
    expect([...col<number>(frame, 'trade_id')].sort((a, b) => a - b)).toEqual(expected);
  });

  it('resyncs from 0 when the totals stop adding up (a trade deleted on the bot)', async () => {
    const { source, sim } = await bot({ pageSize: 10 });
    await source.poll();
    const removed = sim.bot.closedTrades()[3];
    sim.bot.trades.splice(sim.bot.trades.indexOf(removed as never), 1);
    tick();
    await source.poll();
    const [frame] = await run(source, 'trades');
    expect(col(frame, 'trade_id')).not.toContain(removed?.id);
    expect(frameLength(frame as DataFrameJSON)).toBe(39);
    expect(sim.received.filter((r) => r.path === '/api/v1/trades' && r.search.endsWith('offset=0'))).toHaveLength(2);
  });

  it('a failing trades sync keeps the known trades and says so in a frame notice', async () => {
    const { source, sim } = await bot({ pageSize: 10 });
    await source.poll();
    // the bot's /trades breaks (the simulator answers an exception as FastAPI does: 500)
    const tradesPage = sim.bot.tradesPage.bind(sim.bot);
    sim.bot.tradesPage = () => {
      throw new Error('database is locked');
    };
    tick();
    const [frame] = await run(source, 'trades');
    expect(frameLength(frame as DataFrameJSON)).toBe(40);
    expect(frame?.schema.meta?.notices?.[0]?.text).toMatch(/closed trades may be incomplete: .*HTTP 500/);
    sim.bot.tradesPage = tradesPage;
    tick();
    const [healed] = await run(source, 'trades');
    expect(healed?.schema.meta).toBeUndefined();
  });
});

describe('streams', () => {
  it('trades: appends newly closed trades after a poll; open.trades: the open table each poll', async () => {
    const { source, sim } = await bot();
    await source.poll();
    const trades: DataFrameJSON[] = [];
    const open: DataFrameJSON[] = [];
    const stopTrades = source.streams?.trades?.((f) => trades.push(f), {});
    const stopOpen = source.streams?.['open.trades']?.((f) => open.push(f), {});
    tick();
    const { closed } = sim.step();
    await source.poll();
    expect(trades).toHaveLength(1);
    expect(col(trades[0], 'trade_id')).toEqual([closed?.id]);
    expect(open).toHaveLength(1);
    expect(col(open[0], 'trade_id')).toEqual(sim.bot.openTrades().map((t) => t.id));
    stopTrades?.();
    stopOpen?.();
    tick();
    sim.step();
    await source.poll();
    expect(trades).toHaveLength(1);
  });
});

describe('faults', () => {
  it('down: bots row says unreachable, data queries fail, degraded then down, then recovers', async () => {
    const { source, sim } = await bot();
    await source.poll();
    await pollUnder({ source, sim }, 'down');
    expect(source.health().status).toBe('degraded');
    const [row] = await run(source, 'bots');
    expect(col(row, 'up')).toEqual([false]);
    expect(col(row, 'state')).toEqual(['unreachable']);
    expect(col(row, 'strategy')).toEqual(['SampleStrategy']); // last known
    await expect(run(source, 'profit')).rejects.toBeInstanceOf(UpstreamError);
    tick();
    await source.poll();
    tick();
    await source.poll();
    expect(source.health()).toMatchObject({ status: 'down', circuit: 'open' });
    const [health] = await run(source, 'health');
    expect(col(health, 'status')).toEqual(['down']);
    sim.clearFaults();
    tick(60_000);
    await source.poll();
    expect(source.health().status).toBe('ok');
    expect(col((await run(source, 'bots'))[0], 'up')).toEqual([true]);
  });

  it('stopped bot: state stopped, open trades still listed, degraded (count failing is expected then)', async () => {
    const { source, sim } = await bot();
    sim.setState('stopped');
    const [row] = await run(source, 'bots');
    expect(col(row, 'state')).toEqual(['stopped']);
    expect(col(row, 'up')).toEqual([true]);
    expect(source.health()).toMatchObject({ status: 'degraded', message: 'bot state is stopped' });
    // freqtrade 2026.9 /status lists open trades in every state: rpc.py:199-211 (_rpc_trade_status
    // checks no state), api_trading.py:157-162; a stopped bot keeps its 3 open trades
    const [open] = await run(source, 'open.trades');
    expect(frameLength(open as DataFrameJSON)).toBe(3);
    expect(col((await run(source, 'profit'))[0], 'closed_trade_count')).toEqual([40]);
    sim.setState('reload_config');
    tick();
    expect(col((await run(source, 'bots'))[0], 'state')).toEqual(['reload_config']);
    sim.setState('running');
    tick();
    await source.poll();
    expect(source.health().status).toBe('ok');
  });

  it('stale heartbeat: degraded with the age of last_process', async () => {
    const { source, sim } = await bot();
    sim.setFault('stale-heartbeat');
    const [row] = await run(source, 'bots');
    expect(col(row, 'heartbeat_age')).toEqual([900]);
    expect(source.health()).toMatchObject({ status: 'degraded', message: 'stale heartbeat: last process 900 s ago' });
  });

  it('exchange error: only balance fails, the rest answers, the source is degraded', async () => {
    const { source, sim } = await bot();
    sim.setFault('exchange-error');
    await expect(run(source, 'balance')).rejects.toThrow(/balance: .*HTTP 502: Error querying \/api\/v1\/balance: Error getting current tickers\./);
    expect(frameLength((await run(source, 'trades'))[0] as DataFrameJSON)).toBe(40);
    expect(source.health().status).toBe('degraded');
    expect(source.health().message).toMatch(/^balance: /);
  });

  it('malformed answer: /profit breaks alone, the rest answers', async () => {
    const { source, sim } = await bot();
    sim.setFault('malformed');
    await expect(run(source, 'profit')).rejects.toThrow(/profit: freqtrade GET \/api\/v1\/profit: answer is not JSON/);
    expect(col((await run(source, 'bots'))[0], 'up')).toEqual([true]);
    expect(frameLength((await run(source, 'trades'))[0] as DataFrameJSON)).toBe(40);
    expect(source.health()).toMatchObject({ status: 'degraded' });
  });

  it('hung bot: requests time out (bounded by timeoutMs) and the bot counts as unreachable', async () => {
    const sim = await startFreqtradeSimulator({ now, password: 'hang-password-1' });
    sims.push(sim);
    const source = createFreqtradeSource(
      freqtradeConfigSchema.parse({ id: 'slow', kind: 'freqtrade', url: sim.url, username: sim.username, password: sim.password, auth: 'basic', timeoutMs: 300 }),
      createTestContext({ now })
    );
    sources.push(source);
    sim.setFault('hang');
    await expect(run(source, 'profit')).rejects.toThrow(/unreachable: freqtrade GET \/api\/v1\/show_config: timed out after 300 ms/);
  });

  it('live bot (not dry run): runmode live, no simulated-balance note', async () => {
    const { source } = await bot({ dryRun: false });
    const [row] = await run(source, 'bots');
    expect(col(row, 'dry_run')).toEqual([false]);
    expect(col(row, 'runmode')).toEqual(['live']);
    expect(col((await run(source, 'balance'))[1], 'note')).toEqual(['']);
  });

  it('one bot down degrades only its own source (two bots side by side)', async () => {
    const context = createTestContext({ now });
    const a = await bot({ id: 'bot-a', context, seed: 1 });
    const b = await bot({ id: 'bot-b', context, seed: 2, strategy: 'Other' });
    await Promise.all([a.source.poll(), b.source.poll()]);
    a.sim.setFault('down');
    tick();
    await Promise.all([a.source.poll(), b.source.poll()]);
    await expect(run(a.source, 'trades')).rejects.toThrow(/bot-a unreachable/);
    expect(frameLength((await run(b.source, 'trades'))[0] as DataFrameJSON)).toBe(40);
    expect(a.source.health().status).not.toBe('ok');
    expect(b.source.health().status).toBe('ok');
    const text = await context.metrics.registry.metrics();
    expect(text).toMatch(/freqtrade_build_info\{source="bot-a",cluster="bot-a",strategy="SampleStrategy",version="2026.9"\} 0/);
    expect(text).toMatch(/freqtrade_build_info\{source="bot-b",cluster="bot-b",strategy="Other",version="2026.9"\} 1/);
    expect(text).not.toMatch(/freqtrade_trade_open_current\{source="bot-a"/);
    expect(text).toMatch(/freqtrade_trade_open_current\{source="bot-b"[^}]*\} 3/);
  });
});

describe('metrics', () => {
  it("exports ftmetric's freqtrade_* names with cluster/strategy/version labels plus source", async () => {
    const { source, context, sim, text, base } = await polledEmaCrossBot();
    const profit = sim.bot.profit();
    expect(text).toContain(`freqtrade_build_info{${base}} 1`);
    expect(text).toContain(`freqtrade_state{${base},text="running"} 1`);
    expect(text).toContain(`freqtrade_mode{${base},text="dry_run"} 0`);
    expect(text).toContain(`freqtrade_trade_open_max{${base}} 5`);
    expect(text).toContain(`freqtrade_trade_close{${base}} 40`);
    expect(text).toContain('# TYPE freqtrade_trade_total counter');
    expect(text).toContain(`freqtrade_perf_realized{${base},stake="USDT"} ${profit.profit_closed_coin}`);
    expect(text).toContain(`freqtrade_crypto_balance{${base},stake="USDT"}`);
    expect(text).toContain(`freqtrade_fiat_balance{${base},stake="USD"}`);
    expect(text).toContain(`freqtrade_pair_whitelist{${base}} 8`);
    expect(text).toMatch(/freqtrade_pair_profit_abs\{[^}]*pair="[A-Z]+\/USDT"\}/);
    expect(text).toMatch(/freqtrade_lock_count\{[^}]*\} \d+/);
    expect(text).toMatch(/freqtrade_heartbeat_age_seconds\{[^}]*\} 0/);
    expect(text).toMatch(/freqtrade_drawdown_max_ratio\{[^}]*\} 0\.\d+/);
    expect(text).toMatch(/nodescope_upstream_request_seconds_count\{[^}]*source="bot-1"[^}]*method="show_config"/);
    // a later poll replaces (not duplicates) the counter value
    tick();
    sim.step();
    await source.poll();
    const after = await context.metrics.registry.metrics();
    expect(after).toContain(`freqtrade_trade_close{${base}} 41`);
  });
});

describe('security', () => {
  it('no password, Basic credential or JWT in frames, errors, logs, annotations or metrics', async () => {
    const context = createTestContext({ now });
    const { source, sim } = await bot({ context });
    const outputs: string[] = [];
    const collect = async (fn: () => Promise<unknown>) => {
      try {
        outputs.push(JSON.stringify(await fn()));
      } catch (error) {
        outputs.push(String(error), (error as Error).stack ?? '');
      }
    };
    const everything = async () => {
      for (const name of Object.keys(source.queries)) await collect(() => run(source, name));
      await collect(() => source.annotations?.trades?.({ from: 0, to: T0 * 2 }) ?? Promise.resolve());
      await collect(() => source.variables?.pairs?.({}) ?? Promise.resolve());
      outputs.push(JSON.stringify(source.health()));
    };
    await everything();
    for (const fault of ['exchange-error', 'stale-heartbeat', 'reject-tokens', 'down'] as const) {
      sim.setFault(fault);
      tick(20 * 60_000);
      await everything();
      sim.clearFaults();
    }
    tick(60_000);
    await everything();
    outputs.push(await context.metrics.registry.metrics(), context.logs.text);
    const secrets = [sim.password, Buffer.from(`${sim.username}:${sim.password}`).toString('base64'), ...sim.issuedTokens];
    expect(sim.issuedTokens.length).toBeGreaterThanOrEqual(4);
    const haystack = outputs.join('\n');
    expect(haystack.length).toBeGreaterThan(10_000);
    for (const secret of secrets) expect(haystack).not.toContain(secret);
    // and every one of them is known to the scrubber
    for (const secret of secrets.slice(0, 2)) expect(context.secrets.scrub(`x${secret}x`)).toBe('x[redacted]x');
  });

  it('the bot only ever receives allow-listed reads and token calls (checked on the simulator)', async () => {
    const { source, sim } = await bot({ pageSize: 9 });
    for (const name of Object.keys(source.queries)) await run(source, name).catch(() => undefined);
    sim.setState('stopped');
    tick();
    await source.poll();
    await pollUnder({ source, sim }, 'reject-tokens');
    await source.annotations?.trades?.({ from: 0, to: T0 });
    // + stats and logs: read-only GETs (freqtrade 2026.9 api_trading.py:103, api_v1.py:113)
    const allowedGets = ['show_config', 'status', 'count', 'profit', 'balance', 'daily', 'performance', 'trades', 'health', 'locks', 'whitelist', 'stats', 'logs'].map(
      (p) => `/api/v1/${p}`
    );
    const seen = new Set(sim.received.map((r) => `${r.method} ${r.path}`));
    for (const request of seen) {
      const [method, path] = request.split(' ') as [string, string];
      const ok = (method === 'GET' && allowedGets.includes(path)) || (method === 'POST' && /^\/api\/v1\/token\/(login|refresh)$/.test(path));
      expect(ok, request).toBe(true);
    }
    expect(seen.size).toBeGreaterThanOrEqual(14);
  });
});

describe("ftmetric's /stats, /logs and balance-period families (kamontat/fthelper metric v4 @4970bd51)", () => {
  it('exports freqtrade_stat_sell_reason/_duration and freqtrade_log_level* from the bot\'s /stats and /logs', async () => {
    const { source, context, sim, text, base } = await polledEmaCrossBot();
    // the bot's answers (validated against freqtrade 2026.9's Stats and Logs models in test/python)
    const stats = sim.bot.stats();
    const reasons = Object.entries(stats.exit_reasons ?? {});
    expect(reasons.length).toBeGreaterThan(1);
    for (const [reason, c] of reasons) {
      expect(text).toContain(`freqtrade_stat_sell_reason{${base},reason="${reason}",type="win"} ${c.wins}`);
      expect(text).toContain(`freqtrade_stat_sell_reason{${base},reason="${reason}",type="draw"} ${c.draws}`);
      expect(text).toContain(`freqtrade_stat_sell_reason{${base},reason="${reason}",type="loss"} ${c.losses}`);
    }
    expect(text).toContain(`freqtrade_stat_duration{${base},type="win"} ${stats.durations.wins}`);
    expect(text).toContain(`freqtrade_stat_duration{${base},type="loss"} ${stats.durations.losses ?? -1}`);
    const logs = sim.bot.logs(null);
    expect(text).toContain(`freqtrade_log_level_total{${base}} ${logs.log_count}`);
    const info = logs.logs.filter((r) => r[3] === 'INFO').length;
    expect(info).toBeGreaterThan(0);
    expect(text).toContain(`freqtrade_log_level{${base},level="INFO"} ${info}`);
    // an exchange error is logged by the bot at ERROR (the simulator writes it when /balance fails)
    await pollUnder({ source, sim }, 'exchange-error');
    expect(await context.metrics.registry.metrics()).toContain(`freqtrade_log_level{${base},level="ERROR"} 1`);
  });

  it('freqtrade_perf_minute is the balance total\'s change over the last full minute, 0 before', async () => {
    const { source, context, sim } = await bot();
    const perf = async (period: string) =>
      Number(new RegExp(`^freqtrade_perf_${period}\\{[^}]*\\} (\\S+)$`, 'm').exec(await context.metrics.registry.metrics())?.[1]);
    await source.poll();
    const first = sim.bot.balance().total;
    expect(await perf('minute')).toBe(0);
    sim.step();
    tick(61_000);
    await source.poll();
    const second = sim.bot.balance().total;
    expect(second).not.toBe(first);
    expect(await perf('minute')).toBeCloseTo((second - first) / first, 10);
    expect(await perf('hourly')).toBe(0);
  });

  it('a paused bot (freqtrade 2025+) is state 2 "paused", degraded, and still counts its open trades', async () => {
    const { source, context, sim } = await bot();
    sim.setState('paused');
    await source.poll();
    const text = await context.metrics.registry.metrics();
    expect(text).toMatch(/freqtrade_state\{[^}]*text="paused"\} 2/);
    expect(text).toMatch(/freqtrade_trade_open_current\{[^}]*\} 3/);
    expect(source.health()).toMatchObject({ status: 'degraded', message: 'bot state is paused (no new entries)' });
  });
});

describe('message websocket (optional)', () => {
  it('a burst of fills polls once at once and once more after fillPollMinSeconds, not once per fill', async () => {
    const { source, sim } = await bot({ websocket: true, fillPollMinSeconds: 1 });
    await source.start();
    await waitFor(() => sim.sockets === 1 && source.health().status === 'ok', 'the websocket and the first poll');
    const before = sim.count('show_config');
    // 8 steps 60 ms apart: 16 fill messages (exit_fill + entry_fill each) within half a second
    for (let i = 0; i < 8; i++) {
      sim.step();
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    expect(sim.count('show_config')).toBe(before + 1); // the leading poll only
    await waitFor(() => sim.count('show_config') === before + 2, 'the trailing poll');
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(sim.count('show_config')).toBe(before + 2);
  });

  it('a fill message from the bot triggers a poll at once, so the trades stream follows without waiting', async () => {
    const { source, sim, context } = await bot({ websocket: true });
    await source.start();
    await waitFor(() => sim.sockets === 1 && source.health().status === 'ok', 'the websocket and the first poll');
    const frames: DataFrameJSON[] = [];
    const stop = source.streams?.trades?.((f) => frames.push(f), {});
    const polls = sim.count('show_config');
    const { closed } = sim.step(); // the shared clock does not move: only the websocket can cause this poll
    await waitFor(() => frames.length > 0, 'a trades frame after exit_fill');
    expect(col(frames[0], 'trade_id')).toEqual([closed?.id]);
    expect(sim.count('show_config')).toBeGreaterThan(polls);
    expect(sim.received.filter((r) => r.path === '/api/v1/message/ws').map((r) => r.search)).toEqual(['?token=[token]']);
    expect(source.health().components?.websocket?.status).toBe('ok');
    stop?.();
    for (const token of sim.issuedTokens) expect(context.logs.text).not.toContain(token);
  });

  it('accepts a ws_token; a refused token degrades the websocket component only', async () => {
    const good = await bot({ id: 'ws-good', auth: 'basic', websocket: true, wsToken: 'ws-token-abcdefgh', sourceWsToken: 'ws-token-abcdefgh' });
    await good.source.start();
    await waitFor(() => good.sim.sockets === 1, 'a websocket with ws_token');

    const bad = await bot({ id: 'ws-bad', auth: 'basic', websocket: true, wsToken: 'ws-token-abcdefgh', sourceWsToken: 'ws-token-WRONG-123' });
    await bad.source.start();
    await waitFor(() => /HTTP 403/.test(bad.source.health().components?.websocket?.message ?? ''), 'the 403 on the websocket');
    await waitFor(() => bad.source.health().lastSuccess !== null, 'the first REST poll');
    expect(bad.source.health()).toMatchObject({ status: 'degraded', message: 'websocket: HTTP 403 instead of an upgrade' });
    expect(col((await run(bad.source, 'bots'))[0], 'up')).toEqual([true]);
    expect(bad.context.logs.text).not.toContain('ws-token-WRONG-123');
    expect(bad.sim.sockets).toBe(0);
  });
});
