// The wall clock jumping forward and back (NTP stepping a clock that ran ahead, a VM restored
// from a snapshot) while the proxy polls, samples history and holds freqtrade's JWT. The proxy is
// driven with a `now` that jumps (buildApp's options.now; the clients' own `now`), the upstreams
// are simulators on real sockets, and nothing sleeps longer than a few poll periods.
// The rules checked here:
// - pollers keep their cadence: they are scheduled with setTimeout, which runs on elapsed time;
// - history rings stay in time order: a sample stamped before the newest drops the samples stamped
//   after it (the clock that stamped them ran ahead), counted in HistoryStore.droppedAhead;
// - a cached query result stored before a step back is not served for the length of the step;
// - freqtrade's JWT is renewed a bounded number of times per jump (never skipped, never looped).
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../src/config/schema.js';
import { buildApp } from '../src/http/app.js';
import { startFreqtradeSimulator, type FreqtradeSimulator } from '../src/simulators/freqtrade/index.js';
import type { BitcoinRpc } from '../src/sources/bitcoin/client.js';
import { MempoolSync } from '../src/sources/bitcoin/mempoolSync.js';
import { FreqtradeClient } from '../src/sources/freqtrade/client.js';
import { simulatorRpc, startRegtestSimulator } from './bitcoinHarness.js';
import { cleanupAfterEach, createTestContext, HOUR_MS, LogCapture, waitFor } from './helpers.js';

const cleanups = cleanupAfterEach();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('wall-clock jumps: polling, history, cached results', () => {
  it('keeps the poll cadence, keeps history in time order and answers fresh data across a step forward and a step back', async () => {
    const sim = await startRegtestSimulator(cleanups, { initialMempool: 50 });
    let offset = 0;
    const now = () => Date.now() + offset;
    const config = configSchema.parse({
      server: { host: '127.0.0.1', port: 0, logLevel: 'warn', cacheTtlMs: 60_000 },
      sources: [
        {
          id: 'btc',
          kind: 'bitcoin',
          network: 'regtest',
          rpc: simulatorRpc(sim),
          geoip: false,
          pollSeconds: 0.2,
          slowPollSeconds: 3_600,
        },
      ],
    });
    const proxy = await buildApp(config, { logDestination: new LogCapture(), now });
    cleanups.push(() => proxy.close());
    await proxy.start();
    const query = async (name: string, range: { from: number; to: number }) => {
      const res = await proxy.app.inject({
        method: 'POST',
        url: '/api/query',
        payload: { queries: [{ refId: 'A', sourceId: 'btc', query: name }], range },
      });
      expect(res.statusCode).toBe(200);
      return res.json<{
        results: {
          A: { frames: Array<{ schema: { fields: Array<{ name: string }> }; data: { values: unknown[][] } }> };
        };
      }>().results.A.frames;
    };
    const polls = () => sim.received.filter((m) => m === 'getmempoolinfo').length;
    const height = async () => {
      const frame = (await query('chain.info', { from: now() - HOUR_MS, to: now() }))[0]!;
      return frame.data.values[frame.schema.fields.findIndex((f) => f.name === 'blocks')]![0] as number;
    };

    // 1 s per phase at a 200 ms poll: about 5 polls each, whatever the clock says
    const phase = async () => {
      const before = polls();
      await sleep(1_000);
      return polls() - before;
    };
    await waitFor(
      () => proxy.context.history.ring<{ t: number }>('btc:mempool', 1).length > 0,
      'a first mempool sample'
    );
    const heightBefore = await height(); // cached for 60 s of the clock
    const steady = await phase();
    offset = +HOUR_MS; // the clock steps an hour forward…
    const ahead = await phase();
    offset = -HOUR_MS; // …then two hours back
    const behind = await phase();
    for (const count of [steady, ahead, behind]) {
      expect(count).toBeGreaterThanOrEqual(3);
      expect(count).toBeLessThanOrEqual(7);
    }

    // the hour stamped ahead was dropped when the clock came back; what is left is in time order
    expect(proxy.context.history.droppedAhead).toBeGreaterThanOrEqual(3);
    const frame = (await query('mempool.summary', { from: now() - 3 * HOUR_MS, to: now() + 3 * HOUR_MS }))[0]!;
    const times = frame.data.values[frame.schema.fields.findIndex((f) => f.name === 'time')] as number[];
    expect(times.length).toBeGreaterThanOrEqual(3);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(Math.max(...times)).toBeLessThanOrEqual(now());

    // a block found after the step back shows at once, not after the hour the step took back
    sim.mineBlock();
    expect(await height()).toBe(heightBefore + 1);
  }, 20_000);
});

describe('wall-clock jumps: the live mempool analysis', () => {
  it('recomputes after a step back instead of serving its 200 ms cache for the length of the step', () => {
    let now = 10_000_000;
    const sync = new MempoolSync({
      endpoint: null,
      cap: 1_000,
      pollMs: 60_000,
      maxBatch: 10,
      rpc: {} as BitcoinRpc, // never started: the store is filled by hand below
      logger: createTestContext().logger,
      now: () => now,
    });
    const add = (digit: string) => {
      sync.store.addEntries([{ txid: digit.repeat(64), vsize: 100, fee: 1_000, time: 1 }]);
      sync.version++; // what the sync does after each change
    };
    const txs = (current = false) => sync.analysis(current).histogram.count.reduce((a, b) => a + b, 0);
    add('a');
    expect(txs()).toBe(1);
    add('b');
    expect(txs()).toBe(1); // within 200 ms: the cached analysis, by design
    expect(txs(true)).toBe(2); // what a live frame asks for: the current one
    add('c');
    now -= HOUR_MS;
    expect(txs()).toBe(3);
  });
});

describe("wall-clock jumps: freqtrade's JWT", () => {
  let sim: FreqtradeSimulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);

  /** The bot and the proxy on clocks the test moves (`both`: one host, both clocks jump together). */
  async function setup() {
    const proxyClock = { t: T0 };
    const botClock = { t: T0 };
    sim = await startFreqtradeSimulator({ now: () => botClock.t, password: 'correct horse battery' });
    const client = new FreqtradeClient({
      url: sim.url,
      username: sim.username,
      password: sim.password,
      auth: 'jwt',
      timeoutMs: 5_000,
      now: () => proxyClock.t,
    });
    const renewals = () => sim!.count('token/login') + sim!.count('token/refresh');
    const count = async () => {
      const before = sim!.received.length;
      await client.count();
      // every GET that reached the bot since `before`, but the one answered, was refused (401)
      return sim!.received.slice(before).filter((r) => r.path === '/api/v1/count').length - 1;
    };
    const both = (ms: number) => {
      proxyClock.t += ms;
      botClock.t += ms;
    };
    return { proxyClock, botClock, client, renewals, count, both };
  }

  it('one host, the clock steps an hour forward: one refresh, no refused call, then quiet', async () => {
    const { client, renewals, count, both } = await setup();
    await count();
    expect(renewals()).toBe(1); // the login
    both(HOUR_MS); // the access token (15 min) expired for both sides
    expect(await count()).toBe(0);
    expect(sim!.count('token/refresh')).toBe(1);
    for (let i = 0; i < 5; i++) {
      both(60_000);
      expect(await count()).toBe(0);
    }
    expect(renewals()).toBe(2);
    expect(client.authStats.retriesAfter401).toBe(0);
  });

  it('one host, the clock steps an hour back: the bot refuses its tokens from "the future" (PyJWT iat), one login, then quiet', async () => {
    const { client, renewals, count, both } = await setup();
    await count();
    both(-HOUR_MS);
    // the access token looks valid to the proxy (its expiry moved an hour away) but the bot
    // refuses it (iat after its clock); the refresh token too: a new login, and the call retried once
    expect(await count()).toBe(1);
    expect(client.authStats.retriesAfter401).toBe(1);
    expect(sim!.count('token/login')).toBe(2);
    for (let i = 0; i < 5; i++) {
      both(60_000);
      expect(await count()).toBe(0);
    }
    expect(renewals()).toBe(3); // login, refused refresh, login
  });

  it("the proxy's clock alone steps back (the bot elsewhere): at the token's real expiry one refused call renews it, never a loop", async () => {
    const { client, proxyClock, botClock, renewals, count } = await setup();
    await count();
    proxyClock.t -= 2 * HOUR_MS;
    // the proxy now believes the token good for 2 h 15 min; the bot, 15 min
    const minutes = async (n: number) => {
      for (let minute = 1; minute <= n; minute++) {
        proxyClock.t += 60_000;
        botClock.t += 60_000;
        expect(await count()).toBeLessThanOrEqual(1);
      }
    };
    await minutes(20);
    // one refused call at the bot's expiry (minute 15), answered by a refresh and one retry
    expect(client.authStats.retriesAfter401).toBe(1);
    expect(sim!.count('token/refresh')).toBe(1);
    // from then on the two clocks agree on the new token's age: the next refresh comes before
    // its expiry (inside the 60 s margin), with no refused call
    await minutes(15);
    expect(client.authStats.retriesAfter401).toBe(1);
    expect(sim!.count('token/refresh')).toBe(2);
    expect(renewals()).toBe(3);
  });

  it("the proxy's clock alone steps forward by days: refreshes, or logs in once the refresh token looks expired", async () => {
    const { client, proxyClock, renewals, count } = await setup();
    await count();
    proxyClock.t += 2 * HOUR_MS;
    expect(await count()).toBe(0);
    expect(sim!.count('token/refresh')).toBe(1);
    proxyClock.t += 31 * 24 * HOUR_MS; // past the refresh token's 30 days on the proxy's clock
    expect(await count()).toBe(0);
    expect(sim!.count('token/login')).toBe(2);
    await count();
    expect(renewals()).toBe(3);
    expect(client.authStats.retriesAfter401).toBe(0);
  });
});
