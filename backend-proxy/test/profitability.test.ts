// Profitability source against the price/difficulty API simulator (real HTTP on loopback) and
// the cgminer fleet simulator (real TCP). The clock is injected, so cache expiry is tested
// without waiting; numbers are checked against the worked example in
// plugins/shared/src/profitability.test.ts (computed by hand with bc).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FORWARD_FIELDS, frameColumn, MARKET_FIELDS, PROFIT_FIELDS, ROI_FIELDS, TARIFF_FIELDS, WHATIF_FIELDS, type DataFrameJSON } from '@nodescope/shared';
import { startMarketSimulator, type MarketApi, type MarketSimulator } from '../src/simulators/market/index.js';
import { startCgminerFleet, type CgminerFleet } from '../src/simulators/cgminer/fleet.js';
import { createCgminerSource, type CgminerSource } from '../src/sources/cgminer/index.js';
import { projectedFeesBtc } from '../src/sources/bitcoin/model.js';
import type { FleetMinerView } from '../src/sources/capabilities.js';
import { startBitcoinSimulator } from '../src/simulators/bitcoin/index.js';
import { bitcoinConfigSchema } from '../src/sources/bitcoin/config.js';
import { createBitcoinSource } from '../src/sources/bitcoin/index.js';
import { profitabilityConfigSchema } from '../src/sources/profitability/config.js';
import { createProfitabilitySource } from '../src/sources/profitability/index.js';
import { QueryInputError, type QueryInput, type Source } from '../src/sources/types.js';
import { bitcoinStandIn, createTestContext, waitFor } from './helpers.js';
import { cgminerConfigFor } from './cgminerConfig.js';
import { plainBlocks, plainRates } from './plainMempool.js';

const MIN = 60_000;
// the worked example: D = 1e14, subsidy 3.125 (height 870,000) + fees 0.125 BTC (12.5e6 sats), 100,000 USD/BTC
const MARKET = { priceUsd: 100_000, difficulty: 1e14, height: 870_000, feesPerBlockSats: 12_500_000, difficultyChangePercent: 1.85 };
// BTC/day of 100 TH/s at 2 % pool fee, by hand: 275184 / 2^32
const BTC_PER_DAY_100TH = 0.000064071267843;

const input = (params: QueryInput['params'] = {}): QueryInput => ({ params, range: { from: 0, to: 9e15 }, intervalMs: 1000, maxDataPoints: 500 });
const value = (frame: DataFrameJSON, field: string): unknown => frameColumn(frame, field)?.[0];

let sim: MarketSimulator;
beforeAll(async () => {
  sim = await startMarketSimulator({ state: MARKET, slowMs: 3_000 });
});
afterAll(async () => {
  await sim.close();
});
afterEach(() => {
  for (const api of ['coingecko', 'coincap', 'mempool', 'blockchainInfo'] as MarketApi[]) sim.setFault(api, 'ok');
});

function build(extra: Record<string, unknown> = {}, sources: Record<string, Source> = {}) {
  let clock = 1_700_000_000_000;
  const context = createTestContext({ now: () => clock });
  for (const [id, source] of Object.entries(sources)) context.sources.set(id, source);
  const config = profitabilityConfigSchema.parse({
    id: 'profit',
    kind: 'profitability',
    electricityPerKwh: 0.08,
    poolFeePercent: 2,
    priceApis: { coingecko: sim.url, coincap: sim.url },
    difficultyApis: { mempool: sim.url, blockchainInfo: sim.url },
    timeoutMs: 1_000,
    ...extra,
  });
  const source = createProfitabilitySource(config, context);
  return { source, context, advance: (ms: number) => (clock += ms) };
}

function counts(): Record<MarketApi, number> {
  return { ...sim.requests };
}

describe('price: CoinGecko, then CoinCap, 5-minute cache, stale when all fail', () => {
  it('uses CoinGecko first, caches for 5 min, refetches after', async () => {
    const { source, advance } = build();
    const before = counts();
    const [m1] = await source.queries.market!(input());
    expect(value(m1!, MARKET_FIELDS.price)).toBe(100_000);
    expect(value(m1!, MARKET_FIELDS.priceSource)).toBe('coingecko');
    expect(sim.requests.coingecko - before.coingecko).toBe(1);
    advance(5 * MIN - 1);
    await source.queries.market!(input());
    expect(sim.requests.coingecko - before.coingecko).toBe(1); // still cached
    advance(2);
    await source.queries.market!(input());
    expect(sim.requests.coingecko - before.coingecko).toBe(2); // expired -> refetched
    expect(sim.requests.coincap - before.coincap).toBe(0);
  });

  it.each(['ratelimit', 'error500', 'malformed', 'down', 'slow'] as const)('CoinGecko %s -> CoinCap', async (fault) => {
    const { source } = build();
    sim.setFault('coingecko', fault);
    const before = counts();
    const [m] = await source.queries.market!(input());
    expect(value(m!, MARKET_FIELDS.priceSource)).toBe('coincap');
    expect(value(m!, MARKET_FIELDS.price)).toBe(100_000);
    expect(sim.requests.coingecko - before.coingecko).toBe(1);
    expect(sim.requests.coincap - before.coincap).toBe(1);
  });

  it('both failing: the last good price is served as stale with a notice; none at all is an error', async () => {
    const { source, advance, context } = build();
    await source.queries.market!(input());
    advance(6 * MIN);
    sim.setFault('coingecko', 'error500');
    sim.setFault('coincap', 'ratelimit');
    const [m] = await source.queries.market!(input());
    expect(value(m!, MARKET_FIELDS.priceSource)).toBe('stale:coingecko');
    expect(m!.schema.meta?.notices?.[0]?.text).toMatch(/price is 6 min old .*coingecko: HTTP 500.*coincap: HTTP 429 \(rate limited\)/);
    expect(source.health().status).toBe('degraded');
    expect(await context.metrics.registry.metrics()).toMatch(/profitability_market_fetch_errors_total\{source="profit",api="coincap"\} 1/);

    const fresh = build();
    await expect(fresh.source.queries.market!(input())).rejects.toThrow(/no BTC price available/);
    expect(fresh.source.health().status).toBe('down');
  });

  it('CoinCap is skipped for a non-USD currency (it quotes USD only)', async () => {
    const { source } = build({ currency: 'EUR' });
    sim.setFault('coingecko', 'error500');
    const before = counts();
    await expect(source.queries.market!(input())).rejects.toThrow(/coingecko: HTTP 500/);
    expect(sim.requests.coincap - before.coincap).toBe(0);
    sim.setFault('coingecko', 'ok');
    const [m] = await source.queries.market!(input());
    expect(value(m!, MARKET_FIELDS.price)).toBe(92_000);
    expect(m!.schema.fields.find((f) => f.name === MARKET_FIELDS.price)?.config?.unit).toBe('currencyEUR');
  });
});

describe('difficulty: own bitcoin source, then mempool.space, then blockchain.info, 30-minute cache', () => {
  function fakeNode(options: { fail?: boolean } = {}): Source {
    // the tip and fees as the bitcoin source's chain reader gives them (getblockchaininfo blocks
    // and difficulty; getblockstats totalfee in BTC)
    return bitcoinStandIn('btc', {
      tip: async () => {
        if (options.fail) throw new Error('rpc down');
        return { height: 870_100, difficulty: 2e14 };
      },
      recentBlockFees: async (count) => {
        expect(count).toBe(144);
        return [0.1, 0.2, 0.3];
      },
    });
  }

  it('the own node first: difficulty, height and average fees of its recent blocks', async () => {
    const { source } = build({ bitcoinSource: 'btc' }, { btc: fakeNode() });
    const before = counts();
    const [m] = await source.queries.market!(input());
    expect(value(m!, MARKET_FIELDS.difficultySource)).toBe('bitcoin:btc');
    expect(value(m!, MARKET_FIELDS.difficulty)).toBe(2e14);
    expect(value(m!, MARKET_FIELDS.height)).toBe(870_100);
    expect(value(m!, MARKET_FIELDS.feesPerBlock) as number).toBeCloseTo(0.2, 12); // (0.1+0.2+0.3)/3
    expect(value(m!, MARKET_FIELDS.blockReward) as number).toBeCloseTo(3.325, 12);
    expect(sim.requests.mempool - before.mempool).toBe(0);
  });

  it('through the real bitcoin source and its simulator (RPC over HTTP): chain.info + blocks.recent of 144 blocks', async () => {
    const btcSim = await startBitcoinSimulator({ network: 'regtest', seed: 3, initialMempool: 50, peers: 2 });
    const ctx = createTestContext();
    const btc = createBitcoinSource(
      bitcoinConfigSchema.parse({ id: 'btc', kind: 'bitcoin', network: 'regtest', rpc: { url: btcSim.rpcUrl, cookieFile: btcSim.cookieFile, timeoutMs: 2_000 } }),
      ctx
    );
    try {
      const [chain] = await btc.queries['chain.info']!(input());
      const [blocks] = await btc.queries['blocks.recent']!(input({ count: 144 }));
      const fees = frameColumn<number>(blocks!, 'totalFees')!;
      const { source } = build({ bitcoinSource: 'btc' }, { btc });
      const before = counts();
      const [m] = await source.queries.market!(input());
      expect(value(m!, MARKET_FIELDS.difficultySource)).toBe('bitcoin:btc');
      expect(value(m!, MARKET_FIELDS.difficulty)).toBe(frameColumn(chain!, 'difficulty')!.at(-1));
      expect(value(m!, MARKET_FIELDS.height)).toBe(frameColumn(chain!, 'blocks')!.at(-1));
      expect(value(m!, MARKET_FIELDS.feesPerBlock) as number).toBeCloseTo(fees.reduce((a, b) => a + b, 0) / fees.length, 12);
      expect(sim.requests.mempool - before.mempool).toBe(0);
    } finally {
      await btc.stop();
      await btcSim.close();
    }
  });

  it('node failing or absent -> mempool.space (height, currentDifficulty, estimate, reward-stats fees)', async () => {
    for (const sources of [{ btc: fakeNode({ fail: true }) }, {}] as Array<Record<string, Source>>) {
      const { source } = build({ bitcoinSource: 'btc' }, sources);
      const [m] = await source.queries.market!(input());
      expect(value(m!, MARKET_FIELDS.difficultySource)).toBe('mempool');
      expect(value(m!, MARKET_FIELDS.difficulty)).toBe(1e14);
      expect(value(m!, MARKET_FIELDS.difficultyChangePercent)).toBe(1.85);
      expect(value(m!, MARKET_FIELDS.feesPerBlock) as number).toBeCloseTo(0.125, 12);
    }
  });

  it('mempool.space down -> blockchain.info; cached 30 min, then refetched', async () => {
    const { source, advance } = build();
    sim.setFault('mempool', 'down');
    const before = counts();
    const [m] = await source.queries.market!(input());
    expect(value(m!, MARKET_FIELDS.difficultySource)).toBe('blockchainInfo');
    expect(value(m!, MARKET_FIELDS.difficulty)).toBe(1e14);
    expect(value(m!, MARKET_FIELDS.feesSource)).toBe('none'); // its fee source, mempool, is down too
    expect(value(m!, MARKET_FIELDS.blockReward)).toBe(3.125);
    const biCalls = sim.requests.blockchainInfo - before.blockchainInfo;
    expect(biCalls).toBe(2); // getdifficulty + getblockcount
    advance(29 * MIN);
    await source.queries.market!(input());
    expect(sim.requests.blockchainInfo - before.blockchainInfo).toBe(2);
    advance(2 * MIN);
    sim.setFault('mempool', 'ok');
    const [m2] = await source.queries.market!(input());
    expect(value(m2!, MARKET_FIELDS.difficultySource)).toBe('mempool');
  });

  it('market frame: hashprice, countdowns and units from the worked example market', async () => {
    const { source } = build();
    const [m] = await source.queries.market!(input());
    // 1e12 · 86400 · 3.25 / (1e14 · 2^32) · 100000 = 0.0653788447 USD per TH/s per day (bc)
    expect(value(m!, MARKET_FIELDS.hashprice) as number).toBeCloseTo(0.0653788447, 9);
    expect(value(m!, MARKET_FIELDS.blocksToRetarget)).toBe(912);
    expect(value(m!, MARKET_FIELDS.blocksToHalving)).toBe(180_000);
    expect(value(m!, MARKET_FIELDS.daysToHalving)).toBe(1250);
    expect(m!.schema.fields.find((f) => f.name === MARKET_FIELDS.price)?.config?.unit).toBe('currencyUSD');
    expect(m!.schema.fields.find((f) => f.name === MARKET_FIELDS.networkHashrate)?.config?.unit).toBe('Hs');
  });
});

describe('per-miner and fleet profitability from a simulated fleet', () => {
  let fleet: CgminerFleet;
  let farm: CgminerSource;

  beforeAll(async () => {
    fleet = await startCgminerFleet({ count: 2, flavours: ['bmminer', 'whatsminer'] });
    const context = createTestContext();
    farm = createCgminerSource(
      cgminerConfigFor(fleet),
      context
    ) as CgminerSource;
    await farm.fleet.pollNow();
  });
  afterAll(async () => {
    await farm.stop();
    await fleet.close();
  });

  it('prices each miner with its hashrate and power (model table for the S19 Pro, measured for the Whatsminer)', async () => {
    const { source, context } = build({ fleets: ['farm'] }, { farm });
    const [miners, fleets] = await source.queries.miners!(input());
    const names = frameColumn<string>(miners!, PROFIT_FIELDS.miner)!;
    const hashrates = frameColumn<number>(miners!, PROFIT_FIELDS.hashrate)!;
    const watts = frameColumn<number>(miners!, PROFIT_FIELDS.powerWatts)!;
    expect(frameColumn(miners!, PROFIT_FIELDS.powerSource)).toEqual(['model', 'measured']);
    expect(watts).toEqual([3250, 3400]);
    names.forEach((_, i) => {
      const h = hashrates[i]!;
      // BTC/day scales linearly from the hand-checked 100 TH/s figure
      const btc = (BTC_PER_DAY_100TH * h) / 1e14;
      const cost = ((watts[i]! * 24) / 1000) * 0.08;
      expect(frameColumn<number>(miners!, PROFIT_FIELDS.btcPerDay)![i]).toBeCloseTo(btc, 14);
      expect(frameColumn<number>(miners!, PROFIT_FIELDS.revenuePerDay)![i]).toBeCloseTo(btc * 100_000, 9);
      expect(frameColumn<number>(miners!, PROFIT_FIELDS.costPerDay)![i]).toBeCloseTo(cost, 9);
      expect(frameColumn<number>(miners!, PROFIT_FIELDS.profitPerDay)![i]).toBeCloseTo(btc * 100_000 - cost, 9);
    });
    const totalH = hashrates.reduce((a, b) => a + b, 0);
    expect(frameColumn<number>(fleets!, PROFIT_FIELDS.btcPerDay)![0]).toBeCloseTo((BTC_PER_DAY_100TH * totalH) / 1e14, 14);
    expect(frameColumn<number>(fleets!, PROFIT_FIELDS.costPerDay)![0]).toBeCloseTo(((3250 + 3400) * 24 * 0.08) / 1000, 9);
    expect(await context.metrics.registry.metrics()).toMatch(/profitability_fleet_profit_per_day\{source="profit",fleet="farm",currency="usd"\} -?\d/);
  });

  it('an offline miner earns and costs nothing; an unknown fleet id is a notice', async () => {
    await fleet.setFault(0, 'offline');
    await farm.fleet.pollNow();
    const { source } = build({ fleets: ['farm', 'nope'] }, { farm });
    const [miners] = await source.queries.miners!(input());
    expect(frameColumn(miners!, PROFIT_FIELDS.status)).toEqual(['offline', 'online']);
    expect(frameColumn<number>(miners!, PROFIT_FIELDS.revenuePerDay)![0]).toBe(0);
    expect(frameColumn<number>(miners!, PROFIT_FIELDS.costPerDay)![0]).toBe(0);
    expect(miners!.schema.meta?.notices?.map((n) => n.text)).toContain('fleet "nope" is not a configured cgminer source');
    await fleet.setFault(0, 'offline', false);
  });

  it('fleet.history keeps one sample per tick, times from the injected clock', async () => {
    const { source, advance } = build({ fleets: ['farm'] }, { farm });
    const [first] = await source.queries['fleet.history']!(input());
    advance(5 * MIN);
    await source.queries['fleet.history']!(input()); // a non-empty ring is not resampled by a query
    const [again] = await source.queries['fleet.history']!(input());
    expect(frameColumn(first!, 'time')).toEqual([1_700_000_000_000]);
    expect(frameColumn(again!, 'time')).toEqual([1_700_000_000_000]);
  });
});

describe('whatif', () => {
  it('100 TH/s at 32.5 J/TH and 0.08 USD/kWh is the worked example: profit 0.1671267843 USD/day', async () => {
    const { source } = build();
    const [row, sweep] = await source.queries.whatif!(input({ hashrateTh: 100, joulesPerTh: 32.5, electricityPerKwh: '0.08' }));
    expect(value(row!, WHATIF_FIELDS.powerWatts) as number).toBeCloseTo(3250, 9);
    expect(value(row!, WHATIF_FIELDS.btcPerDay) as number).toBeCloseTo(BTC_PER_DAY_100TH, 15);
    expect(value(row!, WHATIF_FIELDS.profitPerDay) as number).toBeCloseTo(0.1671267843, 9);
    expect(value(row!, WHATIF_FIELDS.breakEvenPerKwh) as number).toBeCloseTo(0.0821426511, 9);
    const kwh = frameColumn<number>(sweep!, WHATIF_FIELDS.electricityPerKwh)!;
    const profit = frameColumn<number>(sweep!, WHATIF_FIELDS.profitPerDay)!;
    expect(kwh[0]).toBe(0);
    expect(profit[0]).toBeCloseTo(6.4071267843, 9); // free power: profit = revenue
    expect(profit.at(-1)!).toBeLessThan(0);
  });

  it('fully specified inputs need no network', async () => {
    const { source } = build({ priceApis: {}, difficultyApis: {} });
    const [row] = await source.queries.whatif!(input({ hashrateTh: 100, joulesPerTh: 32.5, price: 100_000, difficulty: 1e14, feesPerBlock: 0.125 }));
    expect(value(row!, WHATIF_FIELDS.profitPerDay) as number).toBeCloseTo(0.1671267843, 9);
  });

  it.each([
    [{ hashrateTh: -1 }, /hashrateTh must be a number from 0/],
    [{ joulesPerTh: 'abc' }, /joulesPerTh must be a number/],
    [{ electricityPerKwh: 11 }, /electricityPerKwh must be a number from 0 to 10/],
    [{ poolFeePercent: 101 }, /poolFeePercent/],
  ])('bad params %o are client errors', async (params, message) => {
    const { source } = build();
    const error = await source.queries.whatif!(input(params as QueryInput['params'])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryInputError);
    expect((error as Error).message).toMatch(message);
  });
});

it('config: fields as the README shows them, with defaults', () => {
  const config = profitabilityConfigSchema.parse({
    id: 'profit', kind: 'profitability', fleets: ['farm-a'], bitcoinSource: 'btc-main', electricityPerKwh: 0.08, currency: 'usd', poolFeePercent: 2,
    priceApis: { coingecko: 'https://api.coingecko.com', coincap: 'https://api.coincap.io' },
    difficultyApis: { mempool: 'https://mempool.space', blockchainInfo: 'https://blockchain.info' },
  });
  expect(config).toMatchObject({ priceTtlSeconds: 300, difficultyTtlSeconds: 1800 });
  expect(() => profitabilityConfigSchema.parse({ id: 'p', kind: 'profitability', electricityPerKwh: 0.08, priceApis: { coingecko: 'ftp://x' } })).toThrow();
  expect(() => profitabilityConfigSchema.parse({ id: 'p', kind: 'profitability' })).toThrow(/electricityPerKwh/);
});

// the fleet as one online 100 TH/s, 3250 W machine (the worked example), read the way
// fleetSnapshot reads a cgminer source: its fleet.miners()
/** A cgminer source as profitability reads it: a fleet (capabilities.ts FleetReader) of one miner. */
function oneMinerFleet(): Source {
  const view: FleetMinerView = { name: 'rig-1', status: 'online', model: 'Antminer S19', hashrate: 100e12, hashrateAvg: 100e12, powerWatts: 3250, powerSource: 'model', powerNote: '' };
  return {
    id: 'farm', kind: 'cgminer', name: 'farm', queries: {}, provides: { fleet: { miners: () => [view] } },
    health: () => ({ status: 'ok', message: '', lastSuccess: null }), start: async () => undefined, stop: async () => undefined,
  };
}
const PEAK_TARIFF = {
  fleet: 'farm', timezone: 'Europe/Berlin',
  periods: [
    { name: 'peak', pricePerKwh: 0.12, days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '17:00', to: '21:00' },
    { name: 'night', pricePerKwh: 0.05, from: '22:00', to: '06:00' },
  ],
  curtailment: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '18:00', to: '20:00' }],
};

describe('tariffs, forward hashprice and the stop-curtailing signal', () => {
  function projectedNode(fees: number[]): Source {
    const blocks = fees.map((f, i) => ({ index: i, tail: false, totalFees: Math.round(f * 1e8) }));
    // a tail row (the rest of the mempool) that must not count
    blocks.push({ ...blocks[0]!, index: fees.length, tail: true, totalFees: 5e9 });
    // the bitcoin source's own conversion of its projected blocks (sat, tail row) to what it provides
    return bitcoinStandIn('btc', { projectedBlockFees: () => projectedFeesBtc(blocks) });
  }
  async function withFleet(extra: Record<string, unknown>, node: Source, at: number) {
    const b = build({ fleets: ['farm'], bitcoinSource: 'btc', tariffs: [PEAK_TARIFF], ...extra }, { farm: oneMinerFleet(), btc: node });
    b.advance(at - 1_700_000_000_000);
    return b;
  }
  // Monday 2026-12-07 18:30 in Berlin (UTC+1): the peak, inside the curtailment window
  const MON_1830 = Date.UTC(2026, 11, 7, 17, 30);

  it('tariffs: one row per period with the hand-checked figures, the signal set when projected fees are 3 BTC a block', async () => {
    const { source, context } = await withFleet({}, projectedNode([3, 3, 3]), MON_1830);
    // mempool.space is the difficulty source here (its reward-stats fees 0.125): trailing reward 3.25
    const [frame] = await source.queries.tariffs!(input());
    const col = <T,>(name: string) => frameColumn<T>(frame!, name)!;
    expect(col<string>(TARIFF_FIELDS.period)).toEqual(['base', 'peak', 'night']);
    expect(col<number>(TARIFF_FIELDS.hoursPerWeek)).toEqual([92, 20, 56]);
    expect(col<number>(TARIFF_FIELDS.curtailedHoursPerWeek)).toEqual([0, 10, 0]);
    expect(col<boolean>(TARIFF_FIELDS.active)).toEqual([false, true, false]);
    const perHour = (BTC_PER_DAY_100TH * 100_000) / 24;
    expect(col<number>(TARIFF_FIELDS.profitPerHour)[1]).toBeCloseTo(perHour - 3.25 * 0.12, 10);
    // 0.0821426511 USD/kWh at the trailing reward, · 6.125 / 3.25 at the forward one
    expect(col<number>(TARIFF_FIELDS.forwardRevenuePerKwh)[1]).toBeCloseTo(0.154807304, 9);
    expect(col<boolean>(TARIFF_FIELDS.stopCurtailing)).toEqual([false, true, false]);
    expect(frame!.schema.fields.find((f) => f.name === TARIFF_FIELDS.pricePerKwh)?.config?.unit).toBe('currencyUSD');
    const metrics = await context.metrics.registry.metrics();
    expect(metrics).toMatch(/profitability_fleet_stop_curtailing\{source="profit",fleet="farm"\} 1/);
    expect(metrics).toMatch(/profitability_fleet_curtailed\{source="profit",fleet="farm"\} 1/);
    expect(metrics).toMatch(/profitability_fleet_tariff_price_per_kwh\{source="profit",fleet="farm",period="peak",currency="usd"\} 0.12/);
    expect(metrics).toMatch(/profitability_forward_fees_per_block_btc\{source="profit"\} 3\n/);
  });

  it('low projected fees: no signal; the tail row never counts; a period change replaces the price series', async () => {
    const b = await withFleet({}, projectedNode([0.2, 0.1, 0.0]), MON_1830);
    const [frame] = await b.source.queries.tariffs!(input());
    expect(frameColumn<boolean>(frame!, TARIFF_FIELDS.stopCurtailing)).toEqual([false, false, false]);
    let metrics = await b.context.metrics.registry.metrics();
    expect(metrics).toMatch(/profitability_fleet_stop_curtailing\{source="profit",fleet="farm"\} 0/);
    expect(metrics).toMatch(/profitability_forward_fees_per_block_btc\{source="profit"\} 0\.10*\d?\n/);
    b.advance(4 * 3_600_000); // 22:30: night
    await b.source.queries.tariffs!(input());
    metrics = await b.context.metrics.registry.metrics();
    expect(metrics).toMatch(/period="night",currency="usd"\} 0.05/);
    expect(metrics).not.toMatch(/period="peak"/);
    expect(metrics).toMatch(/profitability_fleet_curtailed\{source="profit",fleet="farm"\} 0/);
  });

  it('hashprice.forward: forward beside trailing, one row per projected block', async () => {
    const { source } = await withFleet({}, projectedNode([0.5, 0.3, 0.1, 0.05]), MON_1830);
    const [row, blocks] = await source.queries['hashprice.forward']!(input({ blocks: '3' }));
    expect(value(row!, FORWARD_FIELDS.blocks)).toBe(3);
    // 1e12 · 86400 · (3.125 + 0.3) / (1e14 · 2^32) · 100,000 (see forward.test.ts)
    expect(value(row!, FORWARD_FIELDS.forwardHashprice) as number).toBeCloseTo(0.06889924407, 11);
    expect(value(row!, FORWARD_FIELDS.trailingHashprice) as number).toBeCloseTo(0.0653788447, 10);
    expect(frameColumn(blocks!, FORWARD_FIELDS.height)).toEqual([870_001, 870_002, 870_003]);
    expect(frameColumn(blocks!, FORWARD_FIELDS.fees)).toEqual([0.5, 0.3, 0.1]);
    const [four] = await source.queries['hashprice.forward']!(input());
    expect(value(four!, FORWARD_FIELDS.blocks)).toBe(3); // config forwardBlocks default
  });

  it.each([
    [{ blocks: 0 }, /blocks must be an integer from 1 to 8/],
    [{ blocks: 9 }, /blocks must be an integer from 1 to 8/],
    [{ blocks: 2.5 }, /blocks must be an integer/],
  ])('hashprice.forward %o is a client error', async (params, message) => {
    const { source } = await withFleet({}, projectedNode([1]), MON_1830);
    const error = await source.queries['hashprice.forward']!(input(params as QueryInput['params'])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryInputError);
    expect((error as Error).message).toMatch(message);
  });

  it('hashprice.forward without a bitcoin source is a client error naming the setting', async () => {
    const { source } = build();
    await expect(source.queries['hashprice.forward']!(input())).rejects.toThrow(/needs bitcoinSource/);
  });

  it('hashprice.forward over the real bitcoin source: fees equal an independent projection of the simulator mempool', async () => {
    const btcSim = await startBitcoinSimulator({ network: 'regtest', seed: 5, initialMempool: 9_000, txPerSecond: 0, zmqPort: 0 });
    const ctx = createTestContext();
    const btc = createBitcoinSource(
      bitcoinConfigSchema.parse({ id: 'btc', kind: 'bitcoin', network: 'regtest', rpc: { url: btcSim.rpcUrl, cookieFile: btcSim.cookieFile, timeoutMs: 5_000 }, zmq: { sequence: btcSim.zmqSequenceEndpoint } }),
      ctx
    );
    try {
      await btc.start();
      await waitFor(async () => (await btc.queries['mempool.blocks']!(input()).catch(() => null)) !== null, 'mempool loaded', 20_000, 50);
      const txs = [...btcSim.mempoolEntries()].map(([txid, e]) => ({ txid, vsize: e.vsize, fee: Math.round(e.fee * 1e8), depends: e.depends }));
      const plain = plainBlocks(txs, plainRates(txs));
      expect(plain.length).toBeGreaterThan(3); // several full blocks, so the count matters
      const { source } = build({ bitcoinSource: 'btc' }, { btc });
      const [row, blocks] = await source.queries['hashprice.forward']!(input({ blocks: 3 }));
      const fees = frameColumn<number>(blocks!, FORWARD_FIELDS.fees)!;
      expect(fees.map((f) => Math.round(f * 1e8))).toEqual(plain.slice(0, 3).map((b) => b.fees));
      const chainHeight = value(row!, FORWARD_FIELDS.tipHeight) as number;
      expect(frameColumn(blocks!, FORWARD_FIELDS.height)).toEqual([chainHeight + 1, chainHeight + 2, chainHeight + 3]);
      expect(value(row!, FORWARD_FIELDS.forwardFeesPerBlock) as number).toBeCloseTo(plain.slice(0, 3).reduce((s, b) => s + b.fees, 0) / 3 / 1e8, 12);
    } finally {
      await btc.stop();
      await btcSim.close();
    }
  }, 60_000);
});

describe('roi', () => {
  it('flat difficulty at 0.04 USD/kWh: payback 1000 / (6.4071267843 - 3.12) = 304.217 days (see roi.test.ts)', async () => {
    const { source } = build();
    const frames = await source.queries.roi!(input({ purchasePrice: 1000, hashrateTh: 100, powerWatts: 3250, electricityPerKwh: 0.04, growth: '0,2', price: 100_000, difficulty: 1e14, height: 870_000, feesPerBlock: 0.125 }));
    const [table, ...curves] = frames;
    expect(frameColumn(table!, ROI_FIELDS.growthPercent)).toEqual([0, 2]);
    expect(frameColumn<number>(table!, ROI_FIELDS.paybackDays)![0]).toBeCloseTo(304.217046, 5);
    expect(frameColumn<number>(table!, ROI_FIELDS.paybackDays)![1]).toBeNull();
    expect(frameColumn<number>(table!, ROI_FIELDS.roiPercent)![1]).toBeCloseTo(-26.53181, 4);
    expect(frameColumn<number>(table!, ROI_FIELDS.paybackDate)![0]).toBe(Math.round(1_700_000_000_000 + 304.2170459529 * 86_400_000));
    expect(curves).toHaveLength(2);
    expect(curves[1]!.schema.fields[1]!.labels).toEqual({ growth: '+2 %' });
  });

  it("a fleet's tariff: the week's slices priced per period (0.9272307386 USD/day in roi.test.ts)", async () => {
    const { source } = build({ fleets: ['farm'], tariffs: [PEAK_TARIFF] }, { farm: oneMinerFleet() });
    const [table] = await source.queries.roi!(input({ purchasePrice: 1000, hashrateTh: 100, joulesPerTh: 32.5, fleet: 'farm', growth: '0', horizonDays: 100, price: 100_000, difficulty: 1e14, height: 870_000, feesPerBlock: 0.125 }));
    expect(frameColumn<number>(table!, ROI_FIELDS.netProfit)![0]).toBeCloseTo(0.9272307386 * 100 - 1000, 6);
  });

  it('a model from the spec table: Antminer S19, 95 TH/s at 3250 W', async () => {
    const { source } = build();
    const [table] = await source.queries.roi!(input({ purchasePrice: 1000, model: 'antminer s19', electricityPerKwh: 0, growth: '0', horizonDays: 10, price: 100_000, difficulty: 1e14, height: 870_000, feesPerBlock: 0.125 }));
    // free power: profit = revenue = 0.95 · 6.4071267843 USD a day
    expect(frameColumn<number>(table!, ROI_FIELDS.revenue)![0]).toBeCloseTo(0.95 * 6.4071267843 * 10, 6);
  });

  it.each([
    [{}, /parameter "purchasePrice" is required/],
    [{ purchasePrice: 1000 }, /give hashrateTh and powerWatts/],
    [{ purchasePrice: 1000, model: 'toaster' }, /model is not in the spec table/],
    [{ purchasePrice: 1000, hashrateTh: 100, powerWatts: 3250, growth: '1,x' }, /growth must be 1 to 6/],
    [{ purchasePrice: 1000, hashrateTh: 100, powerWatts: 3250, growth: '0,1,2,3,4,5,6' }, /growth must be 1 to 6/],
    [{ purchasePrice: 1000, hashrateTh: 100, powerWatts: 3250, fleet: 'constructor' }, /fleet is not one of/],
    [{ purchasePrice: 1000, hashrateTh: 100, powerWatts: 3250, horizonDays: 5000 }, /horizonDays must be a number from 1 to 3650/],
    [{ purchasePrice: -1, hashrateTh: 100, powerWatts: 3250 }, /purchasePrice must be/],
    [{ purchasePrice: 1000, hashrateTh: 100, powerWatts: 3250, height: 1.5 }, /height must be an integer/],
  ])('roi %o is a client error', async (params, message) => {
    const { source } = build();
    const error = await source.queries.roi!(input(params as QueryInput['params'])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryInputError);
    expect((error as Error).message).toMatch(message);
  });
});
