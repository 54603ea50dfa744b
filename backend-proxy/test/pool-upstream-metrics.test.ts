// The pool-account calls are upstreams like every other: through the whole cgminer source, each
// allow-listed GET to the Braiins Pool and Luxor simulators shows in /metrics as
// nodescope_upstream_request_seconds{source,upstream,method}, and a refusal, garbage or silence as
// nodescope_upstream_errors_total{source,upstream,reason}.
//
// Series names: a histogram `<basename>` is scraped as `<basename>_count` (the number of
// observations) beside _bucket/_sum: prometheus/docs@b8185d0579a475381da2d415ac594d02abd60729:
// content/docs/concepts/metric_types.md ("Histogram": "the count of events that have been
// observed, exposed as <basename>_count"). The calls per read are the pools' documented read
// APIs, allow-listed and cited in src/sources/cgminer/pools/api.ts (Braiins: profile, workers,
// rewards; Luxor: summary, workers).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPoolSimulator, type SimPool } from '../src/simulators/pools/server.js';
import { cgminerConfigSchema } from '../src/sources/cgminer/config.js';
import { createCgminerSource, type CgminerSource } from '../src/sources/cgminer/index.js';
import { createTestContext, type TestContext } from './helpers.js';

const TOKEN = { braiins: 'braiins-token-metrics-0123', luxor: 'luxor-key-metrics-0123456789' } as const;
const pools = {} as Record<keyof typeof TOKEN, SimPool>;
let source: CgminerSource;
let context: TestContext;

const scrape = () => context.metrics.registry.metrics();
/** the value of one exposition line, 0 when the series is absent */
const sample = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
};
const calls = (text: string, upstream: string, method: string) =>
  sample(text, `nodescope_upstream_request_seconds_count{source="farm",upstream="${upstream}",method="${method}"}`);
const errors = (text: string, upstream: string, reason: string) =>
  sample(text, `nodescope_upstream_errors_total{source="farm",upstream="${upstream}",reason="${reason}"}`);

beforeAll(async () => {
  const workers = [{ user: 'farm.a', hashrate: 50e12, active: true }];
  for (const kind of ['braiins', 'luxor'] as const)
    pools[kind] = await startPoolSimulator(kind, { account: 'farm', token: TOKEN[kind], workers, earningsPerDay: 0.001, balance: 0.01 });
  context = createTestContext();
  const config = cgminerConfigSchema.parse({
    id: 'farm',
    kind: 'cgminer',
    miners: [],
    poolAccounts: Object.values(pools).map((pool) => ({ id: `${pool.kind}-farm`, kind: pool.kind, url: pool.url, token: TOKEN[pool.kind], account: 'farm', timeoutMs: 500 })),
  });
  source = createCgminerSource(config, context) as CgminerSource;
});

afterAll(async () => {
  await source.stop();
  await Promise.all(Object.values(pools).map((pool) => pool.close()));
});

describe('pool-account calls in nodescope_upstream_*', () => {
  it('one read: each allow-listed call observed once, labelled with the cgminer source, pool-<kind> and the call', async () => {
    expect(calls(await scrape(), 'pool-braiins', 'profile')).toBe(0);
    await source.fleet.poolAccounts.pollNow();
    const text = await scrape();
    // Braiins: profile, workers, rewards, one at a time; Luxor: summary, then workers
    for (const method of ['profile', 'workers', 'rewards']) expect(calls(text, 'pool-braiins', method)).toBe(1);
    for (const method of ['summary', 'workers']) expect(calls(text, 'pool-luxor', method)).toBe(1);
    expect(pools.braiins.requests).toHaveLength(3);
    expect(pools.luxor.requests).toHaveLength(2);
    // the latency is a real duration: _sum > 0 for a call that crossed a socket
    expect(sample(text, 'nodescope_upstream_request_seconds_sum{source="farm",upstream="pool-luxor",method="summary"}')).toBeGreaterThan(0);
    expect(text).not.toMatch(/nodescope_upstream_errors_total\{[^}]*upstream="pool-/);
  });

  it('a refused token, a 503, garbage and silence are counted by reason; the read stops at the first failed call', async () => {
    pools.braiins.state.token = 'rotated-token-9876543210';
    pools.luxor.state.faults.add('down');
    await source.fleet.poolAccounts.pollNow();
    let text = await scrape();
    // the simulators answer 401 for a wrong Braiins token, 503 when down (src/simulators/pools/server.ts)
    expect(errors(text, 'pool-braiins', 'http_401')).toBe(1);
    expect(errors(text, 'pool-luxor', 'http_503')).toBe(1);
    // a refused call still crossed the wire: its latency is observed too
    expect(calls(text, 'pool-braiins', 'profile')).toBe(2);
    expect(calls(text, 'pool-braiins', 'workers')).toBe(1);

    pools.braiins.state.token = TOKEN.braiins;
    pools.luxor.state.faults.clear();
    pools.luxor.state.faults.add('malformed');
    pools.braiins.state.faults.add('slow'); // answers after 3 s, the timeout is 500 ms
    await source.fleet.poolAccounts.pollNow();
    text = await scrape();
    expect(errors(text, 'pool-luxor', 'malformed')).toBe(1);
    expect(errors(text, 'pool-braiins', 'timeout')).toBe(1);
    // the timed-out exchange has no latency sample: only answered calls are observed
    expect(calls(text, 'pool-braiins', 'profile')).toBe(2);
    expect(errors(text, 'pool-braiins', 'http_401')).toBe(1);
  });
});
