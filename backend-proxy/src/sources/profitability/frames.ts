// Profitability -> DataFrameJSON; field names from @nodescope/shared (fields-mining.ts).
import {
  currencyUnit,
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
import type { Market } from './market.js';

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
