import { describe, expect, it } from 'vitest';
import {
  btcPerDay,
  findMinerSpec,
  halvingInfo,
  hashpricePerThDay,
  joulesPerTerahash,
  MINER_SPECS,
  networkHashrate,
  profitability,
  resolvePower,
  retargetInfo,
  subsidyAtHeight,
  whatIf,
} from './profitability.js';

// Worked example, computed by hand (bc -l, scale 15) rather than with the functions under test:
//   H = 100 TH/s = 1e14 H/s, D = 1e14, reward = 3.125 subsidy + 0.125 fees = 3.25 BTC, pool fee 2 %
//   BTC/day = 1e14 · 86400 · 3.25 / (1e14 · 2^32) · 0.98 = 275184 / 4294967296 = 0.000064071267843 BTC/day
//   price 100,000 USD/BTC        -> revenue 6.4071267843 USD/day
//   3250 W · 24 h = 78 kWh/day   -> at 0.08 USD/kWh cost 6.24 USD/day
//   profit 0.1671267843 USD/day, margin 2.6084513375 %, break-even 0.0821426511 USD/kWh,
//   break-even price 6.24 / 0.000064071267843 = 97391.5486625 USD/BTC, 3250 W / 100 TH/s = 32.5 J/TH
const EXAMPLE = {
  hashrate: 1e14,
  powerWatts: 3250,
  difficulty: 1e14,
  blockReward: 3.25,
  price: 100_000,
  electricityPerKwh: 0.08,
  poolFeePercent: 2,
};

describe('subsidyAtHeight', () => {
  it.each([
    [0, 50],
    [209_999, 50],
    [210_000, 25],
    [420_000, 12.5],
    [630_000, 6.25],
    [840_000, 3.125],
    [1_049_999, 3.125],
    [1_050_000, 1.5625],
    // 5e9 sats >> 32 = 1 sat; >> 33 = 0
    [32 * 210_000, 0.00000001],
    [33 * 210_000, 0],
    [64 * 210_000, 0],
  ])('height %i pays %f BTC', (height, subsidy) => {
    expect(subsidyAtHeight(height)).toBe(subsidy);
  });

  it('rejects a negative or fractional height', () => {
    expect(() => subsidyAtHeight(-1)).toThrow(RangeError);
    expect(() => subsidyAtHeight(1.5)).toThrow(RangeError);
  });
});

describe('halving and retarget countdowns', () => {
  it('height 870,000: next halving 1,050,000, 180,000 blocks, 1250 days at 10 min', () => {
    expect(halvingInfo(870_000)).toEqual({
      epoch: 4,
      nextHalvingHeight: 1_050_000,
      blocksToHalving: 180_000,
      daysToHalving: 1250,
      subsidyNow: 3.125,
      subsidyAfter: 1.5625,
    });
  });

  it('height 870,000: next retarget 870,912 (432 · 2016), 912 blocks = 6.333 days', () => {
    const info = retargetInfo(870_000);
    expect(info.nextRetargetHeight).toBe(870_912);
    expect(info.blocksToRetarget).toBe(912);
    expect(info.daysToRetarget).toBeCloseTo(912 / 144, 12);
  });

  it('a retarget height itself counts to the next one', () => {
    expect(retargetInfo(870_912).blocksToRetarget).toBe(2016);
  });
});

describe('btcPerDay and profitability (worked example above)', () => {
  it('BTC/day = 0.000064071267843', () => {
    expect(btcPerDay(1e14, 1e14, 3.25, 2)).toBeCloseTo(0.000064071267843, 15);
  });

  it('revenue, cost, profit, margin, break-evens, J/TH', () => {
    const result = profitability(EXAMPLE);
    expect(result.revenuePerDay).toBeCloseTo(6.4071267843, 9);
    expect(result.kwhPerDay).toBe(78);
    expect(result.costPerDay).toBeCloseTo(6.24, 12);
    expect(result.profitPerDay).toBeCloseTo(0.1671267843, 9);
    expect(result.marginPercent).toBeCloseTo(2.6084513375, 8);
    expect(result.breakEvenPerKwh).toBeCloseTo(0.0821426511, 9);
    expect(result.breakEvenPrice).toBeCloseTo(97391.5486625, 5);
    expect(result.joulesPerTh).toBeCloseTo(32.5, 12);
  });

  it('a miner below break-even has a negative profit and margin', () => {
    const result = profitability({ ...EXAMPLE, electricityPerKwh: 0.1 });
    // cost 78 · 0.1 = 7.8 USD/day > revenue 6.4071 USD/day
    expect(result.profitPerDay).toBeCloseTo(6.4071267843 - 7.8, 9);
    expect(result.marginPercent).toBeLessThan(0);
  });

  it('no hashrate: no revenue, margin and break-even price are null, cost still counts', () => {
    const result = profitability({ ...EXAMPLE, hashrate: 0 });
    expect(result.revenuePerDay).toBe(0);
    expect(result.marginPercent).toBeNull();
    expect(result.breakEvenPrice).toBeNull();
    expect(result.joulesPerTh).toBeNull();
    expect(result.costPerDay).toBeCloseTo(6.24, 12);
  });

  it('refuses a zero difficulty instead of dividing by it', () => {
    expect(() => btcPerDay(1e12, 0, 3.125)).toThrow(RangeError);
  });

  it('hashprice at D=1e14, 3.25 BTC, 100,000 USD: 2808/2^32 · 1e5 = 0.0653788447 USD per TH/s per day', () => {
    expect(hashpricePerThDay(1e14, 3.25, 100_000)).toBeCloseTo(0.0653788447, 9);
  });

  it('network hashrate of D = 1e14 is 1e14 · 2^32 / 600 H/s (~715.8 EH/s)', () => {
    expect(networkHashrate(1e14)).toBeCloseTo((1e14 * 4294967296) / 600, -6);
  });

  it('J/TH of 3010 W at 140 TH/s is 21.5', () => {
    expect(joulesPerTerahash(3010, 140e12)).toBeCloseTo(21.5, 12);
  });
});

describe('whatIf', () => {
  it('derives power from J/TH · TH/s and matches the worked example', () => {
    const result = whatIf({ ...EXAMPLE, joulesPerTh: 32.5 });
    expect(result.powerWatts).toBeCloseTo(3250, 9);
    expect(result.profitPerDay).toBeCloseTo(0.1671267843, 9);
  });
});

describe('miner spec table', () => {
  it.each([
    ['Antminer S19', 'Antminer S19'],
    ['Antminer S19 Pro', 'Antminer S19 Pro'],
    ['S19XP', 'Antminer S19 XP'],
    ['Antminer S19 XP Hyd', undefined],
    ['Antminer S21 Pro', 'Antminer S21 Pro'],
    ['Antminer S21', 'Antminer S21'],
    ['M30S+', 'Whatsminer M30S+'],
    ['Antminer S19j Pro', 'Antminer S19j Pro'],
    ['Antminer S19j', undefined],
    ['Antminer S17 Pro', 'Antminer S17 Pro'],
    ['M60S', 'Whatsminer M60S'],
    ['WhatsMiner M30S++_V10', 'Whatsminer M30S++'],
    ['M50', 'Whatsminer M50'],
    ['M30S+ VE40', 'Whatsminer M30S+'],
    ['Antminer S9', 'Antminer S9'],
    ['Antminer Z9-Mini', undefined],
    ['', undefined],
  ])('%s -> %s', (reported, expected) => {
    expect(findMinerSpec(reported)?.model).toBe(expected);
  });

  it('every spec quotes its own figures, cites an address or says unconfirmed, and has a plausible efficiency (10..120 J/TH)', () => {
    for (const spec of MINER_SPECS) {
      expect(spec.source).toContain(`${spec.terahash} TH/s`);
      expect(spec.source).toContain(`${spec.watts} W`);
      expect(spec.source).toMatch(/https?:\/\/|unconfirmed/);
      const jth = spec.watts / spec.terahash;
      expect(jth).toBeGreaterThan(10);
      expect(jth).toBeLessThan(120);
    }
  });

  it('power: measured wins, then the model table, then config', () => {
    expect(resolvePower({ measuredWatts: 3100, model: 'Antminer S19', configWatts: 3000 })).toMatchObject({ watts: 3100, source: 'measured' });
    expect(resolvePower({ measuredWatts: null, model: 'Antminer S19', configWatts: 3000 })).toMatchObject({ watts: 3250, source: 'model' });
    expect(resolvePower({ model: 'Unknown Miner', configWatts: 3000 })).toMatchObject({ watts: 3000, source: 'config' });
    expect(resolvePower({})).toMatchObject({ watts: 0, source: 'none' });
  });
});
