// The proxy's configuration, validated once at start-up. The type comes from the schema, so no
// second interface drifts. Each kind's schema lives beside its source.
import { z } from 'zod';
import { bitcoinConfigSchema } from '../sources/bitcoin/config.js';
import { freqtradeConfigSchema } from '../sources/freqtrade/config.js';
import { cgminerConfigSchema } from '../sources/cgminer/config.js';
import { profitabilityConfigSchema } from '../sources/profitability/config.js';
import { lokiPushSchema, stacksConfigSchema } from '../sources/stacks/config.js';
import { gethConfigSchema } from '../sources/geth/config.js';
import { secret } from './common.js';
import { influxOutputSchema } from '../outputs/influxConfig.js';

export const sourceConfigSchema = z.discriminatedUnion('kind', [bitcoinConfigSchema, cgminerConfigSchema, profitabilityConfigSchema, freqtradeConfigSchema, stacksConfigSchema, gethConfigSchema]);

export const configSchema = z
  .strictObject({
    server: z
      .strictObject({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65_535).default(8787),
        /** bearer key required on /api/*; leave unset only on a loopback-only proxy */
        apiKey: secret('server.apiKey').optional(),
        bodyLimitBytes: z.number().int().min(1_024).max(16 * 1024 * 1024).default(256 * 1024),
        /** history rings snapshot; no persistence when unset */
        historyFile: z.string().min(1).optional(),
        snapshotSeconds: z.number().min(1).max(3_600).default(10),
        logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
        /** max queries in one /api/query body */
        maxQueries: z.number().int().min(1).max(1_000).default(100),
        /** TTL of cached query results */
        cacheTtlMs: z.number().int().min(0).max(600_000).default(1_000),
        /** off disables every cache and coalescing (query results and upstream reads): a baseline for benchmarks, not for production */
        cache: z.enum(['on', 'off']).default('on'),
        /** `site` label on every series of /metrics, for many proxies behind one Prometheus/VictoriaMetrics */
        site: z.string().min(1).max(100).optional(),
      })
      .default({
        host: '127.0.0.1',
        port: 8787,
        bodyLimitBytes: 256 * 1024,
        snapshotSeconds: 10,
        logLevel: 'info',
        maxQueries: 100,
        cacheTtlMs: 1_000,
        cache: 'on',
      }),
    sources: z.array(sourceConfigSchema).default([]),
    outputs: z
      .strictObject({
        influx: influxOutputSchema.optional(),
        /** default Loki target for every source that ships logs and names none of its own */
        loki: lokiPushSchema.optional(),
      })
      .optional(),
  })
  .superRefine((config, ctx) => {
    const seen = new Map<string, number>();
    config.sources.forEach((source, index) => {
      const first = seen.get(source.id);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['sources', index, 'id'],
          message: `duplicate source id "${source.id}" (also sources[${first}])`,
        });
      } else seen.set(source.id, index);
    });
  })
  .transform((config) => {
    // outputs.loki is the default for sources that ship logs without a target of their own;
    // each gets its own spool file so two sources never share one
    const loki = config.outputs?.loki;
    if (!loki) return config;
    const sources = config.sources.map((source) =>
      source.kind === 'stacks' && !source.loki
        ? { ...source, loki: { ...loki, ...(loki.spoolFile ? { spoolFile: `${loki.spoolFile}.${source.id}` } : {}) } }
        : source
    );
    return { ...config, sources };
  });

export type ProxyConfig = z.infer<typeof configSchema>;
export type SourceConfig = z.infer<typeof sourceConfigSchema>;
