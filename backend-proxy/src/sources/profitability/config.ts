import { z } from 'zod';
import { sourceBase } from '../../config/common.js';

const httpUrl = z.url({ protocol: /^https?$/ });

export const profitabilityConfigSchema = sourceBase.extend({
  kind: z.literal('profitability'),
  /** ids of cgminer sources whose miners are priced */
  fleets: z.array(z.string().min(1)).default([]),
  /** id of a bitcoin source: difficulty, height and fees come from the own node first */
  bitcoinSource: z.string().min(1).optional(),
  /** electricity price in `currency` per kWh */
  electricityPerKwh: z.number().min(0).max(10),
  /** ISO code as CoinGecko's vs_currencies (usd, eur, …); CoinCap is used for usd only */
  currency: z
    .string()
    .regex(/^[a-zA-Z]{3}$/, 'a three-letter currency code such as usd')
    .transform((c) => c.toLowerCase())
    .default('usd'),
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
});

export type ProfitabilitySourceConfig = z.infer<typeof profitabilityConfigSchema>;
