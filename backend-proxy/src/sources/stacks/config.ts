import { z } from 'zod';
import { hostWatchSchema, sourceBase } from '../../config/common.js';

const httpUrl = z.url({ protocol: /^https?$/ });

/** Loki push API target (VictoriaLogs accepts the same); also the shape of `outputs.loki` */
export const lokiPushSchema = z.strictObject({
  url: httpUrl,
  tenant: z.string().min(1).optional(),
  /** undelivered lines survive a proxy restart here */
  spoolFile: z.string().min(1).optional(),
  batchMaxLines: z.number().int().min(1).max(10_000).default(500),
  batchMaxWaitMs: z.number().int().min(0).max(60_000).default(1_000),
  maxPending: z.number().int().min(100).max(10_000_000).default(100_000),
});

export const stacksConfigSchema = sourceBase.extend({
  kind: z.literal('stacks'),
  /** free space and days until full of the node's datadir, when the proxy can see it (core/datadirWatch.ts) */
  host: hostWatchSchema.optional(),
  network: z.enum(['mainnet', 'testnet', 'devnet']).default('mainnet'),
  /** the node's RPC (rpc_bind), e.g. http://127.0.0.1:20443 */
  rpcUrl: httpUrl.default('http://127.0.0.1:20443'),
  /** the node's Prometheus endpoint (prometheus_bind), e.g. http://127.0.0.1:9153/metrics */
  metricsUrl: httpUrl.optional(),
  signer: z
    .strictObject({
      /** the signer's Prometheus endpoint (metrics_endpoint), e.g. http://127.0.0.1:30001/metrics */
      metricsUrl: httpUrl.optional(),
      /** the signer's log file (same stacks-common format as the node's) */
      logFile: z.string().min(1).optional(),
      /**
       * no signer log line for this long -> the signer-duty health degrades (it logs every block
       * proposal and burn block, so minutes of silence mean a hung signer or a broken log pipeline)
       */
      logSilenceSeconds: z.number().int().min(30).max(86_400).default(300),
    })
    .optional(),
  /** the node's (or signer's) log file, followed like tail -F */
  logFile: z.string().min(1).optional(),
  /** id of a configured bitcoin source: burn block height lag is measured against it */
  bitcoinSource: z.string().min(1).optional(),
  pollSeconds: z.number().min(1).max(3_600).default(10),
  timeoutMs: z.number().int().min(100).max(120_000).default(5_000),
  /** stacks tip unchanged this long -> degraded (Nakamoto blocks come every few seconds) */
  stallSeconds: z.number().min(10).max(86_400).default(300),
  /** burn height this many blocks behind the bitcoin source -> degraded */
  maxBurnLag: z.number().int().min(0).max(1_000).default(2),
  logs: z
    .strictObject({
      /** parsed lines kept in memory for the `logs` query */
      maxLines: z.number().int().min(100).max(200_000).default(5_000),
      pollMs: z.number().int().min(50).max(60_000).default(500),
      /** bytes read back from the end of the file at start so the view is not empty */
      backfillBytes: z.number().int().min(0).max(16 * 1024 * 1024).default(256 * 1024),
    })
    .default({ maxLines: 5_000, pollMs: 500, backfillBytes: 256 * 1024 }),
  /** push parsed lines to Loki / VictoriaLogs (the Loki push API) */
  loki: lokiPushSchema
    .optional(),
});

export type StacksSourceConfig = z.infer<typeof stacksConfigSchema>;
