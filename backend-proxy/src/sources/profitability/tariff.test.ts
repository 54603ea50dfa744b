// Time-of-use tariff maths, every figure by hand from the inputs stated here. The market is the
// worked example of plugins/shared/src/profitability.test.ts: D = 1e14, reward 3.125 + 0.125 BTC,
// 100,000 USD/BTC, 2 % pool fee, so 100 TH/s earns 275184/2^32 = 0.000064071267843 BTC/day
// (bc) = 6.4071267843 USD/day, and at 3250 W one kWh earns 6.4071267843 / 78 = 0.0821426511 USD.
import { describe, expect, it } from 'vitest';
import { tariffSchema } from './config.js';
import { buildSchedule, currentState, flatSchedule, minuteOfWeek, periodEconomics, periodHours } from './tariff.js';

const BTC_PER_DAY_100TH = 0.000064071267843;
const REVENUE_PER_HOUR = (BTC_PER_DAY_100TH * 100_000) / 24; // 0.26696361601 USD
const KW = 3.25;

// Mon-Fri 17-21 peak at 0.12; every night 22-06 at 0.05; the rest "base" at 0.08 (the source's
// electricityPerKwh); demand response curtails Mon-Fri 18-20, inside the peak.
const TARIFF = tariffSchema.parse({
  fleet: 'farm-a',
  timezone: 'Europe/Berlin',
  periods: [
    { name: 'peak', pricePerKwh: 0.12, days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '17:00', to: '21:00' },
    { name: 'night', pricePerKwh: 0.05, from: '22:00', to: '06:00' },
  ],
  curtailment: [{ name: 'demand response', days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '18:00', to: '20:00' }],
});

// 2026-12-07 is a Monday; Berlin is UTC+1 in December and UTC+2 in July
const MON_1830_BERLIN_WINTER = Date.UTC(2026, 11, 7, 17, 30);
const MON_1830_BERLIN_SUMMER = Date.UTC(2026, 6, 6, 16, 30);
const MON_0030_BERLIN = Date.UTC(2026, 11, 6, 23, 30); // Sunday 23:30 UTC

const FLEET = { hashrate: 100e12, powerWatts: 3250, difficulty: 1e14, blockReward: 3.25, price: 100_000, poolFeePercent: 2 };

describe('weekly schedule', () => {
  it('hours per period: 5 x 4 h peak, 7 x 8 h night (Sunday night runs into Monday), 168 - 76 = 92 h base; 10 h curtailed, all in the peak', () => {
    const hours = periodHours(buildSchedule(TARIFF, 0.08));
    expect(hours).toEqual([
      { name: 'base', pricePerKwh: 0.08, hoursPerWeek: 92, curtailedHoursPerWeek: 0 },
      { name: 'peak', pricePerKwh: 0.12, hoursPerWeek: 20, curtailedHoursPerWeek: 10 },
      { name: 'night', pricePerKwh: 0.05, hoursPerWeek: 56, curtailedHoursPerWeek: 0 },
    ]);
  });

  it('first period wins where two overlap; basePricePerKwh overrides the source price; equal ends are the whole day', () => {
    const t = tariffSchema.parse({
      fleet: 'f',
      basePricePerKwh: 0.1,
      periods: [
        { name: 'sunday', pricePerKwh: 0.02, days: ['sun'], from: '00:00', to: '00:00' },
        { name: 'evening', pricePerKwh: 0.2, from: '18:00', to: '24:00' },
      ],
    });
    // evening: 6 h on 6 days (Sunday's evening belongs to "sunday"); sunday: 24 h; base: 168 - 24 - 36
    expect(periodHours(buildSchedule(t, 0.08))).toEqual([
      { name: 'base', pricePerKwh: 0.1, hoursPerWeek: 108, curtailedHoursPerWeek: 0 },
      { name: 'sunday', pricePerKwh: 0.02, hoursPerWeek: 24, curtailedHoursPerWeek: 0 },
      { name: 'evening', pricePerKwh: 0.2, hoursPerWeek: 36, curtailedHoursPerWeek: 0 },
    ]);
  });

  it('minute of the week on the tariff wall clock, winter and summer time', () => {
    expect(minuteOfWeek(MON_1830_BERLIN_WINTER, 'Europe/Berlin')).toBe(18 * 60 + 30);
    expect(minuteOfWeek(MON_1830_BERLIN_SUMMER, 'Europe/Berlin')).toBe(18 * 60 + 30);
    expect(minuteOfWeek(MON_1830_BERLIN_WINTER, 'UTC')).toBe(17 * 60 + 30);
    expect(minuteOfWeek(MON_0030_BERLIN, 'Europe/Berlin')).toBe(30); // Monday 00:30 in Berlin
    expect(minuteOfWeek(MON_0030_BERLIN, 'UTC')).toBe(6 * 1440 + 23 * 60 + 30); // still Sunday in UTC
  });

  it('config: unknown fleet, a second tariff, a foreign currency, a taken period name and a bad zone are refused', async () => {
    const { profitabilityConfigSchema } = await import('./config.js');
    const base = { id: 'p', kind: 'profitability', electricityPerKwh: 0.08, fleets: ['farm-a'] };
    const fail = (extra: Record<string, unknown>) => profitabilityConfigSchema.safeParse({ ...base, ...extra }).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(fail({ tariffs: [{ fleet: 'nope' }] })).toEqual(['tariffs.0.fleet: "nope" is not in fleets']);
    expect(fail({ tariffs: [{ fleet: 'farm-a' }, { fleet: 'farm-a' }] })).toEqual(['tariffs.1.fleet: fleet "farm-a" has two tariffs']);
    expect(fail({ tariffs: [{ fleet: 'farm-a', currency: 'EUR' }] })).toEqual(['tariffs.0.currency: must be the source\'s currency "usd" (no exchange rate is read)']);
    expect(fail({ tariffs: [{ fleet: 'farm-a', periods: [{ name: 'base', pricePerKwh: 0.1, from: '01:00', to: '02:00' }] }] })).toEqual([
      'tariffs.0.periods.0.name: period name "base" is taken',
    ]);
    expect(fail({ tariffs: [{ fleet: 'farm-a', timezone: 'Mars/Olympus' }] })?.[0]).toMatch(/^tariffs.0.timezone: an IANA time zone/);
    expect(fail({ tariffs: [{ fleet: 'farm-a', periods: [{ name: 'x', pricePerKwh: 0.1, from: '25:00', to: '02:00' }] }] })?.[0]).toMatch(/from: a time HH:MM/);
    expect(fail({ tariffs: [{ fleet: 'farm-a', curtailment: [{ from: '01:00', to: '02:00', extra: 1 }] }] })?.[0]).toMatch(/curtailment\.0/);
    expect(fail({ tariffs: [{ fleet: 'farm-a', currency: 'USD' }] })).toBeUndefined();
  });
});

describe('economics per tariff period (trailing market)', () => {
  const rows = periodEconomics(buildSchedule(TARIFF, 0.08), { ...FLEET, forwardReward: null }, MON_1830_BERLIN_WINTER);
  const row = (name: string) => rows.find((r) => r.name === name)!;

  it('revenue, cost and profit per hour; profit per week over the hours mined', () => {
    expect(row('base').costPerHour).toBeCloseTo(KW * 0.08, 12); // 0.26
    expect(row('base').profitPerHour).toBeCloseTo(REVENUE_PER_HOUR - 0.26, 10); // 0.0069636160
    expect(row('base').profitPerWeek).toBeCloseTo((REVENUE_PER_HOUR - 0.26) * 92, 8);
    expect(row('peak').profitPerHour).toBeCloseTo(REVENUE_PER_HOUR - 0.39, 10); // -0.1230363840
    expect(row('peak').profitPerWeek).toBeCloseTo((REVENUE_PER_HOUR - 0.39) * (20 - 10), 8); // curtailed hours cost nothing
    expect(row('night').profitPerWeek).toBeCloseTo((REVENUE_PER_HOUR - 0.1625) * 56, 8);
  });

  it('break-even BTC price and hashprice per period', () => {
    // cost per hour / BTC per hour = 3.25 kW · 0.12 · 24 / 0.000064071267843 = 146,087.32 USD
    expect(row('peak').breakEvenPrice!).toBeCloseTo((KW * 0.12 * 24) / BTC_PER_DAY_100TH, 4);
    expect(row('peak').breakEvenPrice!).toBeCloseTo(146_087.323, 2);
    // 3.25 kW · 24 h · 0.12 / (100 TH/s · 0.98) = 0.0955102041 USD per TH/s per day
    expect(row('peak').breakEvenHashprice!).toBeCloseTo(0.0955102041, 10);
    expect(row('night').breakEvenHashprice!).toBeCloseTo((KW * 24 * 0.05) / 98, 12);
  });

  it('Monday 18:30 in Berlin is the peak, inside the curtailment window; without forward data no signal', () => {
    expect(rows.filter((r) => r.active).map((r) => r.name)).toEqual(['peak']);
    expect(row('peak').curtailedNow).toBe(true);
    expect(currentState(rows)).toMatchObject({ curtailed: true, stopCurtailing: false });
    expect(rows.every((r) => r.forwardRevenuePerKwh === null && !r.stopCurtailing)).toBe(true);
  });
});

describe('"fees are high: stop curtailing"', () => {
  it('projected fees of 3 BTC a block: one kWh earns 0.0821426511 · 6.125/3.25 = 0.1548073040 USD, more than the 0.12 peak', () => {
    const rows = periodEconomics(buildSchedule(TARIFF, 0.08), { ...FLEET, forwardReward: 3.125 + 3 }, MON_1830_BERLIN_WINTER);
    const peak = rows.find((r) => r.name === 'peak')!;
    expect(peak.forwardRevenuePerKwh!).toBeCloseTo(0.1548073040, 9);
    expect(peak.forwardProfitPerHour!).toBeCloseTo((REVENUE_PER_HOUR * 6.125) / 3.25 - 0.39, 10);
    expect(peak.stopCurtailing).toBe(true);
    // base and night are mined anyway: nothing to stop
    expect(rows.filter((r) => r.stopCurtailing).map((r) => r.name)).toEqual(['peak']);
    expect(currentState(rows)).toMatchObject({ curtailed: true, stopCurtailing: true });
  });

  it('projected fees of 1 BTC: 0.0821426511 · 4.125/3.25 = 0.1042579802 USD per kWh, below the peak: keep curtailing', () => {
    const rows = periodEconomics(buildSchedule(TARIFF, 0.08), { ...FLEET, forwardReward: 4.125 }, MON_1830_BERLIN_WINTER);
    expect(rows.find((r) => r.name === 'peak')!.forwardRevenuePerKwh!).toBeCloseTo(0.1042579802, 9);
    expect(currentState(rows)).toMatchObject({ curtailed: true, stopCurtailing: false });
  });

  it('a period curtailed by its loss alone (no window): a flat 0.09 loses at the trailing 0.0821, the forward 0.1042 beats it', () => {
    const rows = periodEconomics(flatSchedule(0.09), { ...FLEET, forwardReward: 4.125 }, MON_1830_BERLIN_WINTER);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.profitPerHour).toBeCloseTo(REVENUE_PER_HOUR - KW * 0.09, 10);
    expect(rows[0]!.hoursPerWeek).toBe(168);
    expect(currentState(rows)).toMatchObject({ curtailed: true, stopCurtailing: true });
  });
});
