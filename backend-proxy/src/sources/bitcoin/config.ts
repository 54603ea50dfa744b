import { z } from 'zod';
import { hostWatchSchema, sourceBase } from '../../config/common.js';

export const BITCOIN_NETWORKS = ['mainnet', 'testnet', 'testnet4', 'signet', 'regtest'] as const;
export type BitcoinNetwork = (typeof BITCOIN_NETWORKS)[number];

export const bitcoinConfigSchema = sourceBase.extend({
  kind: z.literal('bitcoin'),
  /** free space and days until full of the node's datadir, when the proxy can see it (core/datadirWatch.ts) */
  host: hostWatchSchema.optional(),
  network: z.enum(BITCOIN_NETWORKS).default('mainnet'),
  rpc: z
    .strictObject({
      /** defaults to 127.0.0.1 and the network's RPC port */
      url: z.url({ protocol: /^https?$/ }).optional(),
      /** cookie file; defaults to <datadir>/<network subdir>/.cookie */
      cookieFile: z.string().min(1).optional(),
      /** defaults to ~/.bitcoin */
      datadir: z.string().min(1).optional(),
      user: z.string().min(1).optional(),
      password: z.string().min(1).optional(),
      timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
      /** largest JSON-RPC batch sent at once (bitcoind serves a batch on one work-queue slot) */
      maxBatch: z.number().int().min(1).max(5_000).default(500),
      /** retries of a busy (503) or restarting node before a call fails */
      retries: z.number().int().min(0).max(10).default(3),
      /** how long the circuit stays open after repeated failures before one probe call */
      circuitOpenMs: z.number().int().min(50).max(600_000).default(5_000),
    })
    .refine((rpc) => (rpc.user === undefined) === (rpc.password === undefined), {
      message: 'user and password go together (or leave both out to use the cookie file)',
    })
    .default({ timeoutMs: 10_000, maxBatch: 500, retries: 3, circuitOpenMs: 5_000 }),
  zmq: z
    .strictObject({
      /** zmqpubsequence endpoint, e.g. tcp://127.0.0.1:28332 */
      sequence: z
        .string()
        .regex(/^(tcp|ipc):\/\//, 'must be a tcp:// or ipc:// endpoint')
        .optional(),
    })
    .optional(),
  electrum: z
    .strictObject({
      kind: z.enum(['electrs', 'fulcrum']),
      /** electrs Prometheus endpoint, e.g. http://127.0.0.1:4224/metrics */
      metricsUrl: z.url().optional(),
      /** Fulcrum stats endpoint, e.g. http://127.0.0.1:8080/stats */
      statsUrl: z.url().optional(),
    })
    .optional(),
  /**
   * health degrades when getnetworkinfo's timeoffset (median offset of the outbound peers' clocks,
   * seconds) is larger than this; bitcoind itself warns only beyond 10 minutes
   */
  maxClockOffsetSeconds: z.number().int().min(1).max(86_400).default(30),
  /** how often chain/mempool/network state is polled */
  pollSeconds: z.number().min(0.1).max(3_600).default(5),
  /** slow loop: peers, blocks.recent, fee estimates */
  slowPollSeconds: z.number().min(0.1).max(3_600).default(30),
  /** upper bound of transactions kept in the compact mempool */
  mempoolCap: z.number().int().min(1_000).max(10_000_000).default(1_000_000),
  /** samples kept per history ring */
  historySize: z.number().int().min(10).max(100_000).default(2_880),
  /** one mempool.histogram row per interval into its history ring */
  histogramIntervalSeconds: z.number().min(0.1).max(3_600).default(60),
  /** rows kept in the histogram ring (1440 one-minute rows = 24 h) */
  histogramSize: z.number().int().min(10).max(100_000).default(1_440),
  /**
   * peer geolocation: the bundled country database (country centroids) unless `false`; city and
   * ASN databases (MaxMind format) are optional; `countryDb` replaces the bundled one
   */
  geoip: z
    .union([
      z.literal(false),
      z.strictObject({
        cityDb: z.string().min(1).optional(),
        asnDb: z.string().min(1).optional(),
        countryDb: z.string().min(1).optional(),
      }),
    ])
    .optional(),
});

export type BitcoinSourceConfig = z.infer<typeof bitcoinConfigSchema>;
