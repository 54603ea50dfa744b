// The client against the simulator over real sockets: Basic and JWT auth, refresh before
// expiry, re-login after a refused token, the allow-list, error shapes.
import { afterEach, describe, expect, it } from 'vitest';
import { startFreqtradeSimulator, type FreqtradeSimulator } from '../../simulators/freqtrade/index.js';
import { UpstreamError } from '../types.js';
import { FreqtradeClient, isAllowedRequest, isAllowedUpgrade, jwtExpiry } from './client.js';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
let sim: FreqtradeSimulator | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function setup(auth: 'jwt' | 'basic' = 'jwt', password?: string) {
  const clock = { t: T0 };
  const now = () => clock.t;
  sim = await startFreqtradeSimulator({ now, password: 'correct horse battery' });
  const secrets: string[] = [];
  const client = new FreqtradeClient({
    url: sim.url,
    username: sim.username,
    password: password ?? sim.password,
    auth,
    timeoutMs: 5_000,
    now,
    onSecret: (s) => secrets.push(s),
  });
  return { clock, client, sim, secrets };
}

describe('FreqtradeClient auth', () => {
  it('sends HTTP Basic on every call in basic mode and never logs in', async () => {
    const { client, sim } = await setup('basic');
    expect((await client.showConfig()).bot_name).toBe('freqtrade-sim');
    expect((await client.count()).max).toBe(5);
    expect(sim.count('token/login')).toBe(0);
    expect(sim.received.filter((r) => r.path !== '/api/v1/ping').every((r) => r.auth === 'basic')).toBe(true);
  });

  it('logs in once with Basic, then uses the Bearer access token', async () => {
    const { client, sim, secrets } = await setup('jwt');
    await client.showConfig();
    await client.profit();
    await client.health();
    expect(sim.count('token/login', 'POST')).toBe(1);
    expect(sim.received.find((r) => r.path === '/api/v1/token/login')?.auth).toBe('basic');
    expect(sim.received.filter((r) => r.method === 'GET').every((r) => r.auth === 'bearer')).toBe(true);
    // password, Basic header value, access and refresh token are all handed to the scrubber
    expect(secrets).toHaveLength(4);
  });

  it('refreshes the access token before it expires (injected clock, no sleeping)', async () => {
    const { client, sim, clock } = await setup('jwt');
    await client.count();
    clock.t += 14 * 60_000 + 30_000; // 30 s before the 15-minute expiry, inside the 60 s margin
    await client.count();
    expect(sim.count('token/refresh', 'POST')).toBe(1);
    expect(sim.count('token/login')).toBe(1);
    expect(client.authStats.retriesAfter401).toBe(0);
  });

  it("counts token lifetime on its own clock when the bot's clock is off by an hour", async () => {
    const clock = { t: T0 };
    sim = await startFreqtradeSimulator({ now: () => clock.t - 3_600_000, password: 'correct horse battery' });
    const client = new FreqtradeClient({ url: sim.url, username: sim.username, password: sim.password, auth: 'jwt', timeoutMs: 5_000, now: () => clock.t });
    await client.count();
    await client.count();
    expect(sim.count('token/login') + sim.count('token/refresh')).toBe(1);
  });

  it('logs in again when the refresh token has expired too', async () => {
    const { client, sim, clock } = await setup('jwt');
    await client.count();
    clock.t += 31 * 86_400_000;
    await client.count();
    expect(sim.count('token/login')).toBe(2);
    expect(sim.count('token/refresh')).toBe(0);
  });

  it('on a 401 for a token it thought valid, renews and retries once', async () => {
    const { client, sim } = await setup('jwt');
    await client.count();
    sim.setFault('reject-tokens'); // bot restarted with a new jwt_secret_key
    const count = await client.count();
    expect(count.current).toBeGreaterThanOrEqual(0);
    expect(client.authStats.retriesAfter401).toBe(1);
    // the refresh token was signed with the old key too: refresh 401 -> login
    expect(sim.count('token/refresh')).toBe(1);
    expect(sim.count('token/login')).toBe(2);
  });

  it('a wrong password is a clear, non-retryable error without the password in it', async () => {
    const { client } = await setup('jwt', 'wrong-password-123');
    const error = await client.count().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).message).toMatch(/login refused \(HTTP 401\)/);
    expect((error as UpstreamError).retryable).toBe(false);
    expect((error as UpstreamError).message).not.toContain('wrong-password-123');
    const basic = await (await setup('basic', 'wrong-password-123')).client.count().catch((e: unknown) => e);
    expect((basic as UpstreamError).code).toBe(401);
  });
});

describe('FreqtradeClient paging and errors', () => {
  it('pages /api/v1/trades with limit and offset as the bot answers them', async () => {
    const { client } = await setup('basic');
    const first = await client.trades(15, 0);
    const second = await client.trades(15, 15);
    const last = await client.trades(15, 30);
    expect(first.total_trades).toBe(40);
    expect([first.trades_count, second.trades_count, last.trades_count]).toEqual([15, 15, 10]);
    expect(second.offset).toBe(15);
    const ids = [...first.trades, ...second.trades, ...last.trades].map((t) => t.trade_id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(40);
  });

  it('maps an RPCException (502 {error}) into an UpstreamError naming the path', async () => {
    const { client, sim } = await setup('basic');
    sim.setState('stopped');
    const error = (await client.count().catch((e: unknown) => e)) as UpstreamError;
    expect(error.code).toBe(502);
    expect(error.message).toBe('freqtrade GET /api/v1/count: HTTP 502: Error querying /api/v1/count: trader is not running');
  });

  it('reports a reset connection as a retryable network error', async () => {
    const { client, sim } = await setup('basic');
    sim.setFault('down');
    const error = (await client.profit().catch((e: unknown) => e)) as UpstreamError;
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.code).toBe('network');
    expect(error.retryable).toBe(true);
  });
});

describe('allow-list', () => {
  it.each([
    ['POST', '/api/v1/forceexit'],
    ['POST', '/api/v1/forceenter'],
    ['POST', '/api/v1/forcebuy'],
    ['POST', '/api/v1/start'],
    ['POST', '/api/v1/stop'],
    ['POST', '/api/v1/stopentry'],
    ['POST', '/api/v1/reload_config'],
    ['POST', '/api/v1/blacklist'],
    ['DELETE', '/api/v1/trades/1'],
    ['DELETE', '/api/v1/locks/1'],
    ['GET', '/api/v1/sysinfo'],
    ['GET', '/api/v1/../v1/status'],
  ] as const)('refuses %s %s before any socket opens', async (method, path) => {
    const { client, sim } = await setup('basic');
    const error = (await client.call(method, path, {}, null).catch((e: unknown) => e)) as UpstreamError;
    expect(error.code).toBe('not-allowed');
    expect(sim.received).toHaveLength(0);
  });

  it('accepts only the listed reads, their integer params and the two token POSTs', () => {
    expect(isAllowedRequest('GET', '/api/v1/trades', { limit: 10, offset: 20 })).toBe(true);
    expect(isAllowedRequest('GET', '/api/v1/trades', { limit: 'x' })).toBe(false);
    expect(isAllowedRequest('GET', '/api/v1/status', { limit: 1 })).toBe(false);
    // read-only GETs of freqtrade 2026.9: api_trading.py:103 /stats (no parameter), api_v1.py:113 /logs (limit)
    expect(isAllowedRequest('GET', '/api/v1/stats')).toBe(true);
    expect(isAllowedRequest('GET', '/api/v1/stats', { limit: 1 })).toBe(false);
    expect(isAllowedRequest('GET', '/api/v1/logs')).toBe(true);
    expect(isAllowedRequest('GET', '/api/v1/logs', { limit: 50 })).toBe(true);
    expect(isAllowedRequest('GET', '/api/v1/logs', { limit: 'x' })).toBe(false);
    expect(isAllowedRequest('POST', '/api/v1/logs')).toBe(false);
    expect(isAllowedRequest('POST', '/api/v1/token/login')).toBe(true);
    expect(isAllowedRequest('POST', '/api/v1/token/refresh')).toBe(true);
    expect(isAllowedRequest('POST', '/api/v1/status')).toBe(false);
    expect(isAllowedRequest('GET', '/api/v1/token/login')).toBe(false);
    expect(isAllowedRequest('GET', '/api/v1/message/ws')).toBe(false); // only as an upgrade
    expect(isAllowedUpgrade('/api/v1/message/ws')).toBe(true);
    expect(isAllowedUpgrade('/api/v1/forceexit')).toBe(false);
  });

  it('reads exp from a JWT and returns null for anything else', () => {
    const payload = Buffer.from(JSON.stringify({ exp: 1_700_000_000 })).toString('base64url');
    expect(jwtExpiry(`x.${payload}.y`)).toBe(1_700_000_000_000);
    expect(jwtExpiry('not-a-jwt')).toBeNull();
  });
});
