// The proxy's configuration, validated once at start-up. The type comes from the schema, so no
// second interface drifts. Each kind's schema lives beside its source.
import { z } from 'zod';
import { bitcoinConfigSchema } from '../sources/bitcoin/config.js';
import { freqtradeConfigSchema } from '../sources/freqtrade/config.js';
import { cgminerConfigSchema } from '../sources/cgminer/config.js';
import { profitabilityConfigSchema } from '../sources/profitability/config.js';
import { lokiPushSchema, stacksConfigSchema } from '../sources/stacks/config.js';
import { gethConfigSchema } from '../sources/geth/config.js';
import { lightningConfigSchema } from '../sources/lightning/config.js';
import { beaconConfigSchema } from '../sources/beacon/config.js';
import { chainConfigSchema } from '../sources/chain/config.js';
import { secret } from './common.js';
import { didYouMean } from './explain.js';
import { influxOutputSchema } from '../outputs/influxConfig.js';

export const sourceConfigSchema = z.discriminatedUnion('kind', [bitcoinConfigSchema, cgminerConfigSchema, profitabilityConfigSchema, freqtradeConfigSchema, stacksConfigSchema, gethConfigSchema, lightningConfigSchema, beaconConfigSchema, chainConfigSchema]);

export const configSchema = z
  .strictObject({
    server: z
      .strictObject({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65_535).default(8787),
        /** bearer key required on /api/*; leave unset only on a loopback-only proxy */
        apiKey: secret('server.apiKey').optional(),
        /** allows listening beyond loopback without apiKey (e.g. behind an authenticating gateway) */
        insecure: z.boolean().default(false),
        bodyLimitBytes: z.number().int().min(1_024).max(16 * 1024 * 1024).default(256 * 1024),
        /** history rings snapshot; no persistence when unset */
        historyFile: z.string().min(1).optional(),
        snapshotSeconds: z.number().min(1).max(3_600).default(10),
        logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
        /** max queries in one /api/query body */
        maxQueries: z.number().int().min(1).max(1_000).default(100),
        /** upstream calls one /api request may cause (a batch counts each member); its surplus queries fail with 429 */
        upstreamBudget: z.number().int().min(10).max(100_000).default(300),
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
        insecure: false,
        bodyLimitBytes: 256 * 1024,
        snapshotSeconds: 10,
        logLevel: 'info',
        maxQueries: 100,
        upstreamBudget: 300,
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
    (Array.isArray(config.sources) ? config.sources : []).forEach((source, index) => {
      if (!source || typeof source.id !== 'string') return;
      const first = seen.get(source.id);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['sources', index, 'id'],
          message: `duplicate source id "${source.id}" (also sources[${first}])`,
        });
      } else seen.set(source.id, index);
    });
    if (Array.isArray(config.sources)) checkCrossReferences(config.sources, ctx);
    const { host, apiKey, insecure } = config.server ?? {};
    if (typeof host === 'string' && !apiKey && !insecure && !isLoopbackHost(host)) {
      ctx.addIssue({
        code: 'custom',
        path: ['server', 'apiKey'],
        message: `listening on ${host} (beyond loopback) without an apiKey would serve every source to anyone who reaches the port: set server.apiKey (e.g. \${NODESCOPE_API_KEY}), listen on 127.0.0.1, or set server.insecure: true if something in front authenticates`,
      });
    }
    // run even when an entry failed, so one pass reports every problem (the checks skip broken parts)
  }, { when: () => true })
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

/** 127.0.0.0/8, ::1 and localhost: only processes on this host can connect. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

type SourceEntry = z.infer<typeof sourceConfigSchema>;

/** Every field that names another source must name one of the right kind. */
function checkCrossReferences(sources: SourceEntry[], ctx: z.RefinementCtx): void {
  // this may run after an entry failed (zod reports every issue at once): skip what is not a source
  const valid = (source: SourceEntry | undefined): source is SourceEntry =>
    !!source && typeof source === 'object' && typeof source.id === 'string';
  const byId = new Map(sources.filter(valid).map((source) => [source.id, source]));
  const check = (index: number, path: PropertyKey[], id: string, kind: SourceEntry['kind'], what: string) => {
    const self = sources[index]!;
    const target = byId.get(id);
    const ofKind = sources.filter((source) => valid(source) && source.kind === kind).map((source) => source.id);
    const known = ofKind.length ? `; ${kind} sources: ${ofKind.join(', ')}` : `; no ${kind} source is configured`;
    if (!target) {
      ctx.addIssue({
        code: 'custom',
        path: ['sources', index, ...path],
        message: `source "${self.id}" names ${what} "${id}", but no source has that id${didYouMean(id, ofKind)}${known}`,
      });
    } else if (target.kind !== kind) {
      ctx.addIssue({
        code: 'custom',
        path: ['sources', index, ...path],
        message: `source "${self.id}" names ${what} "${id}", which is a ${target.kind} source, not ${kind}${known}`,
      });
    }
  };
  // values of the wrong type already have their own issue
  const isId = (value: unknown): value is string => typeof value === 'string';
  sources.forEach((source, index) => {
    if (!valid(source)) return;
    if (source.kind === 'profitability') {
      const fleets: unknown[] = Array.isArray(source.fleets) ? source.fleets : [];
      fleets.forEach((fleet, at) => isId(fleet) && check(index, ['fleets', at], fleet, 'cgminer', 'the fleet'));
      if (isId(source.bitcoinSource)) check(index, ['bitcoinSource'], source.bitcoinSource, 'bitcoin', 'the bitcoin source');
    } else if ((source.kind === 'stacks' || source.kind === 'lightning') && isId(source.bitcoinSource)) {
      check(index, ['bitcoinSource'], source.bitcoinSource, 'bitcoin', 'the bitcoin source');
    } else if (source.kind === 'beacon' && isId(source.executionSource)) {
      check(index, ['executionSource'], source.executionSource, 'geth', 'the execution source');
    } else if (source.kind === 'chain') {
      const nodes: unknown[] = Array.isArray(source.sources) ? source.sources : [];
      nodes.forEach((node, at) => isId(node) && check(index, ['sources', at], node, 'bitcoin', 'the bitcoin source'));
      // nodes of one chain: comparing a mainnet tip with a testnet one says nothing
      const networks = new Map<string, string>();
      for (const node of nodes) {
        const target = isId(node) ? byId.get(node) : undefined;
        if (target?.kind === 'bitcoin') networks.set(node as string, String(target.network));
      }
      if (new Set(networks.values()).size > 1) {
        ctx.addIssue({
          code: 'custom',
          path: ['sources', index, 'sources'],
          message: `source "${source.id}" compares bitcoin sources of different networks (${[...networks].map(([id, n]) => `${id}: ${n}`).join(', ')}): a chain view is one chain`,
        });
      }
    }
  });
}

export type SourceConfig = z.infer<typeof sourceConfigSchema>;
