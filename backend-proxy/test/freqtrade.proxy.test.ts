// Two simulated bots behind the whole proxy over HTTP (real sockets): the config shape of
// the README with passwords from env vars, /api/query for both bots, /api/health,
// /api/variables, /api/annotations, /api/stream, /metrics — and no credential in any answer.
import { afterEach, describe, expect, it } from 'vitest';
import { frameColumn, type DataFrameJSON } from '@nodescope/shared';
import { parseConfig } from '../src/config/load.js';
import { startServer } from '../src/http/server.js';
import { startFreqtradeSimulator } from '../src/simulators/freqtrade/index.js';
import type { FreqtradeSourceConfig } from '../src/sources/freqtrade/config.js';
import { createFreqtradeSource, type FreqtradeSource } from '../src/sources/freqtrade/index.js';
import { LogCapture, waitFor } from './helpers.js';

const API_KEY = 'proxy-api-key-0123456789';
const clock = { t: Date.UTC(2026, 10, 23, 12, 0, 0) };
const now = () => clock.t;
const closers: Array<() => Promise<void>> = [];
type Results = { results: Record<string, { frames: DataFrameJSON[]; error?: string }> };

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function setup() {
  const simA = await startFreqtradeSimulator({ now, password: 'bot-a-password-123', botName: 'alpha', seed: 1 });
  const simB = await startFreqtradeSimulator({ now, password: 'bot-b-password-456', botName: 'beta', seed: 2, strategy: 'Other' });
  closers.push(() => simA.close(), () => simB.close());
  const env = { FT_PASS_A: simA.password, FT_PASS_B: simB.password };
  const config = parseConfig(
    `server: { port: 0, apiKey: ${API_KEY}, logLevel: debug }
sources:
  - { id: bot-a, kind: freqtrade, url: ${simA.url}, username: ${simA.username}, password: \${FT_PASS_A} }
  - { id: bot-b, kind: freqtrade, url: ${simB.url}, username: ${simB.username}, password: \${FT_PASS_B}, auth: basic }`,
    'bots.yaml',
    env
  );
  const logs = new LogCapture();
  const proxy = await startServer(config, {
    port: 0,
    now,
    logDestination: logs,
    createSource: (cfg, context) => createFreqtradeSource(cfg as FreqtradeSourceConfig, context),
  });
  closers.push(() => proxy.close());
  const bodies: string[] = [];
  const call = async (path: string, body?: unknown) => {
    const res = await fetch(`${proxy.url}${path}`, {
      method: body ? 'POST' : 'GET',
      headers: { authorization: `Bearer ${API_KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    bodies.push(text);
    return { status: res.status, text, json: <T = Record<string, unknown>>() => JSON.parse(text) as T };
  };
  const query = (queries: Array<{ refId: string; sourceId: string; query: string; params?: object }>) =>
    call('/api/query', { queries, range: { from: clock.t - 30 * 86_400_000, to: clock.t }, intervalMs: 60_000, maxDataPoints: 500 });
  const source = (id: string) => proxy.sources.get(id) as FreqtradeSource;
  // the proxy starts its pollers in the background: wait for both first polls
  await Promise.all([source('bot-a').poll(), source('bot-b').poll()]);
  return { simA, simB, proxy, call, query, logs, bodies, source };
}

describe('freqtrade behind the proxy', () => {
  it('answers every freqtrade query for two bots; one bot down fails only its own queries', async () => {
    const { query, simA } = await setup();
    const names = ['bots', 'profit', 'trades', 'open.trades', 'performance', 'balance', 'daily', 'health'];
    const all = await query(names.flatMap((q) => ['bot-a', 'bot-b'].map((id) => ({ refId: `${id}:${q}`, sourceId: id, query: q }))));
    expect(all.status).toBe(200);
    const results = all.json<Results>().results;
    for (const [refId, result] of Object.entries(results)) {
      expect(result.error, refId).toBeUndefined();
      expect(result.frames.length, refId).toBeGreaterThan(0);
    }
    const bots = ['bot-a', 'bot-b'].map((id) => frameColumn(results[`${id}:bots`]?.frames[0] as DataFrameJSON, 'bot')?.[0]);
    expect(bots).toEqual(['alpha', 'beta']);

    simA.setFault('down');
    clock.t += 20_000;
    const partial = (await query([
      { refId: 'a', sourceId: 'bot-a', query: 'trades' },
      { refId: 'b', sourceId: 'bot-b', query: 'trades' },
      { refId: 'rowA', sourceId: 'bot-a', query: 'bots' },
    ])).json<Results>().results;
    expect(partial.a?.error).toMatch(/bot-a unreachable/);
    expect(partial.b?.error).toBeUndefined();
    expect(frameColumn(partial.rowA?.frames[0] as DataFrameJSON, 'state')).toEqual(['unreachable']);
  });

  it('health, variables, annotations, metrics, bad params as 4xx-class errors', async () => {
    const { call, query, simB } = await setup();
    simB.setFault('exchange-error');
    clock.t += 20_000;
    await query([{ refId: 'x', sourceId: 'bot-b', query: 'bots' }]);
    const health = (await call('/api/health')).json<{ sources: Array<{ id: string; status: string }> }>();
    const byId = Object.fromEntries(health.sources.map((s) => [s.id, s.status]));
    expect(byId).toEqual({ 'bot-a': 'ok', 'bot-b': 'degraded' });

    const pairs = (await call('/api/variables?sourceId=bot-a&name=pairs')).json();
    expect(JSON.stringify(pairs)).toContain('BTC/USDT');
    const marks = await call(`/api/annotations?sourceId=bot-a&type=trades&from=${clock.t - 86_400_000}&to=${clock.t}`);
    expect(marks.status).toBe(200);
    expect(marks.text).toContain('"exit"');

    const bad = (await query([{ refId: 'bad', sourceId: 'bot-a', query: 'trades', params: { limit: -1 } }])).json<Results>();
    expect(bad.results.bad?.error).toMatch(/limit/);

    expect((await call('/api/sources')).text).toContain('"kind":"freqtrade"');
  });

  it('streams newly closed trades over SSE and never leaks a credential anywhere', async () => {
    const { proxy, simA, simB, query, call, logs, bodies, source } = await setup();
    const controller = new AbortController();
    const res = await fetch(`${proxy.url}/api/stream?sourceId=bot-a&query=trades`, {
      headers: { authorization: `Bearer ${API_KEY}` },
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let sse = '';
    const pump = (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        sse += Buffer.from(value as Uint8Array).toString();
      }
    })();
    clock.t += 20_000;
    const { closed } = simA.step();
    await source('bot-a').poll();
    await waitFor(() => sse.includes('event: frame'), 'an SSE frame', 5_000);
    expect(sse).toContain(`"trade_id"`);
    expect(sse).toContain(String(closed?.id));
    controller.abort();
    await pump;

    for (const q of ['bots', 'profit', 'trades', 'open.trades', 'performance', 'balance', 'daily', 'health']) {
      await query([{ refId: q, sourceId: 'bot-a', query: q }, { refId: `${q}b`, sourceId: 'bot-b', query: q }]);
    }
    simA.setFault('reject-tokens');
    simB.setFault('down');
    clock.t += 20 * 60_000;
    await query([{ refId: 'a', sourceId: 'bot-a', query: 'profit' }, { refId: 'b', sourceId: 'bot-b', query: 'profit' }]);
    await call('/api/health');
    const metrics = await (await fetch(`${proxy.url}/metrics`)).text();
    const haystack = [...bodies, sse, metrics, logs.text].join('\n');
    const secrets = [
      simA.password,
      simB.password,
      Buffer.from(`${simA.username}:${simA.password}`).toString('base64'),
      Buffer.from(`${simB.username}:${simB.password}`).toString('base64'),
      ...simA.issuedTokens,
    ];
    expect(simA.issuedTokens.length).toBeGreaterThanOrEqual(3);
    for (const secret of secrets) expect(haystack).not.toContain(secret);
    expect(metrics).toContain('freqtrade_build_info{source="bot-b"');
  });
});
