// Pool-side reconciliation through the whole cgminer source: the fleet simulator's miners hash
// for account "farm" (stratum user farm.<miner>), the Braiins Pool and Luxor simulators answer
// their documented read APIs for that account. Expected values are worked out from the stated
// simulator state.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frameColumn, POOL_ACCOUNT_FIELDS as F } from '@nodescope/shared';
import { startCgminerFleet, type CgminerFleet } from '../src/simulators/cgminer/fleet.js';
import { startPoolSimulator, type SimPool } from '../src/simulators/pools/server.js';
import { createCgminerSource, type CgminerSource } from '../src/sources/cgminer/index.js';
import { createTestContext } from './helpers.js';
import { cgminerConfigFor } from './cgminerConfig.js';

const TH = 1e12;
const BRAIINS_TOKEN = 'braiins-token-0123456789';
const LUXOR_TOKEN = 'luxor-key-0123456789abcdef';

let fleet: CgminerFleet;
let braiins: SimPool;
let luxor: SimPool;
let source: CgminerSource;
let context: ReturnType<typeof createTestContext>;

beforeAll(async () => {
  // frozen: each miner reports exactly its nominal rate: cgminer-0001 50, bmminer-0002 110,
  // braiins-0003 100, whatsminer-0004 100 TH/s = 360 TH/s, all as farm.<name> on pool-a
  fleet = await startCgminerFleet({ count: 4, frozen: true });
  // the pool sees three of them (not whatsminer-0004) and a worker no fleet miner is on
  const workers = [
    { user: 'farm.cgminer-0001', hashrate: 50 * TH, active: true },
    { user: 'farm.bmminer-0002', hashrate: 110 * TH, active: true },
    { user: 'farm.braiins-0003', hashrate: 100 * TH, active: true },
    { user: 'farm.whatsminer-0004', hashrate: 0, active: false },
    { user: 'farm.ghost', hashrate: 10 * TH, active: true },
  ];
  braiins = await startPoolSimulator('braiins', { account: 'farm', token: BRAIINS_TOKEN, workers, earningsPerDay: 0.0012, balance: 0.05 });
  luxor = await startPoolSimulator('luxor', { account: 'farm', token: LUXOR_TOKEN, workers: workers.slice(0, 4), earningsPerDay: 0.0011, balance: 0.04 });
  context = createTestContext({ level: 'debug' });
  const config = cgminerConfigFor(fleet, {
    poolAccounts: [
      { id: 'braiins-farm', kind: 'braiins', url: braiins.url, token: BRAIINS_TOKEN, account: 'farm', timeoutMs: 1_000 },
      { id: 'luxor-farm', kind: 'luxor', url: luxor.url, token: LUXOR_TOKEN, account: 'farm', timeoutMs: 1_000 },
    ],
  });
  source = createCgminerSource(config, context) as CgminerSource;
  await source.fleet.pollNow();
  await source.fleet.poolAccounts.pollNow();
});

afterAll(async () => {
  await source.stop();
  await Promise.all([fleet.close(), braiins.close(), luxor.close()]);
});

const accounts = async () => (await source.queries['pool.accounts']!({ params: {}, range: { from: 0, to: Date.now() }, intervalMs: 1000, maxDataPoints: 10 }))[0]!;
const value = (frame: Awaited<ReturnType<typeof accounts>>, field: string, account: string) =>
  frameColumn<unknown>(frame, field)![frameColumn<string>(frame, F.account)!.indexOf(account)];

describe('pool accounts reconciled with the fleet', () => {
  it('Braiins: credits 260 TH/s of workers it sees hashing + 10 TH/s of an unknown one against 360 reported', async () => {
    const frame = await accounts();
    expect(value(frame, F.up, 'braiins-farm')).toBe(true);
    expect(value(frame, F.reported, 'braiins-farm')).toBe(360 * TH);
    // hash_rate_5m = 50 + 110 + 100 + 10 (ghost) = 270 TH/s = 270000 Gh/s
    expect(value(frame, F.credited, 'braiins-farm')).toBe(270 * TH);
    expect(value(frame, F.ratio, 'braiins-farm')).toBe(0.75);
    expect(value(frame, F.earningsPerDay, 'braiins-farm')).toBe(0.0012);
    expect(value(frame, F.notAtPool, 'braiins-farm')).toBe('whatsminer-0004');
    expect(value(frame, F.unknownAtPool, 'braiins-farm')).toBe('farm.ghost');
  });

  it('Luxor: the same fleet, workers named without the subaccount', async () => {
    const frame = await accounts();
    // 50 + 110 + 100 = 260 TH/s credited of 360 reported
    expect(value(frame, F.credited, 'luxor-farm')).toBe(260 * TH);
    expect(value(frame, F.ratio, 'luxor-farm')).toBeCloseTo(260 / 360, 12);
    expect(value(frame, F.earningsPerDay, 'luxor-farm')).toBe(0.0011);
    expect(value(frame, F.notAtPool, 'luxor-farm')).toBe('whatsminer-0004');
    expect(value(frame, F.unknownAtPool, 'luxor-farm')).toBe('');
  });

  it('health, /metrics, and only allow-listed GETs with the token in the documented header', async () => {
    const health = source.health();
    expect(health.components?.poolAccounts?.status).toBe('degraded');
    expect(health.components?.poolAccounts?.message).toBe(
      'braiins-farm: the pool credits 75 % of what the miners report; braiins-farm: not hashing at the pool: whatsminer-0004; luxor-farm: the pool credits 72 % of what the miners report; luxor-farm: not hashing at the pool: whatsminer-0004'
    );
    const metrics = await context.metrics.registry.metrics();
    expect(metrics).toMatch(/^pool_account_credited_hashes_per_second\{source="farm",account="braiins-farm",pool="braiins"\} 270000000000000$/m);
    expect(metrics).toMatch(/^pool_account_reported_hashes_per_second\{source="farm",account="luxor-farm",pool="luxor"\} 360000000000000$/m);
    expect(metrics).toMatch(/^pool_account_earnings_btc_per_day\{source="farm",account="braiins-farm",pool="braiins"\} 0.0012$/m);
    expect(metrics).toMatch(/^pool_account_miners_not_at_pool\{source="farm",account="luxor-farm",pool="luxor"\} 1$/m);
    expect(braiins.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /accounts/profile/json/btc/',
      'GET /accounts/workers/json/btc/',
      'GET /accounts/rewards/json/btc/',
    ]);
    expect(luxor.requests).toEqual([
      { method: 'GET', path: '/v1/pool/summary/BTC', query: { subaccount_names: 'farm' } },
      { method: 'GET', path: '/v1/pool/workers/BTC', query: { subaccount_names: 'farm', page_number: '1', page_size: '1000' } },
    ]);
  });

  it('a refused token: the account is down, the message names the status and never the token', async () => {
    braiins.state.token = 'rotated-token-9876543210';
    braiins.state.faults.clear();
    await source.fleet.poolAccounts.pollNow();
    const frame = await accounts();
    expect(value(frame, F.up, 'braiins-farm')).toBe(false);
    expect(value(frame, F.error, 'braiins-farm')).toBe('braiins profile: HTTP 401');
    const health = JSON.stringify(source.health());
    expect(health).toContain('braiins-farm: braiins profile: HTTP 401');
    expect(health).not.toContain(BRAIINS_TOKEN);
    expect(JSON.stringify(context.logs)).not.toContain(BRAIINS_TOKEN);
    expect(await context.metrics.registry.metrics()).toMatch(/^pool_account_up\{source="farm",account="braiins-farm",pool="braiins"\} 0$/m);
  });

  it('a pool that is down or answers garbage: a clear error, the other account unaffected', async () => {
    luxor.state.faults.add('malformed');
    await source.fleet.poolAccounts.pollNow();
    expect(value(await accounts(), F.error, 'luxor-farm')).toBe('luxor summary: the reply is not JSON');
    luxor.state.faults.clear();
    luxor.state.faults.add('down');
    await source.fleet.poolAccounts.pollNow();
    expect(value(await accounts(), F.error, 'luxor-farm')).toBe('luxor summary: HTTP 503');
  });
});
