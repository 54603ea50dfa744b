import { btcPerDay, profitability } from '@nodescope/shared';
import { describe, expect, it } from 'vitest';
import { computeFleet, readForward, readHistory, readMarket, readMiners, readTariffs, sortMiners } from './profit';
import { forwardFrame, historyFrame, MARKET, marketFrame, minersFrame, tariffsFrame } from './testing';

describe('readMarket', () => {
  it('reads the market row', () => {
    const m = readMarket([marketFrame()])!;
    expect(m).toMatchObject({ price: 100_000, difficulty: 1e14, blockReward: 3.125, currency: 'usd', electricityPerKwh: 0.08, poolFeePercent: 2, daysToHalving: 1165.5, blocksToRetarget: 360, difficultyChangePercent: -1.5 });
    expect(m.priceField?.config.unit).toBe('currencyUSD');
  });

  it('computes halving and retarget from the height when the frame lacks them', () => {
    const m = readMarket([marketFrame({ withoutDays: true, height: 925_000 })])!;
    expect(m.blocksToHalving).toBe(1_050_000 - 925_000);
    expect(m.blocksToRetarget).toBe(925_344 - 925_000);
  });

  it.each([
    ['no frames', []],
    ['a zero difficulty', [marketFrame({ difficulty: 0 })]],
  ])('is undefined for %s', (_name, frames) => {
    expect(readMarket(frames)).toBeUndefined();
  });
});

describe('computeFleet (the proxy maths, in the browser)', () => {
  const market = readMarket([marketFrame()])!;
  const miners = readMiners([minersFrame()])!;
  const settings = { electricityPerKwh: MARKET.electricityPerKwh, poolFeePercent: MARKET.poolFeePercent, joulesPerTh: null };

  it('per miner equals shared profitability(); offline miners earn and cost nothing', () => {
    const fleet = computeFleet(market, miners, settings);
    const expected = profitability({ hashrate: 200e12, powerWatts: 3500, difficulty: 1e14, blockReward: 3.125, price: 100_000, electricityPerKwh: 0.08, poolFeePercent: 2 });
    expect(fleet.miners[0]!.result).toEqual(expected);
    expect(fleet.miners[3]!.result.revenuePerDay).toBe(0);
    expect(fleet.miners[3]!.result.costPerDay).toBe(0);
    expect(fleet.hashrate).toBe((200 + 95 + 13.5) * 1e12);
    expect(fleet.powerWatts).toBe(3500 + 3250 + 1323);
    expect(fleet.btcPerDay).toBeCloseTo(btcPerDay(308.5e12, 1e14, 3.125, 2), 12);
    expect(fleet.profitPerDay).toBeCloseTo(fleet.miners.reduce((s, m) => s + m.result.profitPerDay, 0), 9);
    // hashprice per TH/s/day at D=1e14, 3.125 BTC, $100k: 1e12*86400*3.125/(1e14*2^32)*1e5
    expect(fleet.hashprice).toBeCloseTo(0.06286, 4);
  });

  it.each([
    ['cheaper power raises profit', { electricityPerKwh: 0.02 }, (base: number, next: number) => next > base],
    ['a higher pool fee lowers profit', { poolFeePercent: 5 }, (base: number, next: number) => next < base],
    ['a better J/TH than the fleet raises profit', { joulesPerTh: 15 }, (base: number, next: number) => next > base],
  ])('what if: %s', (_name, change, holds) => {
    const base = computeFleet(market, miners, settings).profitPerDay;
    const next = computeFleet(market, miners, { ...settings, ...change }).profitPerDay;
    expect(holds(base, next)).toBe(true);
  });

  it('J/TH override sets every online miner power to J/TH x TH/s', () => {
    const fleet = computeFleet(market, miners, { ...settings, joulesPerTh: 20 });
    expect(fleet.miners[1]!.powerWatts).toBeCloseTo(95 * 20);
    expect(fleet.powerWatts).toBeCloseTo(308.5 * 20);
  });

  it('break-even electricity price makes profit zero', () => {
    const fleet = computeFleet(market, miners, settings);
    const atBreakEven = computeFleet(market, miners, { ...settings, electricityPerKwh: fleet.breakEvenPerKwh! });
    expect(atBreakEven.profitPerDay).toBeCloseTo(0, 9);
  });
});

describe('sortMiners', () => {
  const fleet = computeFleet(readMarket([marketFrame()])!, readMiners([minersFrame()])!, { electricityPerKwh: 0.08, poolFeePercent: 2, joulesPerTh: null });
  it.each([
    ['profit-desc', ['rig-1', 'rig-4', 'rig-2', 'rig-3']],
    ['profit-asc', ['rig-3', 'rig-2', 'rig-4', 'rig-1']],
    ['name', ['rig-1', 'rig-2', 'rig-3', 'rig-4']],
  ] as const)('%s', (sort, order) => {
    expect(sortMiners(fleet.miners, sort).map((m) => m.miner)).toEqual(order);
  });
});

describe('readHistory', () => {
  it('reads fleet.history points', () => {
    const points = readHistory([historyFrame(3)]);
    expect(points).toEqual([
      { time: 0, revenue: 20, cost: 15, profit: 5 },
      { time: 3_600_000, revenue: 21, cost: 15, profit: 6 },
      { time: 7_200_000, revenue: 22, cost: 15, profit: 7 },
    ]);
  });
});

describe('tariff periods and forward hashprice', () => {
  it('reads the tariffs frame row by row', () => {
    const rows = readTariffs([marketFrame(), tariffsFrame()]);
    expect(rows.map((r) => [r.period, r.pricePerKwh, r.hoursPerWeek, r.curtailedHoursPerWeek, r.active, r.stopCurtailing])).toEqual([
      ['base', 0.08, 92, 0, false, false],
      ['peak', 0.12, 20, 10, true, true],
      ['night', 0.05, 56, 0, false, false],
    ]);
    expect(readTariffs([marketFrame()])).toEqual([]);
  });

  it('reads the forward row; without it there is none', () => {
    const f = readForward([forwardFrame()])!;
    expect(f).toMatchObject({ blocks: 3, forward: 0.1232139766, trailing: 0.0653788447, forwardFeesPerBlock: 3 });
    expect(f.premiumPercent!).toBeCloseTo((0.1232139766 / 0.0653788447 - 1) * 100, 9);
    expect(readForward([marketFrame()])).toBeUndefined();
  });
});
