// ROI and payback, by hand. Market: the worked example (D = 1e14, fees 0.125 BTC a block,
// 100,000 USD/BTC, 2 % pool fee); a 100 TH/s, 3250 W miner earns R = 275184/2^32 · 100,000 =
// 6.4071267843 USD a day (bc). Height 870,000: the next retarget is at 432 · 2016 = 870,912
// (912 blocks = 6.3333 days), the next halving at 1,050,000 (subsidy 3.125 -> 1.5625, 50 BTC >> 5:
// bitcoin/bitcoin@fcf6c8f4eb217763545ede1766831a6b93f583bd:src/validation.cpp:1417-1428); a retarget
// every 2016 blocks = nPowTargetTimespan / nPowTargetSpacing (14 days / 10 min, src/chainparams.cpp:77-78).
import { describe, expect, it } from 'vitest';
import { roiScenario, type RoiInputs } from './roi.js';

const R = 6.4071267843;
const FLAT = (pricePerKwh: number) => [{ share: 1, pricePerKwh, curtailed: false }];
const MINER: RoiInputs = {
  hashrate: 100e12,
  powerWatts: 3250,
  purchasePrice: 1_000,
  price: 100_000,
  difficulty: 1e14,
  height: 870_000,
  feesPerBlock: 0.125,
  poolFeePercent: 2,
  energy: FLAT(0.04),
  horizonDays: 1_095,
};
const COST = 3.25 * 24 * 0.04; // 3.12 USD a day

describe('ROI and payback', () => {
  it('flat difficulty: payback = 1000 / (R - 3.12) = 304.217 days; ROI over 3 years = ((R - 3.12) · 1095 - 1000) / 10 = 259.94 %', () => {
    const s = roiScenario(MINER, 0);
    expect(s.paybackDays!).toBeCloseTo(1_000 / (R - COST), 6);
    expect(s.paybackDays!).toBeCloseTo(304.217046, 5);
    expect(s.roiPercent).toBeCloseTo((((R - COST) * 1_095 - 1_000) / 1_000) * 100, 6);
    expect(s.roiPercent).toBeCloseTo(259.940383, 5);
    expect(s.revenue).toBeCloseTo(R * 1_095, 5);
    expect(s.cost).toBeCloseTo(COST * 1_095, 6);
    expect(s.daysMined).toBeCloseTo(1_095, 9);
    // the curve starts at minus the price and ends at the net profit, one point per retarget
    expect(s.curve[0]).toEqual({ day: 0, cumulativeProfit: -1_000 });
    expect(s.curve[1]!.day).toBeCloseTo(912 / 144, 12);
    expect(s.curve.at(-1)!.cumulativeProfit).toBeCloseTo(s.netProfit, 9);
  });

  it('+2 % a retarget: the miner earns while R/1.02^k > 3.12 (k <= 36, since 1.02^36 = 2.0399 < R/3.12 = 2.0536 < 1.02^37), never pays back', () => {
    const s = roiScenario(MINER, 2);
    // 6.3333 days at D, then 36 epochs of 14 days at D·1.02^k, then switched off:
    // profit = (912/144)(R - C) + 14 · R · (1 - 1.02^-36) / 0.02 - 14 · 36 · C = 734.6819 USD
    const expected = (912 / 144) * (R - COST) + (14 * R * (1 - 1.02 ** -36)) / 0.02 - 14 * 36 * COST;
    expect(expected).toBeCloseTo(734.681905, 5);
    expect(s.netProfit).toBeCloseTo(expected - 1_000, 6);
    expect(s.roiPercent).toBeCloseTo(-26.531810, 5);
    expect(s.paybackDays).toBeNull();
    expect(s.daysMined).toBeCloseTo(912 / 144 + 36 * 14, 9);
  });

  it('more growth never pays more: 0 % > 2 % > 4 %', () => {
    const [a, b, c] = [0, 2, 4].map((g) => roiScenario(MINER, g).netProfit);
    expect(a).toBeGreaterThan(b!);
    expect(b).toBeGreaterThan(c!);
  });

  it('across the halving: 1000 blocks at 3.125 + 0.125, then 3320 blocks at 1.5625 + 0.125 (R · 1.6875/3.25 = 3.3267773688)', () => {
    const s = roiScenario({ ...MINER, height: 1_049_000, horizonDays: 30 }, 0);
    const after = (R * 1.6875) / 3.25;
    expect(after).toBeCloseTo(3.3267773688, 9);
    expect(s.netProfit + 1_000).toBeCloseTo((1_000 / 144) * (R - COST) + (3_320 / 144) * (after - COST), 6); // 27.5946 USD
    expect(s.netProfit + 1_000).toBeCloseTo(27.594636, 5);
  });

  it('a time-of-use week: 92 h base at 0.08, 56 h night at 0.05, 10 h peak at 0.12 (loses: off), 10 h curtailed', () => {
    const energy = [
      { share: 92 / 168, pricePerKwh: 0.08, curtailed: false },
      { share: 56 / 168, pricePerKwh: 0.05, curtailed: false },
      { share: 10 / 168, pricePerKwh: 0.12, curtailed: false },
      { share: 10 / 168, pricePerKwh: 0.12, curtailed: true },
    ];
    const s = roiScenario({ ...MINER, energy, horizonDays: 100 }, 0);
    // per day: (92 · (R - 6.24) + 56 · (R - 3.9)) / 168 = 0.9272307386 USD
    const perDay = (92 * (R - 6.24) + 56 * (R - 3.9)) / 168;
    expect(perDay).toBeCloseTo(0.9272307386, 9);
    expect(s.netProfit).toBeCloseTo(perDay * 100 - 1_000, 6);
    expect(s.daysMined).toBeCloseTo((100 * 148) / 168, 9);
  });
});
