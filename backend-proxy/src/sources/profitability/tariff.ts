// Time-of-use tariffs: which period and curtailment window hold at each minute of the week, and
// the fleet's economics per period. Pure: the clock and the market come in as arguments.
//
// Per period, with the fleet's hashrate H, wall power W (kW = W/1000) and the period's price p:
//   revenue/h  = BTC/day(H) · price / 24           (BTC/day: @nodescope/shared btcPerDay, after pool fee)
//   cost/h     = kW · p;  profit/h = revenue/h − cost/h
//   profit/week = profit/h · (hours of the period − its curtailed hours)   (a curtailed hour earns and costs 0)
//   break-even BTC price = cost/h ÷ BTC/h;  break-even hashprice = kW·24·p ÷ (TH/s · (1 − pool fee))
//   forward revenue per kWh = forward revenue/h ÷ kW: what one kWh earns at the forward hashprice;
//   "stop curtailing" when the period is curtailed (a window, or a loss at the trailing figure)
//   and that beats p.
import { btcPerDay } from '@nodescope/shared';
import { WEEKDAYS, type TariffConfig, type Weekday } from './config.js';

export const MINUTES_PER_WEEK = 7 * 24 * 60;
export const BASE_PERIOD = 'base';

export interface WeeklySchedule {
  /** period names; index 0 is `base` */
  periods: Array<{ name: string; pricePerKwh: number }>;
  /** period index for each minute of the week, Monday 00:00 local first */
  periodAt: Uint8Array;
  /** 1 where a curtailment window holds */
  curtailedAt: Uint8Array;
  timezone: string;
}

const minutesOf = (clock: string): number => {
  const [h, m] = clock.split(':').map(Number);
  return h! * 60 + m!;
};

/** Minute-of-week ranges [start, end) of a window; past-midnight windows spill into the next day (Sunday into Monday). */
function windowMinutes(window: { days: Weekday[]; from: string; to: string }): Array<[number, number]> {
  const from = minutesOf(window.from);
  let to = minutesOf(window.to);
  if (to <= from) to += 24 * 60; // 22:00-06:00 ends next morning; equal ends = 24 h
  const out: Array<[number, number]> = [];
  for (const day of new Set(window.days)) {
    const start = WEEKDAYS.indexOf(day) * 1440 + from;
    const end = WEEKDAYS.indexOf(day) * 1440 + to;
    if (end <= MINUTES_PER_WEEK) out.push([start, end]);
    else out.push([start, MINUTES_PER_WEEK], [0, end - MINUTES_PER_WEEK]);
  }
  return out;
}

export function buildSchedule(tariff: TariffConfig, basePricePerKwh: number): WeeklySchedule {
  const periods = [{ name: BASE_PERIOD, pricePerKwh: tariff.basePricePerKwh ?? basePricePerKwh }, ...tariff.periods.map((p) => ({ name: p.name, pricePerKwh: p.pricePerKwh }))];
  const periodAt = new Uint8Array(MINUTES_PER_WEEK);
  const curtailedAt = new Uint8Array(MINUTES_PER_WEEK);
  // first match wins: paint in reverse so earlier periods overwrite later ones
  for (let i = tariff.periods.length - 1; i >= 0; i--) {
    for (const [a, b] of windowMinutes(tariff.periods[i]!)) periodAt.fill(i + 1, a, b);
  }
  for (const w of tariff.curtailment) for (const [a, b] of windowMinutes(w)) curtailedAt.fill(1, a, b);
  return { periods, periodAt, curtailedAt, timezone: tariff.timezone };
}

/** A flat price all week (a fleet without a tariff). */
export function flatSchedule(pricePerKwh: number): WeeklySchedule {
  return { periods: [{ name: BASE_PERIOD, pricePerKwh }], periodAt: new Uint8Array(MINUTES_PER_WEEK), curtailedAt: new Uint8Array(MINUTES_PER_WEEK), timezone: 'UTC' };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Minute of the week (Monday 00:00 = 0) of `time` on the wall clock of `timezone`. */
export function minuteOfWeek(time: number, timezone: string): number {
  let format = formatters.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: timezone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timezone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(time)).map((p) => [p.type, p.value]));
  const day = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(String(parts.weekday));
  return day * 1440 + Number(parts.hour) * 60 + Number(parts.minute);
}

export interface PeriodHours {
  name: string;
  pricePerKwh: number;
  hoursPerWeek: number;
  curtailedHoursPerWeek: number;
}

export function periodHours(schedule: WeeklySchedule): PeriodHours[] {
  const minutes = schedule.periods.map(() => 0);
  const curtailed = schedule.periods.map(() => 0);
  for (let m = 0; m < MINUTES_PER_WEEK; m++) {
    const p = schedule.periodAt[m]!;
    minutes[p]!++;
    if (schedule.curtailedAt[m]) curtailed[p]!++;
  }
  return schedule.periods
    .map((p, i) => ({ ...p, hoursPerWeek: minutes[i]! / 60, curtailedHoursPerWeek: curtailed[i]! / 60 }))
    .filter((p) => p.hoursPerWeek > 0);
}

export interface FleetEnergyInputs {
  /** H/s */
  hashrate: number;
  /** W */
  powerWatts: number;
  difficulty: number;
  /** BTC per block, trailing (subsidy + 144-block fees) */
  blockReward: number;
  /** BTC per block, forward (subsidy + projected fees); null when unknown */
  forwardReward: number | null;
  price: number;
  poolFeePercent: number;
}

export interface PeriodEconomics extends PeriodHours {
  active: boolean;
  curtailedNow: boolean;
  revenuePerHour: number;
  costPerHour: number;
  profitPerHour: number;
  profitPerWeek: number;
  breakEvenPrice: number | null;
  breakEvenHashprice: number | null;
  forwardRevenuePerKwh: number | null;
  forwardProfitPerHour: number | null;
  stopCurtailing: boolean;
}

export function periodEconomics(schedule: WeeklySchedule, fleet: FleetEnergyInputs, now: number): PeriodEconomics[] {
  const nowMinute = minuteOfWeek(now, schedule.timezone);
  const activeName = schedule.periods[schedule.periodAt[nowMinute]!]!.name;
  const curtailedNow = schedule.curtailedAt[nowMinute] === 1;
  const kw = fleet.powerWatts / 1000;
  const btcPerHour = btcPerDay(fleet.hashrate, fleet.difficulty, fleet.blockReward, fleet.poolFeePercent) / 24;
  const revenuePerHour = btcPerHour * fleet.price;
  const forwardRevenuePerHour =
    fleet.forwardReward === null ? null : (btcPerDay(fleet.hashrate, fleet.difficulty, fleet.forwardReward, fleet.poolFeePercent) / 24) * fleet.price;
  const th = fleet.hashrate / 1e12;
  const keep = 1 - fleet.poolFeePercent / 100;
  return periodHours(schedule).map((p) => {
    const costPerHour = kw * p.pricePerKwh;
    const profitPerHour = revenuePerHour - costPerHour;
    const active = p.name === activeName;
    const forwardRevenuePerKwh = forwardRevenuePerHour === null || kw <= 0 ? null : forwardRevenuePerHour / kw;
    // curtailed in this period: a window covers some of its hours, or it loses money at the trailing figure
    const curtailed = p.curtailedHoursPerWeek > 0 || profitPerHour < 0;
    return {
      ...p,
      active,
      curtailedNow: active && curtailedNow,
      revenuePerHour,
      costPerHour,
      profitPerHour,
      profitPerWeek: profitPerHour * (p.hoursPerWeek - p.curtailedHoursPerWeek),
      breakEvenPrice: btcPerHour > 0 ? costPerHour / btcPerHour : null,
      breakEvenHashprice: th > 0 && keep > 0 ? (kw * 24 * p.pricePerKwh) / (th * keep) : null,
      forwardRevenuePerKwh,
      forwardProfitPerHour: forwardRevenuePerHour === null ? null : forwardRevenuePerHour - costPerHour,
      stopCurtailing: curtailed && forwardRevenuePerKwh !== null && forwardRevenuePerKwh > p.pricePerKwh,
    };
  });
}

/** The fleet's state now: the active period, whether it is curtailed now, and the signal. */
export function currentState(rows: PeriodEconomics[]): { period: PeriodEconomics | undefined; curtailed: boolean; stopCurtailing: boolean } {
  const period = rows.find((r) => r.active);
  if (!period) return { period, curtailed: false, stopCurtailing: false };
  const curtailed = period.curtailedNow || period.profitPerHour < 0;
  const stop = curtailed && period.forwardRevenuePerKwh !== null && period.forwardRevenuePerKwh > period.pricePerKwh;
  return { period, curtailed, stopCurtailing: stop };
}
