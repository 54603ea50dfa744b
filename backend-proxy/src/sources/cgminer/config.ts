import { z } from 'zod';
import { secret, sourceBase } from '../../config/common.js';
import { parseCidr } from './discovery.js';
import { HTTP_APIS, HTTP_DEFAULT_PORT } from './http.js';

const host = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[a-zA-Z0-9.:_-]+$/, 'a host name or IP address');

/**
 * The pool and worker a miner should be on: a miner on another pool or worker is hijacked or
 * misconfigured. `worker` is `account.worker`, or the account alone (any of its workers).
 */
export const expectedPoolSchema = z
  .strictObject({
    url: z.string().min(1).max(500).optional(),
    worker: z.string().min(1).max(200).optional(),
  })
  .refine((p) => p.url !== undefined || p.worker !== undefined, 'give url, worker or both');

export const minerEntrySchema = z
  .strictObject({
  host,
  /** the API's port: 4028 for the CGMiner API; for an HTTP `api`, that firmware's (AxeOS 80, ePIC 4028, VNish 80) */
  port: z.number().int().min(1).max(65_535).optional(),
  /**
   * how the miner is read: the CGMiner TCP API (default; the family is found by identification),
   * or a firmware that answers over HTTP only: `axeos` (Bitaxe and other ESP-Miner boards), `epic`, `vnish`
   */
  api: z.enum(['cgminer', ...HTTP_APIS]).optional(),
  /** shown in tables, variables and metric labels; defaults to host:port */
  name: z.string().min(1).max(100).optional(),
  /** model hint for the power table when the firmware does not say (e.g. S19 Pro) */
  model: z.string().min(1).max(100).optional(),
  /** wall power when neither the firmware nor the model table knows it */
  powerWatts: z.number().min(0).max(100_000).optional(),
  /** nominal TH/s when neither the firmware nor the model table knows it */
  nominalTerahash: z.number().positive().max(100_000).optional(),
  /** this miner's expected pool and worker (overrides the fleet's) */
  expectedPool: expectedPoolSchema.optional(),
  /** Whatsminer API v3 port (btminer firmware from 2024-11 on), on the same host */
  v3Port: z.number().int().min(1).max(65_535).optional(),
  })
  .transform((entry) => ({ ...entry, port: entry.port ?? (entry.api && entry.api !== 'cgminer' ? HTTP_DEFAULT_PORT[entry.api] : 4028) }));

export const cgminerConfigSchema = sourceBase.extend({
  kind: z.literal('cgminer'),
  miners: z.array(minerEntrySchema).max(100_000).default([]),
  /** scan a configured CIDR for miners (only configured ranges are ever scanned) */
  discover: z
    .strictObject({
      cidr: z.union([z.string(), z.array(z.string()).min(1)]).refine(
        (value) => (Array.isArray(value) ? value : [value]).every((c) => parseCidr(c) !== null),
        'an IPv4 CIDR such as 192.168.1.0/24 (prefix /16 or longer)'
      ),
      port: z.number().int().min(1).max(65_535).default(4028),
      /** rescan period; 0 = only at start */
      everySeconds: z.number().min(0).max(86_400).default(3_600),
      timeoutMs: z.number().int().min(50).max(30_000).default(1_500),
      concurrency: z.number().int().min(1).max(4_096).default(256),
    })
    .optional(),
  pollSeconds: z.number().min(1).max(3_600).default(30),
  /** miners polled at once */
  concurrency: z.number().int().min(1).max(4_096).default(64),
  /** per-miner timeout of one command exchange */
  timeoutMs: z.number().int().min(50).max(60_000).default(5_000),
  connectTimeoutMs: z.number().int().min(50).max(30_000).default(2_000),
  /**
   * worker threads that run the CGMiner TCP exchanges (connect, request, reply, close) while this
   * thread parses and keeps the state; `auto` = one less than the CPUs (at most 4), used once the
   * fleet has 2,000 miners; 0 = all on the main thread
   */
  ioThreads: z.union([z.literal('auto'), z.number().int().min(0).max(16)]).default('auto'),
  /** random delay added before each miner's poll, as a share of the poll period (spreads load) */
  jitter: z.number().min(0).max(0.5).default(0.1),
  /**
   * per-miner series on /metrics: `fleet` = up + hashrate per miner (large fleets, cheap
   * scrapes), `miner` = also temperature, fans, power, shares, pools, identity, `boards` = also
   * per-board temperatures, per-fan speeds and per-pool status
   */
  metricsDetail: z.enum(['fleet', 'miner', 'boards']).default('miner'),
  /** samples kept per miner history ring */
  historySize: z.number().int().min(10).max(100_000).default(720),
  /**
   * when an answering miner counts as unwell in /api/health (the alert rules' thresholds):
   * a board above `hotCelsius`, more than `rejectPercent` of shares rejected over
   * `rejectWindowSeconds`
   */
  limits: z
    .strictObject({
      hotCelsius: z.number().min(30).max(150).default(85),
      rejectPercent: z.number().min(0).max(100).default(5),
      rejectWindowSeconds: z.number().min(1).max(86_400).default(900),
      /** a miner averaging below this % of its nominal hashrate over the window underperforms */
      underperformPercent: z.number().min(1).max(100).default(90),
      underperformWindowSeconds: z.number().min(60).max(86_400).default(1_800),
    })
    .default({ hotCelsius: 85, rejectPercent: 5, rejectWindowSeconds: 900, underperformPercent: 90, underperformWindowSeconds: 1_800 }),
  /** the pool and worker every miner of this fleet should be on (a miner entry may override) */
  expectedPool: expectedPoolSchema.optional(),
  /**
   * pool accounts read through the pools' read APIs (GET only, token held here): the hashrate the
   * pool credits against what the fleet's miners on the account report, and earnings per day
   */
  poolAccounts: z
    .array(
      z.strictObject({
        id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/i, 'letters, digits, - and _ only (it becomes a metric label)'),
        kind: z.enum(['braiins', 'luxor']),
        /** the API's base URL (default https://pool.braiins.com, https://app.luxor.tech/api) */
        url: z
          .string()
          .url()
          .refine((u) => /^https?:\/\//i.test(u), 'an http(s) URL')
          .optional(),
        token: secret('token'),
        /** Braiins: the username; Luxor: the subaccount */
        account: z.string().min(1).max(100).regex(/^[A-Za-z0-9._-]+$/, 'an account or subaccount name'),
        /** Braiins asks for about one request per five seconds; each read is three */
        everySeconds: z.number().min(30).max(86_400).default(300),
        timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
        /** pool-credited / fleet-reported hashrate below this share is an alert */
        minCreditedShare: z.number().min(0).max(1).default(0.9),
      })
    )
    .max(50)
    .default([]),
});

export type CgminerSourceConfig = z.infer<typeof cgminerConfigSchema>;
export type MinerEntry = z.infer<typeof minerEntrySchema>;
