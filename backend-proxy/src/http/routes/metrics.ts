import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { CoalescingCache, CacheStats } from '../../core/cache.js';
import type { FileHealthComponent } from '../../core/durable.js';
import { expositionChunks } from '../../core/exposition.js';
import type { MetricFactory, SelfMetrics } from '../../core/metrics.js';
import type { Source, SourceStatus } from '../../sources/types.js';

const STATUS_VALUE: Record<SourceStatus, number> = { ok: 0, starting: 1, degraded: 2, down: 3 };

/**
 * Serves /metrics and returns the refresh that sets the derived series (source status, cache
 * counters), so other readers of the registry (the Influx writer) see them too.
 */
export function metricsRoutes(
  app: FastifyInstance,
  deps: {
    sources: ReadonlyMap<string, Source>;
    metrics: MetricFactory;
    self: SelfMetrics;
    cache: CoalescingCache;
    /** removes known secret values (label values come from upstreams) */
    scrub: (text: string) => string;
    /** the proxy's own durable files (history snapshot, Influx queue) */
    files?: () => Record<string, FileHealthComponent>;
  }
): () => void {
  const counters = {
    hits: deps.metrics.counter('nodescope_cache_hits_total', 'Query results served from the TTL cache'),
    misses: deps.metrics.counter('nodescope_cache_misses_total', 'Query results loaded from upstream'),
    coalesced: deps.metrics.counter('nodescope_coalesced_requests_total', 'Requests that joined an identical in-flight load'),
  };
  const fileOk = deps.metrics.gauge('nodescope_file_write_ok', 'Whether the last write of a durable file (history snapshot, influx queue) succeeded: 1 yes, 0 no (disk full, read-only)', ['file']);
  // the cache counts plain numbers on its hot path; the counters catch up at scrape time
  const reported: CacheStats = { hits: 0, misses: 0, coalesced: 0 };

  const refresh = () => {
    for (const [file, health] of Object.entries(deps.files?.() ?? {})) fileOk.set({ source: 'proxy', file }, health.status === 'ok' ? 1 : 0);
    for (const source of deps.sources.values()) {
      const { status } = source.health();
      deps.self.sourceStatus.set({ source: source.id }, STATUS_VALUE[status]);
      deps.self.sourceUp.set({ source: source.id }, status === 'ok' || status === 'degraded' ? 1 : 0);
    }
    for (const key of Object.keys(counters) as Array<keyof CacheStats>) {
      const delta = deps.cache.stats[key] - reported[key];
      if (delta > 0) counters[key].inc({ source: 'proxy' }, delta);
      reported[key] = deps.cache.stats[key];
    }
  };

  app.get('/metrics', async (_request, reply) => {
    refresh();
    reply.header('content-type', deps.metrics.registry.contentType);
    // per-miner families come pre-rendered from their last poll (core/exposition.ts), and are
    // written metric by metric: a large fleet's text is never one string (nor one Buffer).
    // Scrubbed per metric: a secret is a label value, inside one metric's lines
    const chunks = await expositionChunks(deps.metrics.registry);
    return Readable.from(
      (function* () {
        for (const chunk of chunks) yield deps.scrub(chunk);
      })(),
      { objectMode: false }
    );
  });
  return refresh;
}
