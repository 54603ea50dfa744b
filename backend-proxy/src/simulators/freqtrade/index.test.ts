// The simulator answers as Freqtrade's api_server does (checked against api_v1.py / api_auth.py):
// status codes, error bodies, the JWT flow, validation, and it records every request.
import { afterEach, describe, expect, it } from 'vitest';
import { startFreqtradeSimulator, type FreqtradeSimulator } from './index.js';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
const clock = { t: T0 };
let sim: FreqtradeSimulator;

afterEach(async () => {
  await sim?.close();
  clock.t = T0;
});

async function start(options = {}) {
  sim = await startFreqtradeSimulator({ now: () => clock.t, password: 'sim-password-1', ...options });
  return sim;
}

const basic = () => `Basic ${Buffer.from(`${sim.username}:${sim.password}`).toString('base64')}`;
async function call(method: string, path: string, authorization?: string) {
  const res = await fetch(`${sim.url}${path}`, { method, headers: authorization ? { authorization } : {} });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

describe('freqtrade simulator', () => {
  it('ping is public, everything else needs Basic or a Bearer access token', async () => {
    await start();
    expect(await call('GET', '/api/v1/ping')).toMatchObject({ status: 200, body: { status: 'pong' } });
    expect(await call('GET', '/api/v1/profit')).toMatchObject({ status: 401, body: { detail: 'Unauthorized' } });
    expect((await call('GET', '/api/v1/profit', basic())).status).toBe(200);
    expect(await call('GET', '/api/v1/profit', 'Bearer nope')).toMatchObject({ status: 401, body: { detail: 'Could not validate credentials' } });
  });

  it('JWT flow: login -> access+refresh, access expires after 15 min, refresh gives a new one', async () => {
    await start();
    expect(await call('POST', '/api/v1/token/login')).toMatchObject({ status: 401, body: { detail: 'Not authenticated' } });
    const wrong = `Basic ${Buffer.from(`${sim.username}:nope`).toString('base64')}`;
    expect(await call('POST', '/api/v1/token/login', wrong)).toMatchObject({ status: 401, body: { detail: 'Incorrect username or password' } });
    const login = await call('POST', '/api/v1/token/login', basic());
    const access = login.body.access_token as string;
    const refresh = login.body.refresh_token as string;
    const claims = JSON.parse(Buffer.from(access.split('.')[1] as string, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ identity: { u: sim.username }, type: 'access', exp: T0 / 1000 + 900 });
    expect((await call('GET', '/api/v1/count', `Bearer ${access}`)).status).toBe(200);
    // a refresh token is not an access token and vice versa
    expect((await call('GET', '/api/v1/count', `Bearer ${refresh}`)).status).toBe(401);
    expect((await call('POST', '/api/v1/token/refresh', `Bearer ${access}`)).status).toBe(401);
    clock.t += 900_000;
    expect((await call('GET', '/api/v1/count', `Bearer ${access}`)).status).toBe(401);
    const renewed = await call('POST', '/api/v1/token/refresh', `Bearer ${refresh}`);
    expect(Object.keys(renewed.body)).toEqual(['access_token']);
    expect((await call('GET', '/api/v1/count', `Bearer ${renewed.body.access_token as string}`)).status).toBe(200);
  });

  it('pages closed trades by id with trades_count, offset and total_trades', async () => {
    await start({ closedTrades: 12 });
    const page = await call('GET', '/api/v1/trades?limit=5&offset=10', basic());
    expect(page.body).toMatchObject({ trades_count: 2, offset: 10, total_trades: 12 });
    const bad = await call('GET', '/api/v1/trades?limit=abc', basic());
    expect(bad.status).toBe(422);
    expect((bad.body.detail as Array<{ loc: string[] }>)[0]?.loc).toEqual(['query', 'limit']);
  });

  // freqtrade 2026.9: only a stopped trader refuses /count (rpc.py:1397-1398); /status lists open
  // trades in any state (rpc.py:199-211, api_trading.py:157-162); paused counts like running
  it('states: stopped bot answers /count with 502 {error}, /status still lists open trades; paused counts', async () => {
    await start();
    sim.setState('stopped');
    expect(await call('GET', '/api/v1/count', basic())).toMatchObject({
      status: 502,
      body: { error: 'Error querying /api/v1/count: trader is not running' },
    });
    expect((await call('GET', '/api/v1/status', basic())).body).toHaveLength(sim.bot.openTrades().length);
    expect(sim.bot.openTrades().length).toBeGreaterThan(0);
    expect((await call('GET', '/api/v1/show_config', basic())).body.state).toBe('stopped');
    sim.setState('paused');
    expect(await call('GET', '/api/v1/count', basic())).toMatchObject({ status: 200, body: { current: sim.bot.openTrades().length } });
    expect((await call('GET', '/api/v1/show_config', basic())).body.state).toBe('paused');
    sim.setState('stopped');
    expect(await call('GET', '/api/v1/daily?timescale=0', basic())).toMatchObject({ status: 502 });
  });

  it('is reproducible from its seed and records every request, write routes included', async () => {
    await start({ seed: 5 });
    const first = sim.bot.closedTrades().map((t) => [t.pair, t.closeRate]);
    await sim.close();
    await start({ seed: 5 });
    expect(sim.bot.closedTrades().map((t) => [t.pair, t.closeRate])).toEqual(first);
    expect((await call('POST', '/api/v1/forceexit', basic())).status).toBe(200);
    expect((await call('DELETE', '/api/v1/trades/1', basic())).status).toBe(404);
    expect(sim.received.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /api/v1/forceexit', 'DELETE /api/v1/trades/1']);
  });

  it('down resets connections; stale heartbeat freezes last_process 15 min back', async () => {
    await start();
    sim.setFault('stale-heartbeat');
    const health = await call('GET', '/api/v1/health', basic());
    expect(health.body.last_process_ts).toBe(T0 / 1000 - 900);
    sim.setFault('down');
    await expect(fetch(`${sim.url}/api/v1/ping`)).rejects.toThrow();
    sim.clearFaults();
    expect((await call('GET', '/api/v1/ping')).status).toBe(200);
  });
});
