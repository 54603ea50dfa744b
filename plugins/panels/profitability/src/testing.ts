// Frames of the profitability source for the tests, as its frames.ts writes them (shared toFrame).
import { type DataFrame, dataFrameFromJSON } from '@grafana/data';
import { FORWARD_FIELDS as FW, MARKET_FIELDS as M, MINING_FRAMES, PROFIT_FIELDS as P, PROFIT_HISTORY_FIELDS as H, TARIFF_FIELDS as T, toFrame } from '@nodescope/shared';

export const MARKET = { price: 100_000, difficulty: 1e14, blockReward: 3.125, height: 925_000, electricityPerKwh: 0.08, poolFeePercent: 2 };

export function marketFrame(overrides: Partial<typeof MARKET> & { withoutDays?: boolean } = {}): DataFrame {
  const m = { ...MARKET, ...overrides };
  const one = (name: string, type: 'number' | 'string' | 'time', value: unknown, unit?: string) => ({ name, type, values: [value], ...(unit ? { unit } : {}) });
  return dataFrameFromJSON(
    toFrame(MINING_FRAMES.market, [
      one(M.time, 'time', 1),
      one(M.price, 'number', m.price, 'currencyUSD'),
      one(M.currency, 'string', 'usd'),
      one(M.difficulty, 'number', m.difficulty),
      one(M.height, 'number', m.height),
      one(M.blockReward, 'number', m.blockReward, 'currencyBTC'),
      one(M.hashprice, 'number', 0.06, 'currencyUSD'),
      ...(overrides.withoutDays ? [] : [one(M.daysToHalving, 'number', 1165.5, 'd'), one(M.blocksToHalving, 'number', 125_000), one(M.daysToRetarget, 'number', 2.5, 'd'), one(M.blocksToRetarget, 'number', 360)]),
      one(M.difficultyChangePercent, 'number', -1.5, 'percent'),
      one(M.electricityPerKwh, 'number', m.electricityPerKwh, 'currencyUSD'),
      one(M.poolFeePercent, 'number', m.poolFeePercent, 'percent'),
    ]) as never
  );
}

export interface MinerRow {
  miner: string;
  model: string;
  status: string;
  th: number;
  watts: number;
}

export const MINERS: MinerRow[] = [
  { miner: 'rig-1', model: 'Antminer S21', status: 'online', th: 200, watts: 3500 },
  { miner: 'rig-2', model: 'Antminer S19', status: 'online', th: 95, watts: 3250 },
  { miner: 'rig-3', model: 'Antminer S9', status: 'online', th: 13.5, watts: 1323 },
  { miner: 'rig-4', model: 'Antminer S19', status: 'offline', th: 0, watts: 0 },
];

export function minersFrame(rows: MinerRow[] = MINERS): DataFrame {
  return dataFrameFromJSON(
    toFrame(MINING_FRAMES.profitMiners, [
      { name: P.fleet, type: 'string', values: rows.map(() => 'farm-a') },
      { name: P.miner, type: 'string', values: rows.map((r) => r.miner) },
      { name: P.model, type: 'string', values: rows.map((r) => r.model) },
      { name: P.status, type: 'string', values: rows.map((r) => r.status) },
      { name: P.hashrate, type: 'number', unit: 'Hs', values: rows.map((r) => r.th * 1e12) },
      { name: P.powerWatts, type: 'number', unit: 'watt', values: rows.map((r) => r.watts) },
      { name: P.profitPerDay, type: 'number', unit: 'currencyUSD', values: rows.map(() => 0) },
    ]) as never
  );
}

export function historyFrame(points = 24): DataFrame {
  return dataFrameFromJSON(
    toFrame(MINING_FRAMES.fleetHistory, [
      { name: H.time, type: 'time', values: Array.from({ length: points }, (_v, i) => i * 3_600_000) },
      { name: H.revenuePerDay, type: 'number', unit: 'currencyUSD', values: Array.from({ length: points }, (_v, i) => 20 + i) },
      { name: H.costPerDay, type: 'number', unit: 'currencyUSD', values: Array.from({ length: points }, () => 15) },
      { name: H.profitPerDay, type: 'number', unit: 'currencyUSD', values: Array.from({ length: points }, (_v, i) => 5 + i) },
    ]) as never
  );
}

export interface TariffRow {
  period: string;
  price: number;
  hours: number;
  curtailed: number;
  active?: boolean;
  curtailedNow?: boolean;
  profitPerHour: number;
  breakEvenPrice: number;
  forwardPerKwh: number | null;
  stop?: boolean;
}

/** The worked example's fleet (100 TH/s, 3250 W) under a peak/night/base tariff, Monday 18:30 (tariff.test.ts). */
export const TARIFFS: TariffRow[] = [
  { period: 'base', price: 0.08, hours: 92, curtailed: 0, profitPerHour: 0.006963616, breakEvenPrice: 97_391.55, forwardPerKwh: 0.154807304 },
  { period: 'peak', price: 0.12, hours: 20, curtailed: 10, active: true, curtailedNow: true, profitPerHour: -0.123036384, breakEvenPrice: 146_087.32, forwardPerKwh: 0.154807304, stop: true },
  { period: 'night', price: 0.05, hours: 56, curtailed: 0, profitPerHour: 0.104463616, breakEvenPrice: 60_869.72, forwardPerKwh: 0.154807304 },
];

export function tariffsFrame(rows: TariffRow[] = TARIFFS, fleet = 'farm-a'): DataFrame {
  return dataFrameFromJSON(
    toFrame(MINING_FRAMES.tariffs, [
      { name: T.fleet, type: 'string', values: rows.map(() => fleet) },
      { name: T.period, type: 'string', values: rows.map((r) => r.period) },
      { name: T.pricePerKwh, type: 'number', unit: 'currencyUSD', values: rows.map((r) => r.price) },
      { name: T.hoursPerWeek, type: 'number', unit: 'h', values: rows.map((r) => r.hours) },
      { name: T.curtailedHoursPerWeek, type: 'number', unit: 'h', values: rows.map((r) => r.curtailed) },
      { name: T.active, type: 'boolean', values: rows.map((r) => r.active ?? false) },
      { name: T.curtailedNow, type: 'boolean', values: rows.map((r) => r.curtailedNow ?? false) },
      { name: T.profitPerHour, type: 'number', unit: 'currencyUSD', values: rows.map((r) => r.profitPerHour) },
      { name: T.breakEvenPrice, type: 'number', unit: 'currencyUSD', values: rows.map((r) => r.breakEvenPrice) },
      { name: T.forwardRevenuePerKwh, type: 'number', unit: 'currencyUSD', values: rows.map((r) => r.forwardPerKwh) },
      { name: T.stopCurtailing, type: 'boolean', values: rows.map((r) => r.stop ?? false) },
    ]) as never
  );
}

/** Forward 3 BTC of fees a block against the trailing 0.125 (forward.test.ts figures, per TH/s per day). */
export function forwardFrame(forward = 0.1232139766, trailing = 0.0653788447): DataFrame {
  const one = (name: string, value: unknown, unit?: string) => ({ name, type: 'number' as const, values: [value], ...(unit ? { unit } : {}) });
  return dataFrameFromJSON(
    toFrame(MINING_FRAMES.forward, [
      { name: FW.time, type: 'time', values: [1] },
      one(FW.blocks, 3),
      one(FW.forwardHashprice, forward, 'currencyUSD'),
      one(FW.trailingHashprice, trailing, 'currencyUSD'),
      one(FW.forwardFeesPerBlock, 3, 'currencyBTC'),
      one(FW.trailingFeesPerBlock, 0.125, 'currencyBTC'),
      one(FW.forwardPremiumPercent, (forward / trailing - 1) * 100, 'percent'),
    ]) as never
  );
}
