// Frames of the profitability source -> what the panel shows, and the what-if recomputation in
// the browser with the same pure functions the proxy uses (@nodescope/shared profitability.ts).
import { type DataFrame, type Field, FieldType } from '@grafana/data';
import {
  FORWARD_FIELDS as FW,
  halvingInfo,
  hashpricePerThDay,
  MARKET_FIELDS as M,
  MINING_FRAMES,
  PROFIT_FIELDS as P,
  PROFIT_HISTORY_FIELDS as H,
  type ProfitResult,
  profitability,
  retargetInfo,
  TARIFF_FIELDS as T,
  whatIf,
} from '@nodescope/shared';
import type { MinerSort } from './types';

export interface Market {
  price: number;
  currency: string;
  difficulty: number;
  blockReward: number;
  height: number | null;
  electricityPerKwh: number;
  poolFeePercent: number;
  daysToHalving: number | null;
  blocksToHalving: number | null;
  daysToRetarget: number | null;
  blocksToRetarget: number | null;
  difficultyChangePercent: number | null;
  priceSource: string;
  /** the price field: its unit (currencyUSD …) and decimals format money */
  priceField?: Field;
}

export interface MinerInput {
  fleet: string;
  miner: string;
  model: string;
  status: string;
  hashrate: number;
  powerWatts: number;
}

export interface WhatIfSettings {
  electricityPerKwh: number;
  poolFeePercent: number;
  /** null: each miner's own power; a number: power = J/TH × TH/s for every miner */
  joulesPerTh: number | null;
}

export interface MinerProfit extends MinerInput {
  result: ProfitResult;
}

/** The shared profitability() of the online fleet as one machine, with its parts. */
export interface FleetProfit extends ProfitResult {
  miners: MinerProfit[];
  hashrate: number;
  powerWatts: number;
  /** currency per TH/s per day */
  hashprice: number;
}

export interface HistoryPoint {
  time: number;
  revenue: number;
  cost: number;
  profit: number;
}

const byName = (frame: DataFrame, name: string) => frame.fields.find((f) => f.name === name);
const first = (frame: DataFrame, name: string): unknown => byName(frame, name)?.values[frame.length - 1];
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function isMarket(frame: DataFrame) {
  return frame.name === MINING_FRAMES.market || (Boolean(byName(frame, M.hashprice)) && Boolean(byName(frame, M.difficulty)));
}

function isMinerTable(frame: DataFrame) {
  return frame.name === MINING_FRAMES.profitMiners || (Boolean(byName(frame, P.miner)) && Boolean(byName(frame, P.hashrate)));
}

export function readMarket(frames: DataFrame[]): Market | undefined {
  const frame = frames.find(isMarket);
  if (!frame || frame.length === 0) return undefined;
  const price = num(first(frame, M.price));
  const difficulty = num(first(frame, M.difficulty));
  const blockReward = num(first(frame, M.blockReward));
  if (price === null || difficulty === null || difficulty <= 0 || blockReward === null) return undefined;
  const height = num(first(frame, M.height));
  const halving = height !== null ? halvingInfo(height) : undefined;
  const retarget = height !== null ? retargetInfo(height) : undefined;
  return {
    price,
    currency: String(first(frame, M.currency) ?? 'usd'),
    difficulty,
    blockReward,
    height,
    electricityPerKwh: num(first(frame, M.electricityPerKwh)) ?? 0,
    poolFeePercent: num(first(frame, M.poolFeePercent)) ?? 0,
    daysToHalving: num(first(frame, M.daysToHalving)) ?? halving?.daysToHalving ?? null,
    blocksToHalving: num(first(frame, M.blocksToHalving)) ?? halving?.blocksToHalving ?? null,
    daysToRetarget: num(first(frame, M.daysToRetarget)) ?? retarget?.daysToRetarget ?? null,
    blocksToRetarget: num(first(frame, M.blocksToRetarget)) ?? retarget?.blocksToRetarget ?? null,
    difficultyChangePercent: num(first(frame, M.difficultyChangePercent)),
    priceSource: String(first(frame, M.priceSource) ?? ''),
    priceField: byName(frame, M.price),
  };
}

export function readMiners(frames: DataFrame[]): MinerInput[] | undefined {
  const frame = frames.find(isMinerTable);
  if (!frame) return undefined;
  const col = (name: string) => byName(frame, name);
  const [fleet, miner, model, status, hashrate, power] = [P.fleet, P.miner, P.model, P.status, P.hashrate, P.powerWatts].map(col);
  const rows: MinerInput[] = [];
  for (let i = 0; i < frame.length; i++) {
    rows.push({
      fleet: String(fleet?.values[i] ?? ''),
      miner: String(miner?.values[i] ?? `miner ${i + 1}`),
      model: String(model?.values[i] ?? ''),
      // without a status column every row counts as hashing
      status: String(status?.values[i] ?? 'online'),
      hashrate: num(hashrate?.values[i]) ?? 0,
      powerWatts: num(power?.values[i]) ?? 0,
    });
  }
  return rows;
}

export function readHistory(frames: DataFrame[]): HistoryPoint[] {
  const frame = frames.find((f) => f.name === MINING_FRAMES.fleetHistory || (Boolean(byName(f, H.profitPerDay)) && f.fields.some((x) => x.type === FieldType.time)));
  if (!frame) return [];
  const time = frame.fields.find((f) => f.type === FieldType.time);
  const [revenue, cost, profit] = [H.revenuePerDay, H.costPerDay, H.profitPerDay].map((n) => byName(frame, n));
  const out: HistoryPoint[] = [];
  for (let i = 0; i < frame.length; i++) {
    const t = num(time?.values[i]);
    const r = num(revenue?.values[i]);
    const c = num(cost?.values[i]);
    if (t === null || r === null || c === null) continue;
    out.push({ time: t, revenue: r, cost: c, profit: num(profit?.values[i]) ?? r - c });
  }
  return out;
}

/** Per-miner and fleet P&L for the given what-if settings (the proxy's maths, in the browser). */
export function computeFleet(market: Market, miners: MinerInput[], settings: WhatIfSettings): FleetProfit {
  const common = { difficulty: market.difficulty, blockReward: market.blockReward, price: market.price, electricityPerKwh: settings.electricityPerKwh, poolFeePercent: settings.poolFeePercent };
  const rows: MinerProfit[] = miners.map((m) => {
    // as the proxy's compute.ts: only an online miner earns, and only it is billed
    const online = m.status === 'online';
    const hashrate = online ? m.hashrate : 0;
    if (settings.joulesPerTh !== null) {
      const r = whatIf({ ...common, hashrate, joulesPerTh: settings.joulesPerTh });
      return { ...m, powerWatts: r.powerWatts, result: r };
    }
    return { ...m, result: profitability({ ...common, hashrate, powerWatts: online ? m.powerWatts : 0 }) };
  });
  const hashrate = rows.reduce((s, r) => s + (r.status === 'online' ? r.hashrate : 0), 0);
  const powerWatts = rows.reduce((s, r) => s + (r.status === 'online' ? r.powerWatts : 0), 0);
  return {
    ...profitability({ ...common, hashrate, powerWatts }),
    miners: rows,
    hashrate,
    powerWatts,
    hashprice: hashpricePerThDay(market.difficulty, market.blockReward, market.price),
  };
}

export function sortMiners(rows: MinerProfit[], sort: MinerSort): MinerProfit[] {
  const copy = [...rows];
  if (sort === 'name') return copy.sort((a, b) => a.miner.localeCompare(b.miner, 'en', { numeric: true }));
  const sign = sort === 'profit-asc' ? 1 : -1;
  return copy.sort((a, b) => sign * (a.result.profitPerDay - b.result.profitPerDay));
}

/** One tariff period of one fleet, as the source's `tariffs` frame gives it. */
export interface TariffPeriod {
  fleet: string;
  period: string;
  pricePerKwh: number;
  hoursPerWeek: number;
  curtailedHoursPerWeek: number;
  active: boolean;
  curtailedNow: boolean;
  profitPerHour: number | null;
  breakEvenPrice: number | null;
  forwardRevenuePerKwh: number | null;
  stopCurtailing: boolean;
}

export function readTariffs(frames: DataFrame[]): TariffPeriod[] {
  const frame = frames.find((f) => f.name === MINING_FRAMES.tariffs || (Boolean(byName(f, T.period)) && Boolean(byName(f, T.pricePerKwh))));
  if (!frame) return [];
  const col = (name: string) => byName(frame, name)?.values;
  const rows: TariffPeriod[] = [];
  for (let i = 0; i < frame.length; i++) {
    const price = num(col(T.pricePerKwh)?.[i]);
    if (price === null) continue;
    rows.push({
      fleet: String(col(T.fleet)?.[i] ?? ''),
      period: String(col(T.period)?.[i] ?? ''),
      pricePerKwh: price,
      hoursPerWeek: num(col(T.hoursPerWeek)?.[i]) ?? 0,
      curtailedHoursPerWeek: num(col(T.curtailedHoursPerWeek)?.[i]) ?? 0,
      active: col(T.active)?.[i] === true,
      curtailedNow: col(T.curtailedNow)?.[i] === true,
      profitPerHour: num(col(T.profitPerHour)?.[i]),
      breakEvenPrice: num(col(T.breakEvenPrice)?.[i]),
      forwardRevenuePerKwh: num(col(T.forwardRevenuePerKwh)?.[i]),
      stopCurtailing: col(T.stopCurtailing)?.[i] === true,
    });
  }
  return rows;
}

/** The `hashprice.forward` row: forward and trailing hashprice per TH/s per day. */
export interface ForwardHashprice {
  blocks: number;
  forward: number;
  trailing: number;
  forwardFeesPerBlock: number | null;
  trailingFeesPerBlock: number | null;
  premiumPercent: number | null;
}

export function readForward(frames: DataFrame[]): ForwardHashprice | undefined {
  const frame = frames.find((f) => f.name === MINING_FRAMES.forward || (Boolean(byName(f, FW.forwardHashprice)) && Boolean(byName(f, FW.trailingHashprice))));
  if (!frame || frame.length === 0) return undefined;
  const forward = num(first(frame, FW.forwardHashprice));
  const trailing = num(first(frame, FW.trailingHashprice));
  if (forward === null || trailing === null) return undefined;
  return {
    blocks: num(first(frame, FW.blocks)) ?? 0,
    forward,
    trailing,
    forwardFeesPerBlock: num(first(frame, FW.forwardFeesPerBlock)),
    trailingFeesPerBlock: num(first(frame, FW.trailingFeesPerBlock)),
    premiumPercent: num(first(frame, FW.forwardPremiumPercent)),
  };
}
