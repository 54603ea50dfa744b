// Pool API documents → account view → reconciliation with the fleet, and the read-only allow-list.
// The documents are the samples the pools publish or a public client tests against (cited per
// case); every expected number is worked out by hand beside it.
import { describe, expect, it } from 'vitest';
import { PoolCallRefused, poolRequestUrl } from './api.js';
import { parseBraiins, parseLuxor, reconcile, unitFactor } from './model.js';

// shadowylab/braiinspool@51f3456:src/model.rs:406-427 (test_user_profile_deserialization)
const BRAIINS_PROFILE = {
  username: 'username',
  btc: {
    all_time_reward: '0.15000000',
    hash_rate_unit: 'Gh/s',
    hash_rate_5m: 27978,
    hash_rate_60m: 28191,
    hash_rate_24h: 28357,
    hash_rate_yesterday: 28197,
    low_workers: 0,
    off_workers: 0,
    ok_workers: 2,
    dis_workers: 2,
    current_balance: '0.15000000',
    today_reward: '0.000166667',
    estimated_reward: '0.00011940',
    shares_5m: 123,
    shares_60m: 1476,
    shares_24h: 35424,
    shares_yesterday: 0,
  },
};

// shadowylab/braiinspool@51f3456:src/model.rs:454-484 (test_workers_deserialization)
const BRAIINS_WORKERS = {
  btc: {
    workers: {
      'username.worker1': { state: 'ok', last_share: 1542103204, hash_rate_unit: 'Gh/s', hash_rate_scoring: 15342, hash_rate_5m: 14977, hash_rate_60m: 15302, hash_rate_24h: 15351, shares_5m: 90304, shares_60m: 1125762, shares_24h: 20945364 },
      'username.worker2': { state: 'ok', last_share: 1542103200, hash_rate_unit: 'Gh/s', hash_rate_scoring: 12952, hash_rate_5m: 13001, hash_rate_60m: 12889, hash_rate_24h: 13006, shares_5m: 90304, shares_60m: 1125762, shares_24h: 20945364 },
    },
  },
};

// the daily_rewards fields of shadowylab/braiinspool@51f3456:src/model.rs:253-282 (date = first
// second of the day; amounts strings); no published sample document, so values are ours
const BRAIINS_REWARDS = {
  btc: {
    daily_rewards: [
      { date: 1_700_092_800, total_reward: '0.00120000', mining_reward: '0.00120000', bos_plus_reward: '0', referral_bonus: '0', referral_reward: '0', calculation_date: 1_700_096_400 },
      { date: 1_700_006_400, total_reward: '0.00110000', mining_reward: '0.00110000', bos_plus_reward: '0', referral_bonus: '0', referral_reward: '0', calculation_date: 1_700_010_000 },
    ],
  },
};

// https://docs.luxor.tech/docs/mining/api/reporting/get-summary, "Default Response"
const LUXOR_SUMMARY = {
  currency_type: 'BTC',
  subaccounts: [{ id: 0, name: 'subaccount_1' }],
  hashrate_5m: '1035827914295214',
  hashrate_24h: '1035827914295214',
  efficiency_5m: 0.9960606098175049,
  uptime_24h: 0.9960606098175049,
  revenue_24h: [{ currency_type: 'BTC', revenue_type: 'MINING', revenue: 0.00066154 }],
  active_miners: 10,
  hashprice: [{ currency_type: 'BTC', value: 0.00059629 }],
  balance: [{ currency_type: 'BTC', revenue: 0.26944885 }],
};

// https://docs.luxor.tech/docs/mining/api/reporting/get-workers, "Default Response"
const LUXOR_WORKERS = {
  currency_type: 'BTC',
  subaccounts: [{ id: 0, name: 'subaccount_1' }],
  total_inactive: 10,
  total_active: 10,
  workers: [
    {
      id: 'string',
      currency_type: 'BTC',
      subaccount_name: 'subaccount_1',
      name: 'worker-1',
      firmware: '1.0.0',
      hashrate: 0.00066154,
      efficiency: 0.9960606098175049,
      stale_shares: 0.00066154,
      rejected_shares: 0.00066154,
      last_share_time: '2025-01-01T00:00:00Z',
      status: 'ACTIVE',
    },
  ],
  pagination: { page_number: 0, page_size: 0, item_count: 0, previous_page_url: 'string', next_page_url: 'string' },
};

const TH = 1e12;

describe('Braiins Pool documents', () => {
  it('reads the profile, workers and daily rewards', () => {
    const view = parseBraiins(BRAIINS_PROFILE, BRAIINS_WORKERS, BRAIINS_REWARDS);
    // 27978 Gh/s = 2.7978e13 H/s; 28357 Gh/s = 2.8357e13 H/s; "0.15000000" BTC
    expect(view.hashrate5m).toBeCloseTo(27_978e9, -1);
    expect(view.hashrate24h).toBeCloseTo(28_357e9, -1);
    expect(view.balance).toBe(0.15);
    // the latest day (date 1700092800) earned 0.0012 BTC
    expect(view.earningsPerDay).toBe(0.0012);
    expect(view.workers).toEqual([
      { name: 'username.worker1', hashrate: 14_977e9, active: true, state: 'ok' },
      { name: 'username.worker2', hashrate: 13_001e9, active: true, state: 'ok' },
    ]);
  });

  it('rejects a profile without rates and an unknown unit', () => {
    expect(() => parseBraiins({ btc: {} }, {}, {})).toThrow(/hash_rate_5m/);
    expect(unitFactor('Th/s')).toBe(1e12);
    expect(unitFactor('Ph/s')).toBe(1e15);
    expect(() => unitFactor('furlongs')).toThrow(/unknown hash rate unit/);
  });
});

describe('Luxor documents', () => {
  it('reads the summary and workers of the documented samples', () => {
    const view = parseLuxor(LUXOR_SUMMARY, LUXOR_WORKERS);
    expect(view.hashrate5m).toBe(1_035_827_914_295_214);
    expect(view.earningsPerDay).toBe(0.00066154);
    expect(view.balance).toBe(0.26944885);
    expect(view.workers).toEqual([{ name: 'worker-1', hashrate: 0.00066154, active: true, state: 'ACTIVE' }]);
  });
});

describe('reconciliation with the fleet', () => {
  it('Braiins: credited against reported, miners the pool does not see, workers no miner is on', () => {
    const view = parseBraiins(BRAIINS_PROFILE, BRAIINS_WORKERS, BRAIINS_REWARDS);
    const fleet = [
      { name: 'rig-a', user: 'username.worker1', hashrate: 15 * TH },
      { name: 'rig-c', user: 'username.worker3', hashrate: 10 * TH },
      { name: 'rig-d', user: 'someoneelse.w1', hashrate: 99 * TH },
    ];
    const r = reconcile('braiins', 'username', view, fleet);
    // rig-a + rig-c = 25 TH/s on the account (rig-d is on another account)
    expect(r.reported).toBe(25 * TH);
    // 27.978 / 25 = 1.11912
    expect(r.ratio).toBeCloseTo(1.11912, 10);
    expect(r.notAtPool).toEqual(['rig-c']);
    expect(r.unknownAtPool).toEqual(['username.worker2']);
  });

  it('Luxor names workers without the subaccount; no fleet miner on the account gives no ratio', () => {
    const view = parseLuxor(LUXOR_SUMMARY, LUXOR_WORKERS);
    const r = reconcile('luxor', 'subaccount_1', view, [{ name: 'rig-1', user: 'subaccount_1.worker-1', hashrate: 1 * TH }]);
    expect(r).toMatchObject({ reported: 1 * TH, notAtPool: [], unknownAtPool: [] });
    expect(reconcile('luxor', 'subaccount_1', view, []).ratio).toBeNull();
  });
});

describe('read-only allow-list', () => {
  it('builds only the documented GET paths and query names', () => {
    expect(poolRequestUrl('braiins', 'https://pool.braiins.com', 'profile').href).toBe('https://pool.braiins.com/accounts/profile/json/btc/');
    expect(poolRequestUrl('luxor', 'https://app.luxor.tech/api', 'summary', { subaccount_names: 'sub 1' }).href).toBe(
      'https://app.luxor.tech/api/v1/pool/summary/BTC?subaccount_names=sub+1'
    );
    // payouts, settings and prototype names are not calls; an undocumented query name is refused
    for (const call of ['payouts', 'constructor', '__proto__', 'toString']) expect(() => poolRequestUrl('braiins', 'https://pool.braiins.com', call)).toThrow(PoolCallRefused);
    expect(() => poolRequestUrl('luxor', 'https://app.luxor.tech/api', 'workers', { group_id: 'x' })).toThrow(PoolCallRefused);
    expect(() => poolRequestUrl('braiins', 'https://pool.braiins.com', 'profile', { coin: 'btc' })).toThrow(PoolCallRefused);
  });
});

describe('pool account config', () => {
  it('takes an http(s) API URL, a token of at least 8 characters, an account name; refuses the rest with a clear message', async () => {
    const { cgminerConfigSchema } = await import('../config.js');
    const base = { id: 'f', kind: 'cgminer' as const };
    const account = { id: 'b', kind: 'braiins', token: 'token-123456', account: 'farm' };
    const parsed = cgminerConfigSchema.parse({ ...base, poolAccounts: [account] });
    // defaults: every 300 s, 10 s timeout, alert below 90 % credited
    expect(parsed.poolAccounts[0]).toMatchObject({ everySeconds: 300, timeoutMs: 10_000, minCreditedShare: 0.9 });
    const issue = (extra: Record<string, unknown>) => cgminerConfigSchema.safeParse({ ...base, poolAccounts: [{ ...account, ...extra }] }).error?.issues[0]?.message;
    expect(issue({ url: 'file:///etc/passwd' })).toBe('an http(s) URL');
    expect(issue({ token: 'short' })).toMatch(/at least 8 characters/);
    expect(issue({ account: 'a/../b' })).toBe('an account or subaccount name');
    expect(issue({ kind: 'f2pool' })).toBeDefined();
    // Braiins asks for about one request per five seconds: no period under 30 s
    expect(issue({ everySeconds: 5 })).toBeDefined();
  });
});
