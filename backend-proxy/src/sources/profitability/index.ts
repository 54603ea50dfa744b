// profitability source: wiring only. Market inputs in market.ts, maths in @nodescope/shared,
// per-miner/fleet rows in compute.ts, frames and metrics beside them. Fleets are read through
// `context.lookup` + `fleetOf` (capabilities.ts) of the cgminer sources named in config.
import { halvingInfo, MINER_SPECS, retargetInfo, subsidyAtHeight, whatIf } from '@nodescope/shared';
import type { SourceContext } from '../../core/context.js';
import { chainOf, fleetOf } from '../capabilities.js';
import { defineQueries, type ParsedInput } from '../catalog.js';
import { QueryInputError, UpstreamError, type Annotation, type Source, type SourceHealth } from '../types.js';
import { fleetProfit, minerProfits, type FleetProfit, type MarketInputs, type MinerProfit } from './compute.js';
import type { ProfitabilitySourceConfig } from './config.js';
import { forwardFrames, historyFrame, marketFrame, minersProfitFrames, roiFrames, tariffsFrame, whatIfFrames, type ProfitSample } from './frames.js';
import { forwardHashprice, type ForwardHashprice } from './forward.js';
import { roiScenario, type EnergySlice } from './roi.js';
import { buildSchedule, currentState, flatSchedule, periodEconomics, periodHours, type PeriodEconomics, type WeeklySchedule } from './tariff.js';
import { MarketFeed, type FetchLike, type Market } from './market.js';
import { createProfitabilityMetrics } from './metrics.js';

export interface ProfitabilityOptions {
  /** replaces global fetch (tests) */
  fetch?: FetchLike;
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
  const schedules = new Map<string, WeeklySchedule>(config.tariffs.map((t) => [t.fleet, buildSchedule(t, config.electricityPerKwh)]));
  const scheduleOf = (fleet: string) => schedules.get(fleet) ?? flatSchedule(config.electricityPerKwh);
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
      const views = fleetOf(context.lookup(id))?.miners();
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

  /** Fees of the bitcoin source's projected blocks (its live mempool), next block first, tail row left out. */
  const readProjectedFees = async (): Promise<number[]> => {
    const id = config.bitcoinSource;
    if (!id) throw new QueryInputError('hashprice.forward needs bitcoinSource: the forward figure reads that node\'s mempool');
    const chain = chainOf(context.lookup(id));
    if (!chain) throw new UpstreamError(`bitcoin source "${id}" is not configured`);
    return chain.projectedBlockFees().map((f) => (Number.isFinite(f) && f >= 0 ? f : 0));
  };

  const forwardOf = async (market: Market, fleetHashrate: number, count = config.forwardBlocks): Promise<ForwardHashprice> =>
    forwardHashprice({
      projected: { fees: await readProjectedFees() },
      count,
      tipHeight: market.chain.height,
      difficulty: market.chain.difficulty,
      price: market.price.price,
      trailingFeesPerBlock: market.chain.feesPerBlock,
      fleetHashrate,
      poolFeePercent: config.poolFeePercent,
    });

  /** Every fleet's tariff periods priced with the trailing market and, when known, the forward one. */
  const tariffRows = (market: Market, fleets: FleetProfit[], forward: ForwardHashprice | null): Array<PeriodEconomics & { fleet: string }> =>
    fleets.flatMap((f) =>
      periodEconomics(
        scheduleOf(f.fleet),
        {
          hashrate: f.hashrate,
          powerWatts: f.powerWatts,
          difficulty: market.chain.difficulty,
          blockReward: forward?.trailingReward ?? market.blockReward,
          forwardReward: forward?.forwardReward ?? null,
          price: market.price.price,
          poolFeePercent: config.poolFeePercent,
        },
        context.now()
      ).map((row) => ({ ...row, fleet: f.fleet }))
    );

  /** Forward figure and tariff state into /metrics; the forward part only with a bitcoin source. */
  const energyUpdate = async (market: Market, fleets: FleetProfit[], known?: ForwardHashprice) => {
    const hashrate = fleets.reduce((s, f) => s + f.hashrate, 0);
    const forward = known ?? (config.bitcoinSource ? await forwardOf(market, hashrate).catch(() => null) : null);
    const rows = tariffRows(market, fleets, forward);
    metrics.energy(market.price.currency, forward, fleets.map((f) => ({ fleet: f.fleet, ...currentState(rows.filter((r) => r.fleet === f.fleet)) })));
    return { forward, rows };
  };

  /** Takes one fleet.history sample (timer, and tests). */
  const sampleNow = async (): Promise<ProfitSample> => {
    const market = await readMarket();
    const { fleets } = compute(market);
    await energyUpdate(market, fleets);
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

  /** ROI and payback of one miner at a purchase price, per difficulty-growth scenario. */
  const roi = async (input: ParsedInput<'profitability', 'roi'>) => {
    const p = input.params;
    const { purchasePrice, horizonDays, fleet, model: modelName } = p;
    const spec = modelName === undefined ? undefined : MINER_SPECS.find((m) => m.model.toLowerCase() === modelName.toLowerCase());
    if (modelName !== undefined && !spec) throw new QueryInputError('roi: model is not in the spec table (give hashrateTh and powerWatts or joulesPerTh instead)');
    const hashrateTh = p.hashrateTh ?? spec?.terahash;
    const { joulesPerTh } = p;
    const powerWatts = p.powerWatts ?? (joulesPerTh !== undefined && hashrateTh !== undefined ? joulesPerTh * hashrateTh : spec?.watts);
    if (hashrateTh === undefined || powerWatts === undefined) throw new QueryInputError('roi: give hashrateTh and powerWatts (or joulesPerTh), or a model');
    // one scenario per distinct difficulty growth
    const growth = [...new Set(p.growth)];
    if (fleet !== undefined && !config.fleets.includes(fleet)) throw new QueryInputError('roi: fleet is not one of this source\'s fleets');
    const flatPrice = p.electricityPerKwh;
    if (fleet !== undefined && flatPrice !== undefined) throw new QueryInputError('roi: give fleet (its tariff) or electricityPerKwh, not both');
    const poolFeePercent = p.poolFeePercent ?? config.poolFeePercent;
    let { price, difficulty, height, feesPerBlock } = p;
    if (price === undefined || difficulty === undefined || height === undefined || feesPerBlock === undefined) {
      const market = await readMarket();
      price ??= market.price.price;
      difficulty ??= market.chain.difficulty;
      height ??= market.chain.height;
      feesPerBlock ??= market.chain.feesPerBlock ?? 0;
    }
    const schedule = fleet !== undefined ? scheduleOf(fleet) : flatSchedule(flatPrice ?? config.electricityPerKwh);
    const energy: EnergySlice[] = periodHours(schedule).flatMap((h) => [
      { share: (h.hoursPerWeek - h.curtailedHoursPerWeek) / 168, pricePerKwh: h.pricePerKwh, curtailed: false },
      { share: h.curtailedHoursPerWeek / 168, pricePerKwh: h.pricePerKwh, curtailed: true },
    ]).filter((s) => s.share > 0);
    const base = { hashrate: hashrateTh * 1e12, powerWatts, purchasePrice, price, difficulty, height, feesPerBlock, poolFeePercent, energy, horizonDays };
    return roiFrames(growth.map((g) => roiScenario(base, g)), { purchasePrice, horizonDays }, config.currency, context.now());
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
    queries: defineQueries('profitability', {
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
        const { hashrateTh, joulesPerTh, feesPerBlock } = input.params;
        const electricityPerKwh = input.params.electricityPerKwh ?? config.electricityPerKwh;
        const poolFeePercent = input.params.poolFeePercent ?? config.poolFeePercent;
        let { price, difficulty } = input.params;
        let blockReward: number | undefined;
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
      tariffs: async () => {
        const market = await readMarket();
        const { fleets, notices } = compute(market);
        const { forward, rows } = await energyUpdate(market, fleets);
        if (config.bitcoinSource && !forward) notices.push('forward hashprice unavailable (bitcoin source mempool not loaded): forward columns are empty');
        return [tariffsFrame(rows, market.price.currency, notices)];
      },
      'hashprice.forward': async (input) => {
        const count = input.params.blocks ?? config.forwardBlocks;
        const market = await readMarket();
        const { fleets } = compute(market);
        const forward = await forwardOf(market, fleets.reduce((s, f) => s + f.hashrate, 0), count);
        // the gauges follow the configured block count, not this query's
        await energyUpdate(market, fleets, count === config.forwardBlocks ? forward : undefined);
        return forwardFrames(forward, market.price.currency, context.now());
      },
      roi: async (input) => roi(input),
    }),
    variables: {
      fleets: async () => config.fleets.map((id) => ({ text: id, value: id })),
      miners: async () =>
        config.fleets.flatMap((id) => (fleetOf(context.lookup(id))?.miners() ?? []).map((m) => ({ text: `${id}/${m.name}`, value: m.name }))),
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
