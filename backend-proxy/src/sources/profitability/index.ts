// profitability source: wiring only. Market inputs in market.ts, maths in @nodescope/shared,
// per-miner/fleet rows in compute.ts, frames and metrics beside them. Fleets are read through
// `context.lookup` + `fleetSnapshot` of the cgminer sources named in config.
import { halvingInfo, retargetInfo, subsidyAtHeight, whatIf } from '@nodescope/shared';
import type { SourceContext } from '../../core/context.js';
import { fleetSnapshot } from '../cgminer/index.js';
import { QueryInputError, type Annotation, type QueryInput, type Source, type SourceHealth } from '../types.js';
import { fleetProfit, minerProfits, type FleetProfit, type MarketInputs, type MinerProfit } from './compute.js';
import type { ProfitabilitySourceConfig } from './config.js';
import { historyFrame, marketFrame, minersProfitFrames, whatIfFrames, type ProfitSample } from './frames.js';
import { MarketFeed, type FetchLike, type Market } from './market.js';
import { createProfitabilityMetrics } from './metrics.js';

export interface ProfitabilityOptions {
  /** replaces global fetch (tests) */
  fetch?: FetchLike;
}

function numberParam(params: QueryInput['params'], name: string, min: number, max: number): number | undefined {
  const raw = params[name];
  if (raw === undefined || raw === '') return undefined;
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : NaN;
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new QueryInputError(`whatif: ${name} must be a number from ${min} to ${max}`);
  }
  return value;
}

export function createProfitabilitySource(
  config: ProfitabilitySourceConfig,
  context: SourceContext,
  options: ProfitabilityOptions = {}
): Source {
  const metrics = createProfitabilityMetrics(context.metrics, config.id);
  const feed = new MarketFeed(config, {
    now: context.now,
    lookup: context.lookup,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    onFailure: (api) => metrics.fetchError(api),
  });
  const ring = context.history.ring<ProfitSample>(`profitability:${config.id}:fleet`, config.historySize);
  let lastMarket: Market | null = null;
  let lastError: string | null = null;
  let lastSuccess: number | null = null;
  let timer: NodeJS.Timeout | undefined;

  const readMarket = async (): Promise<Market> => {
    try {
      const market = await feed.read();
      lastMarket = market;
      lastError = null;
      lastSuccess = context.now();
      return market;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
      throw error;
    }
  };

  const inputsOf = (market: Market): MarketInputs => ({
    price: market.price.price,
    difficulty: market.chain.difficulty,
    blockReward: market.blockReward,
    electricityPerKwh: config.electricityPerKwh,
    poolFeePercent: config.poolFeePercent,
  });

  const compute = (market: Market) => {
    const notices = [...market.notices];
    const miners: MinerProfit[] = [];
    const fleets: FleetProfit[] = [];
    const inputs = inputsOf(market);
    for (const id of config.fleets) {
      const views = fleetSnapshot(context.lookup(id));
      if (!views) {
        notices.push(`fleet "${id}" is not a configured cgminer source`);
        continue;
      }
      const rows = minerProfits(id, views, inputs);
      const missing = rows.filter((r) => r.status === 'online' && r.powerSource === 'none').length;
      if (missing > 0) notices.push(`${id}: ${missing} online miners have no known power (set powerWatts): their cost counts as 0`);
      miners.push(...rows);
      fleets.push(fleetProfit(id, rows, inputs));
    }
    metrics.update(market, fleets, miners);
    return { miners, fleets, notices };
  };

  /** Takes one fleet.history sample (timer, and tests). */
  const sampleNow = async (): Promise<ProfitSample> => {
    const market = await readMarket();
    const { fleets } = compute(market);
    const hashrate = fleets.reduce((s, f) => s + f.hashrate, 0);
    const powerWatts = fleets.reduce((s, f) => s + f.powerWatts, 0);
    const sum = (key: 'btcPerDay' | 'revenuePerDay' | 'costPerDay' | 'profitPerDay') => fleets.reduce((s, f) => s + f[key], 0);
    const sample: ProfitSample = {
      t: context.now(),
      hashrate,
      powerWatts,
      btcPerDay: sum('btcPerDay'),
      revenuePerDay: sum('revenuePerDay'),
      costPerDay: sum('costPerDay'),
      profitPerDay: sum('profitPerDay'),
      price: market.price.price,
      difficulty: market.chain.difficulty,
    };
    ring.push(sample);
    return sample;
  };

  const schedule = (): void => {
    timer = setTimeout(() => {
      sampleNow()
        .catch((error: unknown) => context.logger.warn({ source: config.id, err: error }, 'profitability sample failed'))
        .finally(schedule);
    }, config.sampleSeconds * 1000);
    timer.unref();
  };

  const health = (): SourceHealth => {
    if (!lastMarket && !lastError) return { status: 'starting', message: 'market not read yet', lastSuccess };
    if (lastError) return { status: lastMarket ? 'degraded' : 'down', message: lastError, lastSuccess };
    const stale = lastMarket && (lastMarket.price.stale || lastMarket.chain.stale);
    if (stale || (lastMarket && lastMarket.notices.length > 0)) {
      return { status: 'degraded', message: lastMarket!.notices.join('; ') || 'stale market data', lastSuccess };
    }
    return { status: 'ok', message: `price ${lastMarket!.price.source}, difficulty ${lastMarket!.chain.source}`, lastSuccess };
  };

  const futureEvent = async (kind: 'difficulty' | 'halving', range: { from: number; to: number }): Promise<Annotation[]> => {
    const market = lastMarket ?? (await readMarket().catch(() => null));
    if (!market) return [];
    const height = market.chain.height;
    const info = kind === 'difficulty' ? retargetInfo(height) : halvingInfo(height);
    const blocks = 'blocksToRetarget' in info ? info.blocksToRetarget : info.blocksToHalving;
    const time = market.chain.at + blocks * 600_000;
    if (time < range.from || time > range.to) return [];
    const title = kind === 'difficulty' ? `difficulty adjustment (est.) at ${height + blocks}` : `halving (est.) at ${height + blocks}`;
    const text =
      kind === 'difficulty'
        ? `estimated change ${market.chain.difficultyChangePercent ?? 'unknown'} %`
        : `subsidy ${subsidyAtHeight(height)} -> ${subsidyAtHeight(height + blocks)} BTC`;
    return [{ time, title, text, tags: ['profitability', kind, 'estimate'] }];
  };

  return {
    id: config.id,
    kind: 'profitability',
    name: config.name ?? config.id,
    queries: {
      market: async () => [marketFrame(await readMarket(), config, context.now())],
      miners: async () => {
        const market = await readMarket();
        const { miners, fleets, notices } = compute(market);
        return minersProfitFrames(miners, fleets, market.price.currency, notices);
      },
      'fleet.history': async (input) => {
        if (ring.length === 0) await sampleNow().catch(() => undefined);
        const samples = ring.toArray().filter((s) => s.t >= input.range.from && s.t <= input.range.to);
        return [historyFrame(samples, config.currency)];
      },
      whatif: async (input) => {
        const p = input.params;
        const hashrateTh = numberParam(p, 'hashrateTh', 0, 1e9);
        const joulesPerTh = numberParam(p, 'joulesPerTh', 0, 10_000);
        const electricityPerKwh = numberParam(p, 'electricityPerKwh', 0, 10) ?? config.electricityPerKwh;
        const poolFeePercent = numberParam(p, 'poolFeePercent', 0, 100) ?? config.poolFeePercent;
        let price = numberParam(p, 'price', 0.000001, 1e9);
        let difficulty = numberParam(p, 'difficulty', 1, 1e20);
        let blockReward: number | undefined;
        const feesPerBlock = numberParam(p, 'feesPerBlock', 0, 1_000);
        let fleetHashrate = 0;
        let fleetWatts = 0;
        if (price === undefined || difficulty === undefined || hashrateTh === undefined || joulesPerTh === undefined) {
          const market = await readMarket();
          price ??= market.price.price;
          difficulty ??= market.chain.difficulty;
          blockReward = market.subsidy + (feesPerBlock ?? market.chain.feesPerBlock ?? 0);
          const { fleets } = compute(market);
          fleetHashrate = fleets.reduce((s, f) => s + f.hashrate, 0);
          fleetWatts = fleets.reduce((s, f) => s + f.powerWatts, 0);
        } else {
          // fully specified: no network needed; the reward is the current epoch's subsidy unless a market was read
          blockReward = (lastMarket?.subsidy ?? 3.125) + (feesPerBlock ?? lastMarket?.chain.feesPerBlock ?? 0);
        }
        const hashrate = hashrateTh !== undefined ? hashrateTh * 1e12 : fleetHashrate > 0 ? fleetHashrate : 100e12;
        const jth = joulesPerTh ?? (fleetHashrate > 0 && fleetWatts > 0 ? fleetWatts / (fleetHashrate / 1e12) : 20);
        const base = { hashrate, joulesPerTh: jth, difficulty, blockReward, price, poolFeePercent };
        const result = whatIf({ ...base, electricityPerKwh });
        const top = Math.max(0.2, (result.breakEvenPerKwh ?? 0.1) * 2);
        const sweep = Array.from({ length: 21 }, (_, i) => {
          const kwh = (top * i) / 20;
          return { electricityPerKwh: kwh, profitPerDay: whatIf({ ...base, electricityPerKwh: kwh }).profitPerDay };
        });
        return whatIfFrames({ hashrate, joulesPerTh: jth, electricityPerKwh, price, difficulty, blockReward }, result, sweep, config.currency);
      },
    },
    variables: {
      fleets: async () => config.fleets.map((id) => ({ text: id, value: id })),
      miners: async () =>
        config.fleets.flatMap((id) => (fleetSnapshot(context.lookup(id)) ?? []).map((m) => ({ text: `${id}/${m.name}`, value: m.name }))),
    },
    annotations: {
      difficulty: (range) => futureEvent('difficulty', range),
      halving: (range) => futureEvent('halving', range),
    },
    health,
    async start() {
      // the first sample waits one period: at start the fleets have not been polled yet, and
      // a zero there would read as a dip in fleet.history
      schedule();
    },
    async stop() {
      clearTimeout(timer);
    },
  };
}
