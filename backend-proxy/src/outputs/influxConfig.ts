// `outputs.influx`: where and how the proxy writes its metrics as InfluxDB line protocol.
import { z } from 'zod';
import { secret } from '../config/common.js';

export const influxOutputSchema = z
  .strictObject({
    /** base URL of InfluxDB (http://influxdb:8086); the write path is added */
    url: z.url(),
    /** `v1` → POST /write?db=; `v2` → POST /api/v2/write?org=&bucket= ; inferred from db/bucket when unset */
    api: z.enum(['v1', 'v2']).optional(),
    /** v1 database */
    db: z.string().min(1).optional(),
    /** v1 retention policy (the database's default when unset) */
    retentionPolicy: z.string().min(1).optional(),
    /** v2 bucket and organisation (name) */
    bucket: z.string().min(1).optional(),
    org: z.string().min(1).optional(),
    /**
     * v2: API token (`Authorization: Token …`). v1: with `username` it is that user's password
     * (HTTP Basic auth, InfluxDB 1.x), without it it is sent as `Token …` (1.8+ and 2.x v1-compat).
     */
    token: secret('outputs.influx.token').optional(),
    username: z.string().min(1).optional(),
    /** how often the registry is snapshotted into a batch */
    intervalSeconds: z.number().min(1).max(3_600).default(10),
    /** lines per HTTP request (InfluxDB suggests 5000) */
    batchSize: z.number().int().min(1).max(100_000).default(5_000),
    /** oldest lines are dropped (and counted) beyond this many pending; bounds memory during an outage */
    maxPendingLines: z.number().int().min(1).max(10_000_000).default(500_000),
    /** pending batches are kept here (atomic write), so an outage or a restart loses nothing; memory only when unset */
    queueFile: z.string().min(1).optional(),
    /** gzip request bodies (Content-Encoding: gzip; InfluxDB 1.x and 2.x accept it): ~10x fewer bytes */
    gzip: z.boolean().default(true),
    timeoutSeconds: z.number().min(1).max(300).default(10),
    /** longest wait between two retries (backoff doubles from 1 s up to this, with full jitter) */
    retryMaxSeconds: z.number().min(1).max(3_600).default(60),
  })
  .superRefine((config, ctx) => {
    const api = influxApi(config);
    if (api === 'v1' && !config.db) ctx.addIssue({ code: 'custom', path: ['db'], message: 'the v1 API needs `db` (the database)' });
    if (api === 'v2') {
      if (!config.bucket) ctx.addIssue({ code: 'custom', path: ['bucket'], message: 'the v2 API needs `bucket`' });
      if (!config.org) ctx.addIssue({ code: 'custom', path: ['org'], message: 'the v2 API needs `org`' });
    }
  });

export type InfluxOutputConfig = z.infer<typeof influxOutputSchema>;

export function influxApi(config: { api?: 'v1' | 'v2' | undefined; bucket?: string | undefined; db?: string | undefined }): 'v1' | 'v2' {
  return config.api ?? (config.bucket && !config.db ? 'v2' : 'v1');
}
