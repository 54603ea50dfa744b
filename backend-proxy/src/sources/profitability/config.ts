import { z } from 'zod';
import { sourceBase } from '../../config/common.js';

const httpUrl = z.url({ protocol: /^https?$/ });

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
/** wall-clock time in the tariff's time zone; 24:00 ends a day */
const clock = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'a time HH:MM from 00:00 to 24:00');
const currencyCode = z
  .string()
  .regex(/^[a-zA-Z]{3}$/, 'a three-letter currency code such as usd')
  .transform((c) => c.toLowerCase());

/**
 * A weekly window: on each of `days`, from `from` to `to` local time. `to` before `from` runs
 * past midnight into the next day (22:00-06:00); `from` equal to `to` is the whole day.
 */
const weeklyWindow = {
  days: z.array(z.enum(WEEKDAYS)).min(1).max(7).default([...WEEKDAYS]),
  from: clock,
  to: clock,
};

const timeZone = z
  .string()
  .min(1)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'an IANA time zone such as Europe/Berlin or UTC');

/** Time-of-use tariff of one fleet: named periods (first match wins), curtailment windows. */
export const tariffSchema = z.strictObject({
  /** id of a fleet (cgminer source) in `fleets` */
  fleet: z.string().min(1),
  /** the tariff's wall clock */
  timezone: timeZone.default('UTC'),
  /** must be the source's `currency` (prices and tariff are compared without conversion) */
  currency: currencyCode.optional(),
  periods: z
    .array(z.strictObject({ name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 _.-]{0,39}$/, 'letters, digits, space, _ . - (max 40)'), pricePerKwh: z.number().min(0).max(10), ...weeklyWindow }))
    .max(48)
    .default([]),
  /** price of the hours no period covers (period "base"); default: the source's electricityPerKwh */
  basePricePerKwh: z.number().min(0).max(10).optional(),
  /** windows the fleet is planned to stand still (demand response, peak shaving) */
  curtailment: z.array(z.strictObject({ name: z.string().max(40).optional(), ...weeklyWindow })).max(48).default([]),
});

export type TariffConfig = z.infer<typeof tariffSchema>;

export const profitabilityConfigSchema = sourceBase.extend({
  kind: z.literal('profitability'),
  /** ids of cgminer sources whose miners are priced */
  fleets: z.array(z.string().min(1)).default([]),
  /** id of a bitcoin source: difficulty, height and fees come from the own node first */
  bitcoinSource: z.string().min(1).optional(),
  /** electricity price in `currency` per kWh */
  electricityPerKwh: z.number().min(0).max(10),
  /** ISO code as CoinGecko's vs_currencies (usd, eur, …); CoinCap is used for usd only */
  currency: currencyCode.default('usd'),
  poolFeePercent: z.number().min(0).max(100).default(2),
  /** price APIs, tried in this order: coingecko, then coincap; leave one out to not use it */
  priceApis: z
    .strictObject({ coingecko: httpUrl.optional(), coincap: httpUrl.optional() })
    .default({ coingecko: 'https://api.coingecko.com', coincap: 'https://api.coincap.io' }),
  /** difficulty APIs after the bitcoin source: mempool, then blockchainInfo */
  difficultyApis: z
    .strictObject({ mempool: httpUrl.optional(), blockchainInfo: httpUrl.optional() })
    .default({ mempool: 'https://mempool.space', blockchainInfo: 'https://blockchain.info' }),
  priceTtlSeconds: z.number().min(1).max(86_400).default(300),
  difficultyTtlSeconds: z.number().min(1).max(86_400).default(1_800),
  timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
  /** how often a fleet profitability sample goes into `fleet.history` */
  sampleSeconds: z.number().min(1).max(86_400).default(300),
  historySize: z.number().int().min(10).max(100_000).default(2_016),
  /** time-of-use tariffs, one per fleet; a fleet without one pays electricityPerKwh around the clock */
  tariffs: z.array(tariffSchema).max(100).default([]),
  /** projected blocks of the bitcoin source's mempool counted by the forward hashprice (1-8) */
  forwardBlocks: z.number().int().min(1).max(8).default(3),
})
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.tariffs.forEach((t, i) => {
      if (!c.fleets.includes(t.fleet)) ctx.addIssue({ code: 'custom', path: ['tariffs', i, 'fleet'], message: `"${t.fleet}" is not in fleets` });
      if (seen.has(t.fleet)) ctx.addIssue({ code: 'custom', path: ['tariffs', i, 'fleet'], message: `fleet "${t.fleet}" has two tariffs` });
      seen.add(t.fleet);
      if (t.currency !== undefined && t.currency !== c.currency) {
        ctx.addIssue({ code: 'custom', path: ['tariffs', i, 'currency'], message: `must be the source's currency "${c.currency}" (no exchange rate is read)` });
      }
      const names = t.periods.map((p) => p.name);
      names.forEach((n, j) => {
        if (n === 'base' || names.indexOf(n) !== j) ctx.addIssue({ code: 'custom', path: ['tariffs', i, 'periods', j, 'name'], message: `period name "${n}" is taken` });
      });
    });
  });

export type ProfitabilitySourceConfig = z.infer<typeof profitabilityConfigSchema>;
