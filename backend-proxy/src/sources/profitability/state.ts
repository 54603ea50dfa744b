// The running state of one profitability source, in the shape bitcoin's state.ts has: the
// market feed and the last market read, the fleet.history ring and its sampling loop, the tariff
// schedules, health, and what each query answers. Fleets are read through `context.lookup` +
// `fleetOf`, the forward figure through `chainOf` (capabilities.ts). index.ts only wires it.
import { halvingInfo, MINER_SPECS, retargetInfo, subsidyAtHeight, whatIf, type DataFrameJSON } from '@nodescope/shared';
import type { SourceContext } from '../../core/context.js';
import type { HistoryRing } from '../../core/history.js';
import { chainOf, fleetOf } from '../capabilities.js';
import type { ParsedInput } from '../catalog.js';
import { QueryInputError, UpstreamError, type Annotation, type SourceHealth } from '../types.js';
import { fleetProfit, minerProfits, type FleetProfit, type MarketInputs, type MinerProfit } from './compute.js';
import type { ProfitabilitySourceConfig } from './config.js';
import { forwardFrames, historyFrame, marketFrame, minersProfitFrames, roiFrames, tariffsFrame, whatIfFrames, type ProfitSample } from './frames.js';
import { forwardHashprice, type ForwardHashprice } from './forward.js';
import { MarketFeed, type FetchLike, type Market } from './market.js';
import { createProfitabilityMetrics } from './metrics.js';
import { roiScenario, type EnergySlice } from './roi.js';
import { buildSchedule, currentState, flatSchedule, periodEconomics, periodHours, type PeriodEconomics, type WeeklySchedule } from './tariff.js';

export class ProfitabilityState {
  private readonly metrics: ReturnType<typeof createProfitabilityMetrics>;
  private readonly feed: MarketFeed;
  private readonly ring: HistoryRing<ProfitSample>;
  private readonly schedules: Map<string, WeeklySchedule>;
  private lastMarket: Market | null = null;
  private lastError: string | null = null;
  private lastSuccess: number | null = null;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly config: ProfitabilitySourceConfig,
    private readonly context: SourceContext,
    fetch?: FetchLike
  ) {
    this.metrics = createProfitabilityMetrics(context.metrics, config.id);
    this.feed = new MarketFeed(config, {
      now: context.now,
      lookup: context.lookup,
      ...(fetch ? { fetch } : {}),
      onFailure: (api) => this.metrics.fetchError(api),
    });
    this.ring = context.history.ring<ProfitSample>(`profitability:${config.id}:fleet`, config.historySize);
    this.schedules = new Map<string, WeeklySchedule>(config.tariffs.map((t) => [t.fleet, buildSchedule(t, config.electricityPerKwh)]));
  }

  private scheduleOf(fleet: string): WeeklySchedule {
    return this.schedules.get(fleet) ?? flatSchedule(this.config.electricityPerKwh);
  }

  private async readMarket(): Promise<Market> {
    try {
      const market = await this.feed.read();
      this.lastMarket = market;
      this.lastError = null;
      this.lastSuccess = this.context.now();
      return market;
    } catch (error) {
      this.lastError = error instanceof Error ? error.message : String(error);
      throw error;
    }
  }

  private inputsOf(market: Market): MarketInputs {
    return {
      price: market.price.price,
      difficulty: market.chain.difficulty,
      blockReward: market.blockReward,
      electricityPerKwh: this.config.electricityPerKwh,
      poolFeePercent: this.config.poolFeePercent,
    };
  }

  private compute(market: Market): { miners: MinerProfit[]; fleets: FleetProfit[]; notices: string[] } {
    const notices = [...market.notices];
    const miners: MinerProfit[] = [];
    const fleets: FleetProfit[] = [];
    const inputs = this.inputsOf(market);
    for (const id of this.config.fleets) {
      const views = fleetOf(this.context.lookup(id))?.miners();
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
    this.metrics.update(market, fleets, miners);
    return { miners, fleets, notices };
  }

  /** Fees of the bitcoin source's projected blocks (its live mempool), next block first, tail row left out. */
  private readProjectedFees(): number[] {
    const id = this.config.bitcoinSource;
    if (!id) throw new QueryInputError('hashprice.forward needs bitcoinSource: the forward figure reads that node\'s mempool');
    const chain = chainOf(this.context.lookup(id));
    if (!chain) throw new UpstreamError(`bitcoin source "${id}" is not configured`);
    return chain.projectedBlockFees().map((f) => (Number.isFinite(f) && f >= 0 ? f : 0));
  }

  private async forwardOf(market: Market, fleetHashrate: number, count = this.config.forwardBlocks): Promise<ForwardHashprice> {
    return forwardHashprice({
      projected: { fees: this.readProjectedFees() },
      count,
      tipHeight: market.chain.height,
      difficulty: market.chain.difficulty,
      price: market.price.price,
      trailingFeesPerBlock: market.chain.feesPerBlock,
      fleetHashrate,
      poolFeePercent: this.config.poolFeePercent,
    });
  }

  /** Every fleet's tariff periods priced with the trailing market and, when known, the forward one. */
  private tariffRows(market: Market, fleets: FleetProfit[], forward: ForwardHashprice | null): Array<PeriodEconomics & { fleet: string }> {
    return fleets.flatMap((f) =>
      periodEconomics(
        this.scheduleOf(f.fleet),
        {
          hashrate: f.hashrate,
          powerWatts: f.powerWatts,
          difficulty: market.chain.difficulty,
          blockReward: forward?.trailingReward ?? market.blockReward,
          forwardReward: forward?.forwardReward ?? null,
          price: market.price.price,
          poolFeePercent: this.config.poolFeePercent,
        },
        this.context.now()
      ).map((row) => ({ ...row, fleet: f.fleet }))
    );
  }

  /** Forward figure and tariff state into /metrics; the forward part only with a bitcoin source. */
  private async energyUpdate(market: Market, fleets: FleetProfit[], known?: ForwardHashprice) {
    const hashrate = fleets.reduce((s, f) => s + f.hashrate, 0);
    const forward = known ?? (this.config.bitcoinSource ? await this.forwardOf(market, hashrate).catch(() => null) : null);
    const rows = this.tariffRows(market, fleets, forward);
    this.metrics.energy(market.price.currency, forward, fleets.map((f) => ({ fleet: f.fleet, ...currentState(rows.filter((r) => r.fleet === f.fleet)) })));
    return { forward, rows };
  }

  /** Takes one fleet.history sample (timer, and tests). */
  async sampleNow(): Promise<ProfitSample> {
    const market = await this.readMarket();
    const { fleets } = this.compute(market);
    await this.energyUpdate(market, fleets);
    const hashrate = fleets.reduce((s, f) => s + f.hashrate, 0);
    const powerWatts = fleets.reduce((s, f) => s + f.powerWatts, 0);
    const sum = (key: 'btcPerDay' | 'revenuePerDay' | 'costPerDay' | 'profitPerDay') => fleets.reduce((s, f) => s + f[key], 0);
    const sample: ProfitSample = {
      t: this.context.now(),
      hashrate,
      powerWatts,
      btcPerDay: sum('btcPerDay'),
      revenuePerDay: sum('revenuePerDay'),
      costPerDay: sum('costPerDay'),
      profitPerDay: sum('profitPerDay'),
      price: market.price.price,
      difficulty: market.chain.difficulty,
    };
    this.ring.push(sample);
    return sample;
  }

  // --- what the queries answer -----------------------------------------------------------------

  async market(): Promise<DataFrameJSON[]> {
    return [marketFrame(await this.readMarket(), this.config, this.context.now())];
  }

  async miners(): Promise<DataFrameJSON[]> {
    const market = await this.readMarket();
    const { miners, fleets, notices } = this.compute(market);
    return minersProfitFrames(miners, fleets, market.price.currency, notices);
  }

  async fleetHistory(range: { from: number; to: number }): Promise<DataFrameJSON[]> {
    if (this.ring.length === 0) await this.sampleNow().catch(() => undefined);
    const samples = this.ring.toArray().filter((s) => s.t >= range.from && s.t <= range.to);
    return [historyFrame(samples, this.config.currency)];
  }

  async whatIf(params: ParsedInput<'profitability', 'whatif'>['params']): Promise<DataFrameJSON[]> {
    const config = this.config;
    const { hashrateTh, joulesPerTh, feesPerBlock } = params;
    const electricityPerKwh = params.electricityPerKwh ?? config.electricityPerKwh;
    const poolFeePercent = params.poolFeePercent ?? config.poolFeePercent;
    let { price, difficulty } = params;
    let blockReward: number | undefined;
    let fleetHashrate = 0;
    let fleetWatts = 0;
    if (price === undefined || difficulty === undefined || hashrateTh === undefined || joulesPerTh === undefined) {
      const market = await this.readMarket();
      price ??= market.price.price;
      difficulty ??= market.chain.difficulty;
      blockReward = market.subsidy + (feesPerBlock ?? market.chain.feesPerBlock ?? 0);
      const { fleets } = this.compute(market);
      fleetHashrate = fleets.reduce((s, f) => s + f.hashrate, 0);
      fleetWatts = fleets.reduce((s, f) => s + f.powerWatts, 0);
    } else {
      // fully specified: no network needed; the reward is the current epoch's subsidy unless a market was read
      blockReward = (this.lastMarket?.subsidy ?? 3.125) + (feesPerBlock ?? this.lastMarket?.chain.feesPerBlock ?? 0);
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
  }

  async tariffs(): Promise<DataFrameJSON[]> {
    const market = await this.readMarket();
    const { fleets, notices } = this.compute(market);
    const { forward, rows } = await this.energyUpdate(market, fleets);
    if (this.config.bitcoinSource && !forward) notices.push('forward hashprice unavailable (bitcoin source mempool not loaded): forward columns are empty');
    return [tariffsFrame(rows, market.price.currency, notices)];
  }

  async hashpriceForward(blocks: number | undefined): Promise<DataFrameJSON[]> {
    const count = blocks ?? this.config.forwardBlocks;
    const market = await this.readMarket();
    const { fleets } = this.compute(market);
    const forward = await this.forwardOf(market, fleets.reduce((s, f) => s + f.hashrate, 0), count);
    // the gauges follow the configured block count, not this query's
    await this.energyUpdate(market, fleets, count === this.config.forwardBlocks ? forward : undefined);
    return forwardFrames(forward, market.price.currency, this.context.now());
  }

  /** ROI and payback of one miner at a purchase price, per difficulty-growth scenario. */
  async roi(p: ParsedInput<'profitability', 'roi'>['params']): Promise<DataFrameJSON[]> {
    const config = this.config;
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
      const market = await this.readMarket();
      price ??= market.price.price;
      difficulty ??= market.chain.difficulty;
      height ??= market.chain.height;
      feesPerBlock ??= market.chain.feesPerBlock ?? 0;
    }
    const schedule = fleet !== undefined ? this.scheduleOf(fleet) : flatSchedule(flatPrice ?? config.electricityPerKwh);
    const energy: EnergySlice[] = periodHours(schedule).flatMap((h) => [
      { share: (h.hoursPerWeek - h.curtailedHoursPerWeek) / 168, pricePerKwh: h.pricePerKwh, curtailed: false },
      { share: h.curtailedHoursPerWeek / 168, pricePerKwh: h.pricePerKwh, curtailed: true },
    ]).filter((s) => s.share > 0);
    const base = { hashrate: hashrateTh * 1e12, powerWatts, purchasePrice, price, difficulty, height, feesPerBlock, poolFeePercent, energy, horizonDays };
    return roiFrames(growth.map((g) => roiScenario(base, g)), { purchasePrice, horizonDays }, config.currency, this.context.now());
  }

  /** The estimated next difficulty adjustment or halving, when it falls in the range. */
  async futureEvent(kind: 'difficulty' | 'halving', range: { from: number; to: number }): Promise<Annotation[]> {
    const market = this.lastMarket ?? (await this.readMarket().catch(() => null));
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
  }

  // --- life cycle and health -----------------------------------------------------------------

  health(): SourceHealth {
    const { lastMarket, lastError, lastSuccess } = this;
    if (!lastMarket && !lastError) return { status: 'starting', message: 'market not read yet', lastSuccess };
    if (lastError) return { status: lastMarket ? 'degraded' : 'down', message: lastError, lastSuccess };
    const stale = lastMarket && (lastMarket.price.stale || lastMarket.chain.stale);
    if (stale || (lastMarket && lastMarket.notices.length > 0)) {
      return { status: 'degraded', message: lastMarket!.notices.join('; ') || 'stale market data', lastSuccess };
    }
    return { status: 'ok', message: `price ${lastMarket!.price.source}, difficulty ${lastMarket!.chain.source}`, lastSuccess };
  }

  /** Samples fleet.history every sampleSeconds; the first sample waits one period. */
  start(): void {
    this.timer = setTimeout(() => {
      this.sampleNow()
        .catch((error: unknown) => this.context.logger.warn({ source: this.config.id, err: error }, 'profitability sample failed'))
        .finally(() => this.start());
    }, this.config.sampleSeconds * 1000);
    this.timer.unref();
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}
