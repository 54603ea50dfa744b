// The Freqtrade source against a real bot: freqtrade==2026.9 from PyPI (the .venv-ci virtualenv
// that scripts/python-deps.sh builds), trading in dry-run against a local stand-in of Binance's
// public REST API (freqtradeExchange.ts), offline. The bot trades on its own (a strategy that
// always enters and exits at once), so /trades, /stats, /logs, /status carry real rows.
// Checked: every query and metric family of the source on the real answers; the paused state as
// the real bot reports it; fills on the real message websocket; and the simulator's answers have
// the real bot's shape, field by field, endpoint by endpoint.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFreqtradeSimulator } from '../src/simulators/freqtrade/index.js';
import { freqtradeConfigSchema } from '../src/sources/freqtrade/config.js';
import { createFreqtradeSource, type FreqtradeSource } from '../src/sources/freqtrade/index.js';
import { startExchangeStandin, type ExchangeStandin } from './freqtradeExchange.js';
import { createTestContext, waitFor } from './helpers.js';
import { freePort } from './influxd.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FREQTRADE = join(REPO, '.venv-ci/bin/freqtrade');
const USER = 'freqtrader';
const PASSWORD = 'real-bot-password-123';
const WS_TOKEN = 'real-bot-ws-token-123';

// BTC/USDT is entered on every new candle and exited at once (custom_exit); ETH/USDT, entered
// once, stays open: closed trades, stats and an open trade all exist within seconds of the start
const STRATEGY = `from freqtrade.strategy import IStrategy


class AlwaysIn(IStrategy):
    INTERFACE_VERSION = 3
    timeframe = "1m"
    minimal_roi = {"0": 10}
    stoploss = -0.5
    startup_candle_count = 5

    def populate_indicators(self, dataframe, metadata):
        return dataframe

    def populate_entry_trend(self, dataframe, metadata):
        dataframe["enter_long"] = 1
        return dataframe

    def populate_exit_trend(self, dataframe, metadata):
        dataframe["exit_long"] = 0
        return dataframe

    def custom_exit(self, pair, trade, current_time, current_rate, current_profit, **kwargs):
        return "quick_exit" if pair == "BTC/USDT" else None
`;

let exchange: ExchangeStandin;
let bot: ChildProcess;
let dir: string;
let base: string;
let output = '';

/** The test's own calls to the bot (writes included: pause, forceexit); the source makes none. */
async function api<T = unknown>(path: string, method = 'GET', body?: unknown): Promise<T> {
  const response = await fetch(`${base}/api/v1/${path}`, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

/** The shape of a JSON value: keys (recursively) and JSON types; arrays by their first element. */
function shape(value: unknown): unknown {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? ['empty'] : [shape(value[0])];
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, shape(v)]).sort(([a], [b]) => String(a).localeCompare(String(b))));
  return typeof value;
}

/**
 * Maps whose keys are data, not fields (dict[str, ...] in api_schemas.py): the bot's config
 * (minimal_roi, entry_pricing, exit_pricing) and its exit reasons. Only their values' shapes count.
 */
const DATA_MAPS = new Set(['show_config.minimal_roi', 'show_config.entry_pricing', 'show_config.exit_pricing', 'stats.exit_reasons']);

/** Where two shapes differ: a key on one side only, or two non-null types that differ. */
function shapeDiff(real: unknown, sim: unknown, where = ''): string[] {
  if (real === 'null' || sim === 'null') return []; // an optional value: null on one side is a value, not a shape
  if (DATA_MAPS.has(where)) {
    const [r] = Object.values(real as object);
    const [s] = Object.values(sim as object);
    return r === undefined || s === undefined ? [] : shapeDiff(r, s, `${where}.*`);
  }
  if (Array.isArray(real) && Array.isArray(sim)) return real[0] === 'empty' || sim[0] === 'empty' ? [] : shapeDiff(real[0], sim[0], `${where}[]`);
  if (real && sim && typeof real === 'object' && typeof sim === 'object' && !Array.isArray(real) && !Array.isArray(sim)) {
    const r = real as Record<string, unknown>;
    const s = sim as Record<string, unknown>;
    return [
      ...Object.keys(r).filter((k) => !(k in s)).map((k) => `${where}.${k}: real bot only`),
      ...Object.keys(s).filter((k) => !(k in r)).map((k) => `${where}.${k}: simulator only`),
      ...Object.keys(r).filter((k) => k in s).flatMap((k) => shapeDiff(r[k], s[k], `${where}.${k}`)),
    ];
  }
  return JSON.stringify(real) === JSON.stringify(sim) ? [] : [`${where}: real ${JSON.stringify(real)}, simulator ${JSON.stringify(sim)}`];
}

describe('a real freqtrade bot (dry-run against a local exchange stand-in)', () => {
  beforeAll(async () => {
    // the real bot is the reference here: without it the tests fail, they do not skip
    if (!existsSync(FREQTRADE)) throw new Error(`freqtrade not found at ${FREQTRADE}: run bash scripts/python-deps.sh (npm test does)`);
    exchange = await startExchangeStandin();
    dir = await mkdtemp(join(tmpdir(), 'nodescope-freqtrade-'));
    await mkdir(join(dir, 'user_data/strategies'), { recursive: true });
    await writeFile(join(dir, 'user_data/strategies/AlwaysIn.py'), STRATEGY);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const urls = { api: { public: `${exchange.url}/api/v3`, private: `${exchange.url}/api/v3`, v1: `${exchange.url}/api/v1`, sapi: `${exchange.url}/sapi/v1` } };
    // spot markets only, no currency list (a private endpoint): ccxt binance options
    const ccxt = { options: { fetchMarkets: { types: ['spot'] }, fetchCurrencies: false }, urls };
    const config = {
      max_open_trades: 2,
      stake_currency: 'USDT',
      stake_amount: 100,
      dry_run: true,
      dry_run_wallet: 1000,
      trading_mode: 'spot',
      timeframe: '1m',
      strategy: 'AlwaysIn',
      entry_pricing: { price_side: 'other', use_order_book: false },
      exit_pricing: { price_side: 'other', use_order_book: false },
      exchange: { name: 'binance', key: '', secret: '', pair_whitelist: ['BTC/USDT', 'ETH/USDT'], ccxt_config: ccxt, ccxt_async_config: ccxt },
      pairlists: [{ method: 'StaticPairList' }],
      api_server: {
        enabled: true,
        listen_ip_address: '127.0.0.1',
        listen_port: port,
        username: USER,
        password: PASSWORD,
        jwt_secret_key: 'nodescope-test-jwt-secret-key-0123456789',
        ws_token: WS_TOKEN,
      },
      bot_name: 'real-bot',
      initial_state: 'running',
      internals: { process_throttle_secs: 2 },
      db_url: `sqlite:///${join(dir, 'trades.sqlite')}`,
    };
    await writeFile(join(dir, 'config.json'), JSON.stringify(config, null, 1));
    bot = spawn(FREQTRADE, ['trade', '-c', join(dir, 'config.json'), '--userdir', join(dir, 'user_data')], { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
    };
    bot.stdout?.on('data', keep);
    bot.stderr?.on('data', keep);
    try {
      await waitFor(async () => (await api<{ status: string }>('ping')).status === 'pong', 'the bot API', 120_000, 500);
      await waitFor(async () => (await api<{ total_trades: number }>('trades?limit=1')).total_trades >= 1, 'a closed trade', 120_000, 500);
      await waitFor(async () => (await api<unknown[]>('status')).length >= 1, 'an open trade', 30_000, 500);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- freqtrade output ---\n${output.slice(-4_000)}`);
    }
  }, 300_000);

  afterAll(async () => {
    if (bot && bot.exitCode === null) {
      const exited = new Promise((resolve) => bot.once('exit', resolve));
      bot.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
      if (bot.exitCode === null) bot.kill('SIGKILL');
    }
    await exchange?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 30_000);

  it('is freqtrade 2026.9, trading offline against the stand-in', async () => {
    expect((await api<{ version: string }>('version')).version).toBe('2026.9');
    const config = await api<{ dry_run: boolean; state: string; exchange: string }>('show_config');
    expect(config).toMatchObject({ dry_run: true, state: 'running', exchange: 'binance' });
    expect(exchange.paths).toContain('/api/v3/exchangeInfo');
    expect(exchange.paths).toContain('/api/v3/klines');
  });

  it('the simulator answers every endpoint the source reads in the real bot\'s shape', async () => {
    const sim = await startFreqtradeSimulator({ password: 'simulator-password-1' });
    try {
      const simGet = async (path: string) => {
        const response = await fetch(`${sim.url}/api/v1/${path}`, { headers: { authorization: `Basic ${Buffer.from(`${sim.username}:${sim.password}`).toString('base64')}` } });
        return response.json();
      };
      const problems: string[] = [];
      for (const path of ['version', 'show_config', 'status', 'count', 'profit', 'balance', 'daily?timescale=30', 'performance', 'trades?limit=50&offset=0', 'health', 'locks', 'whitelist', 'stats', 'logs']) {
        const [real, simulated] = await Promise.all([api(path), simGet(path)]);
        problems.push(...shapeDiff(shape(real), shape(simulated), path));
      }
      expect(problems).toEqual([]);
      // datetimes in Health are pydantic datetimes, serialized ISO 8601 with Z (api_schemas.py Health)
      const realHealth = await api<{ last_process: string }>('health');
      const simHealth = (await simGet('health')) as { last_process: string };
      const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
      expect(realHealth.last_process).toMatch(iso);
      expect(simHealth.last_process).toMatch(iso);
    } finally {
      await sim.close();
    }
  }, 60_000);

  describe('the source', () => {
    let source: FreqtradeSource;
    const context = createTestContext();

    beforeAll(() => {
      const config = freqtradeConfigSchema.parse({
        id: 'real-bot',
        kind: 'freqtrade',
        url: base,
        username: USER,
        password: PASSWORD,
        auth: 'jwt',
        // no timer poll during the test: every poll after the first comes from a fill message
        pollSeconds: 3_600,
        websocket: true,
        wsToken: WS_TOKEN,
        fillPollMinSeconds: 1,
      });
      source = createFreqtradeSource(config, context);
    });
    afterAll(() => source?.stop());

    it('reads every query from the running bot, and its fills arrive on the message websocket', async () => {
      await source.start();
      await waitFor(() => source.health().status === 'ok' && source.health().components?.websocket?.status === 'ok', 'ok with the websocket', 30_000, 100);
      const input = { params: {}, range: { from: Date.now() - 86_400_000, to: Date.now() + 60_000 }, intervalMs: 60_000, maxDataPoints: 1_000 };
      for (const name of ['bots', 'profit', 'trades', 'open.trades', 'performance', 'balance', 'daily', 'health']) {
        const frames = await source.queries[name]!(input);
        expect(frames.length, name).toBeGreaterThan(0);
      }
      // an exit fill (the test closes the open ETH trade through the bot's own API) reaches the
      // source as an exit_fill message and makes it poll (pollSeconds is an hour here)
      const polls = () => context.metrics.registry.metrics().then((text) => Number(/nodescope_upstream_request_seconds_count\{[^}]*method="show_config"[^}]*\} (\d+)/.exec(text)?.[1] ?? 0));
      const before = await polls();
      const open = await api<Array<{ trade_id: number; pair: string }>>('status');
      const eth = open.find((t) => t.pair === 'ETH/USDT');
      expect(eth).toBeDefined();
      await api('forceexit', 'POST', { tradeid: String(eth!.trade_id) });
      await waitFor(async () => (await polls()) > before, 'a poll caused by the exit_fill message', 15_000, 100);
    }, 60_000);

    it('a paused bot (POST /pause straight to the bot): state 2 "paused", degraded, and every ftmetric family equals what the bot says', async () => {
      await api('pause', 'POST');
      // ETH re-enters on a new candle and never exits by itself: close it if a minute turned since
      for (const trade of await api<Array<{ trade_id: number; pair: string }>>('status')) {
        if (trade.pair === 'ETH/USDT') await api('forceexit', 'POST', { tradeid: String(trade.trade_id) });
      }
      // paused manages open trades (BTC exits at once) but enters none: wait for a still bot
      await waitFor(async () => (await api<{ current: number }>('count')).current === 0, 'no open trade', 30_000, 250);
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      await source.poll();
      const [stats, profit, show] = await Promise.all([
        api<{ exit_reasons: Record<string, { wins: number; losses: number; draws: number }>; durations: Record<string, number | null> }>('stats'),
        api<{ closed_trade_count: number; winning_trades: number; losing_trades: number }>('profit'),
        api<{ state: string }>('show_config'),
      ]);
      expect(show.state).toBe('paused');
      const text = await context.metrics.registry.metrics();
      const base = 'source="real-bot",cluster="real-bot",strategy="AlwaysIn",version="2026.9"';
      expect(text).toContain(`freqtrade_state{${base},text="paused"} 2`);
      expect(source.health()).toMatchObject({ status: 'degraded', message: 'bot state is paused (no new entries)' });
      expect(text).toContain(`freqtrade_trade_close{${base}} ${profit.closed_trade_count}`);
      expect(text).toContain(`freqtrade_trade_winning{${base}} ${profit.winning_trades}`);
      expect(Object.keys(stats.exit_reasons).length).toBeGreaterThan(0);
      for (const [reason, c] of Object.entries(stats.exit_reasons)) {
        expect(text).toContain(`freqtrade_stat_sell_reason{${base},reason="${reason}",type="win"} ${c.wins}`);
        expect(text).toContain(`freqtrade_stat_sell_reason{${base},reason="${reason}",type="loss"} ${c.losses}`);
        expect(text).toContain(`freqtrade_stat_sell_reason{${base},reason="${reason}",type="draw"} ${c.draws}`);
      }
      for (const [key, type] of [['wins', 'win'], ['draws', 'draw'], ['losses', 'loss']] as const) {
        expect(text).toContain(`freqtrade_stat_duration{${base},type="${type}"} ${stats.durations[key] ?? -1}`);
      }
      expect(text).toMatch(new RegExp(`freqtrade_log_level\\{${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')},level="INFO"\\} [1-9]`));
      expect(text).toMatch(/freqtrade_log_level_total\{[^}]*\} [1-9]/);
      expect(text).toMatch(/freqtrade_perf_minute\{[^}]*\} /);
      expect(text).toContain(`freqtrade_mode{${base},text="dry_run"} 0`);
      await api('start', 'POST');
    }, 60_000);
  });
});
