// Profitability -> DataFrameJSON; field names from @nodescope/shared (fields-mining.ts).
import {
  currencyUnit,
  FORWARD_FIELDS,
  ROI_FIELDS,
  TARIFF_FIELDS,
  halvingInfo,
  hashpriceBtcPerThDay,
  hashpricePerThDay,
  MARKET_FIELDS,
  MINING_FRAMES,
  networkHashrate,
  PROFIT_FIELDS,
  PROFIT_HISTORY_FIELDS,
  retargetInfo,
  toFrame,
  UNITS,
  WHATIF_FIELDS,
  type DataFrameJSON,
  type FieldInput,
  type ProfitResult,
} from '@nodescope/shared';
import type { FleetProfit, MinerProfit } from './compute.js';
import type { ForwardHashprice } from './forward.js';
import type { Market } from './market.js';
import type { RoiScenario } from './roi.js';
import type { PeriodEconomics } from './tariff.js';

export interface ProfitSample {
  t: number;
  hashrate: number;
  powerWatts: number;
  btcPerDay: number;
  revenuePerDay: number;
  costPerDay: number;
  profitPerDay: number;
  price: number;
  difficulty: number;
}

const PER_KWH = (currency: string) => currencyUnit(currency);

export function marketFrame(market: Market, settings: { electricityPerKwh: number; poolFeePercent: number }, now: number): DataFrameJSON {
  const { price, chain } = market;
  const halving = halvingInfo(chain.height);
  const retarget = retargetInfo(chain.height);
  const money = currencyUnit(price.currency);
  const f = MARKET_FIELDS;
  const one = (name: string, type: FieldInput['type'], value: unknown, unit?: string): FieldInput => ({ name, type, values: [value], ...(unit ? { unit } : {}) });
  return toFrame(
    MINING_FRAMES.market,
    [
      one(f.time, 'time', now),
      one(f.price, 'number', price.price, money),
      one(f.currency, 'string', price.currency),
      one(f.difficulty, 'number', chain.difficulty, UNITS.short),
      one(f.height, 'number', chain.height, UNITS.none),
      one(f.subsidy, 'number', market.subsidy, UNITS.btc),
      one(f.feesPerBlock, 'number', chain.feesPerBlock, UNITS.btc),
      one(f.blockReward, 'number', market.blockReward, UNITS.btc),
      one(f.networkHashrate, 'number', networkHashrate(chain.difficulty), UNITS.hashesPerSecond),
      one(f.hashprice, 'number', hashpricePerThDay(chain.difficulty, market.blockReward, price.price), money),
      one(f.hashpriceBtc, 'number', hashpriceBtcPerThDay(chain.difficulty, market.blockReward), UNITS.btc),
      one(f.nextRetargetHeight, 'number', retarget.nextRetargetHeight, UNITS.none),
      one(f.blocksToRetarget, 'number', retarget.blocksToRetarget, UNITS.none),
      one(f.daysToRetarget, 'number', retarget.daysToRetarget, 'd'),
      one(f.difficultyChangePercent, 'number', chain.difficultyChangePercent, UNITS.percent),
      one(f.nextHalvingHeight, 'number', halving.nextHalvingHeight, UNITS.none),
      one(f.blocksToHalving, 'number', halving.blocksToHalving, UNITS.none),
      one(f.daysToHalving, 'number', halving.daysToHalving, 'd'),
      one(f.priceSource, 'string', price.stale ? `stale:${price.source}` : price.source),
      one(f.difficultySource, 'string', chain.stale ? `stale:${chain.source}` : chain.source),
      one(f.feesSource, 'string', chain.feesSource),
      one(f.electricityPerKwh, 'number', settings.electricityPerKwh, PER_KWH(price.currency)),
      one(f.poolFeePercent, 'number', settings.poolFeePercent, UNITS.percent),
    ],
    market.notices.length > 0 ? { notices: market.notices.map((text) => ({ severity: 'warning' as const, text })) } : undefined
  );
}

function resultFields(rows: ProfitResult[], currency: string): FieldInput[] {
  const money = currencyUnit(currency);
  const p = PROFIT_FIELDS;
  return [
    { name: p.btcPerDay, type: 'number', unit: UNITS.btc, values: rows.map((r) => r.btcPerDay) },
    { name: p.revenuePerDay, type: 'number', unit: money, values: rows.map((r) => r.revenuePerDay) },
    { name: p.costPerDay, type: 'number', unit: money, values: rows.map((r) => r.costPerDay) },
    { name: p.profitPerDay, type: 'number', unit: money, values: rows.map((r) => r.profitPerDay) },
    { name: p.marginPercent, type: 'number', unit: UNITS.percent, values: rows.map((r) => r.marginPercent) },
    { name: p.breakEvenPerKwh, type: 'number', unit: money, values: rows.map((r) => r.breakEvenPerKwh) },
    { name: p.breakEvenPrice, type: 'number', unit: money, values: rows.map((r) => r.breakEvenPrice) },
    { name: p.joulesPerTh, type: 'number', values: rows.map((r) => r.joulesPerTh) },
  ];
}

export function minersProfitFrames(rows: MinerProfit[], fleets: FleetProfit[], currency: string, notices: string[]): DataFrameJSON[] {
  const p = PROFIT_FIELDS;
  const meta = notices.length > 0 ? { notices: notices.map((text) => ({ severity: 'warning' as const, text })) } : undefined;
  return [
    toFrame(
      MINING_FRAMES.profitMiners,
      [
        { name: p.fleet, type: 'string', values: rows.map((r) => r.fleet) },
        { name: p.miner, type: 'string', values: rows.map((r) => r.miner) },
        { name: p.model, type: 'string', values: rows.map((r) => r.model ?? '') },
        { name: p.status, type: 'string', values: rows.map((r) => r.status) },
        { name: p.hashrate, type: 'number', unit: UNITS.hashesPerSecond, values: rows.map((r) => r.hashrate) },
        { name: p.powerWatts, type: 'number', unit: UNITS.watt, values: rows.map((r) => r.powerWatts) },
        { name: p.powerSource, type: 'string', values: rows.map((r) => r.powerSource) },
        ...resultFields(rows, currency),
      ],
      { preferredVisualisationType: 'table', ...(meta ?? {}) }
    ),
    toFrame(
      MINING_FRAMES.profitFleets,
      [
        { name: p.fleet, type: 'string', values: fleets.map((f) => f.fleet) },
        { name: p.miners, type: 'number', values: fleets.map((f) => f.miners) },
        { name: p.online, type: 'number', values: fleets.map((f) => f.online) },
        { name: p.hashrate, type: 'number', unit: UNITS.hashesPerSecond, values: fleets.map((f) => f.hashrate) },
        { name: p.powerWatts, type: 'number', unit: UNITS.watt, values: fleets.map((f) => f.powerWatts) },
        ...resultFields(fleets, currency),
      ],
      { preferredVisualisationType: 'table' }
    ),
  ];
}

export function historyFrame(samples: ProfitSample[], currency: string): DataFrameJSON {
  const money = currencyUnit(currency);
  const h = PROFIT_HISTORY_FIELDS;
  return toFrame(MINING_FRAMES.fleetHistory, [
    { name: h.time, type: 'time', values: samples.map((s) => s.t) },
    { name: h.hashrate, type: 'number', unit: UNITS.hashesPerSecond, values: samples.map((s) => s.hashrate) },
    { name: h.powerWatts, type: 'number', unit: UNITS.watt, values: samples.map((s) => s.powerWatts) },
    { name: h.btcPerDay, type: 'number', unit: UNITS.btc, values: samples.map((s) => s.btcPerDay) },
    { name: h.revenuePerDay, type: 'number', unit: money, values: samples.map((s) => s.revenuePerDay) },
    { name: h.costPerDay, type: 'number', unit: money, values: samples.map((s) => s.costPerDay) },
    { name: h.profitPerDay, type: 'number', unit: money, values: samples.map((s) => s.profitPerDay) },
    { name: h.price, type: 'number', unit: money, values: samples.map((s) => s.price) },
    { name: h.difficulty, type: 'number', unit: UNITS.short, values: samples.map((s) => s.difficulty) },
  ]);
}

export function whatIfFrames(
  inputs: { hashrate: number; joulesPerTh: number; electricityPerKwh: number; price: number; difficulty: number; blockReward: number },
  result: ProfitResult & { powerWatts: number },
  sweep: Array<{ electricityPerKwh: number; profitPerDay: number }>,
  currency: string
): DataFrameJSON[] {
  const money = currencyUnit(currency);
  const w = WHATIF_FIELDS;
  const one = (name: string, value: unknown, unit?: string): FieldInput => ({ name, type: 'number', values: [value], ...(unit ? { unit } : {}) });
  return [
    toFrame(MINING_FRAMES.whatif, [
      one(w.hashrate, inputs.hashrate, UNITS.hashesPerSecond),
      one(w.joulesPerTh, inputs.joulesPerTh),
      one(w.electricityPerKwh, inputs.electricityPerKwh, money),
      one(w.price, inputs.price, money),
      one(w.difficulty, inputs.difficulty, UNITS.short),
      one(w.blockReward, inputs.blockReward, UNITS.btc),
      one(w.powerWatts, result.powerWatts, UNITS.watt),
      one(w.btcPerDay, result.btcPerDay, UNITS.btc),
      one(w.revenuePerDay, result.revenuePerDay, money),
      one(w.costPerDay, result.costPerDay, money),
      one(w.profitPerDay, result.profitPerDay, money),
      one(w.marginPercent, result.marginPercent, UNITS.percent),
      one(w.breakEvenPerKwh, result.breakEvenPerKwh, money),
      one(w.breakEvenPrice, result.breakEvenPrice, money),
    ]),
    toFrame(MINING_FRAMES.whatifSweep, [
      { name: w.electricityPerKwh, type: 'number', unit: money, values: sweep.map((s) => s.electricityPerKwh) },
      { name: w.profitPerDay, type: 'number', unit: money, values: sweep.map((s) => s.profitPerDay) },
    ]),
  ];
}

export function tariffsFrame(rows: Array<PeriodEconomics & { fleet: string }>, currency: string, notices: string[]): DataFrameJSON {
  const money = currencyUnit(currency);
  const t = TARIFF_FIELDS;
  const col = <K extends keyof PeriodEconomics>(key: K) => rows.map((r) => r[key]);
  return toFrame(
    MINING_FRAMES.tariffs,
    [
      { name: t.fleet, type: 'string', values: rows.map((r) => r.fleet) },
      { name: t.period, type: 'string', values: col('name') },
      { name: t.pricePerKwh, type: 'number', unit: money, values: col('pricePerKwh') },
      { name: t.hoursPerWeek, type: 'number', unit: 'h', values: col('hoursPerWeek') },
      { name: t.curtailedHoursPerWeek, type: 'number', unit: 'h', values: col('curtailedHoursPerWeek') },
      { name: t.active, type: 'boolean', values: col('active') },
      { name: t.curtailedNow, type: 'boolean', values: col('curtailedNow') },
      { name: t.revenuePerHour, type: 'number', unit: money, values: col('revenuePerHour') },
      { name: t.costPerHour, type: 'number', unit: money, values: col('costPerHour') },
      { name: t.profitPerHour, type: 'number', unit: money, values: col('profitPerHour') },
      { name: t.profitPerWeek, type: 'number', unit: money, values: col('profitPerWeek') },
      { name: t.breakEvenPrice, type: 'number', unit: money, values: col('breakEvenPrice') },
      { name: t.breakEvenHashprice, type: 'number', unit: money, values: col('breakEvenHashprice') },
      { name: t.forwardRevenuePerKwh, type: 'number', unit: money, values: col('forwardRevenuePerKwh') },
      { name: t.forwardProfitPerHour, type: 'number', unit: money, values: col('forwardProfitPerHour') },
      { name: t.stopCurtailing, type: 'boolean', values: col('stopCurtailing') },
    ],
    { preferredVisualisationType: 'table', ...(notices.length > 0 ? { notices: notices.map((text) => ({ severity: 'warning' as const, text })) } : {}) }
  );
}

export function forwardFrames(forward: ForwardHashprice, currency: string, now: number): DataFrameJSON[] {
  const money = currencyUnit(currency);
  const f = FORWARD_FIELDS;
  const one = (name: string, type: FieldInput['type'], value: unknown, unit?: string): FieldInput => ({ name, type, values: [value], ...(unit ? { unit } : {}) });
  const b = forward.blocks;
  return [
    toFrame(MINING_FRAMES.forward, [
      one(f.time, 'time', now),
      one(f.blocks, 'number', b.length, UNITS.none),
      one(f.tipHeight, 'number', forward.tipHeight, UNITS.none),
      one(f.forwardFeesPerBlock, 'number', forward.forwardFeesPerBlock, UNITS.btc),
      one(f.trailingFeesPerBlock, 'number', forward.trailingFeesPerBlock, UNITS.btc),
      one(f.forwardReward, 'number', forward.forwardReward, UNITS.btc),
      one(f.trailingReward, 'number', forward.trailingReward, UNITS.btc),
      one(f.forwardHashprice, 'number', forward.forwardHashprice, money),
      one(f.trailingHashprice, 'number', forward.trailingHashprice, money),
      one(f.forwardHashpriceBtc, 'number', forward.forwardHashpriceBtc, UNITS.btc),
      one(f.trailingHashpriceBtc, 'number', forward.trailingHashpriceBtc, UNITS.btc),
      one(f.forwardPremiumPercent, 'number', forward.forwardPremiumPercent, UNITS.percent),
    ]),
    toFrame(
      MINING_FRAMES.forwardBlocks,
      [
        { name: f.index, type: 'number', unit: UNITS.none, values: b.map((x) => x.index) },
        { name: f.height, type: 'number', unit: UNITS.none, values: b.map((x) => x.height) },
        { name: f.subsidy, type: 'number', unit: UNITS.btc, values: b.map((x) => x.subsidy) },
        { name: f.fees, type: 'number', unit: UNITS.btc, values: b.map((x) => x.fees) },
        { name: f.reward, type: 'number', unit: UNITS.btc, values: b.map((x) => x.reward) },
        { name: f.btcPerTh, type: 'number', unit: UNITS.btc, values: b.map((x) => x.btcPerTh) },
        { name: f.fleetBtc, type: 'number', unit: UNITS.btc, values: b.map((x) => x.fleetBtc) },
      ],
      { preferredVisualisationType: 'table' }
    ),
  ];
}

const DAY_MS = 86_400_000;

export function roiFrames(scenarios: RoiScenario[], inputs: { purchasePrice: number; horizonDays: number }, currency: string, now: number): DataFrameJSON[] {
  const money = currencyUnit(currency);
  const r = ROI_FIELDS;
  const at = (days: number | null) => (days === null ? null : Math.round(now + days * DAY_MS));
  return [
    toFrame(
      MINING_FRAMES.roi,
      [
        { name: r.growthPercent, type: 'number', unit: UNITS.percent, values: scenarios.map((s) => s.growthPercent) },
        { name: r.purchasePrice, type: 'number', unit: money, values: scenarios.map(() => inputs.purchasePrice) },
        { name: r.horizonDays, type: 'number', unit: 'd', values: scenarios.map(() => inputs.horizonDays) },
        { name: r.paybackDays, type: 'number', unit: 'd', values: scenarios.map((s) => s.paybackDays) },
        { name: r.paybackDate, type: 'time', values: scenarios.map((s) => at(s.paybackDays)) },
        { name: r.roiPercent, type: 'number', unit: UNITS.percent, values: scenarios.map((s) => s.roiPercent) },
        { name: r.netProfit, type: 'number', unit: money, values: scenarios.map((s) => s.netProfit) },
        { name: r.revenue, type: 'number', unit: money, values: scenarios.map((s) => s.revenue) },
        { name: r.cost, type: 'number', unit: money, values: scenarios.map((s) => s.cost) },
        { name: r.daysMined, type: 'number', unit: 'd', values: scenarios.map((s) => s.daysMined) },
      ],
      { preferredVisualisationType: 'table' }
    ),
    ...scenarios.map((s) =>
      toFrame(MINING_FRAMES.roiCurve, [
        { name: r.time, type: 'time', values: s.curve.map((p) => at(p.day)) },
        { name: r.cumulativeProfit, type: 'number', unit: money, labels: { growth: `${s.growthPercent > 0 ? '+' : ''}${s.growthPercent} %` }, values: s.curve.map((p) => p.cumulativeProfit) },
      ])
    ),
  ];
}
