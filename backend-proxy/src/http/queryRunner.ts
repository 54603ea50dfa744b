// Runs the queries of one /api/query request. Requests are validated before any upstream is
// touched: an unknown source or a query its kind does not serve fails the whole request with a
// 400 (as Grafana's own /api/ds/query does for a missing datasource). Upstream failures stay
// inside their own query's result, so one bad upstream never blanks the other panels.
import type { DataFrameJSON } from '@nodescope/shared';
import type { CoalescingCache } from '../core/cache.js';
import type { SelfMetrics } from '../core/metrics.js';
import { QueryInputError, type QueryInput, type Source } from '../sources/types.js';
import { HttpError } from './errors.js';
import type { QueryRequestBody } from './schemas.js';

export interface QueryResult {
  frames: DataFrameJSON[];
  error?: string;
  status?: number;
}

export interface QueryRunnerDeps {
  sources: ReadonlyMap<string, Source>;
  cache: CoalescingCache;
  cacheTtlMs: number;
  self: SelfMetrics;
  now: () => number;
  onError?: (error: unknown, sourceId: string, query: string) => void;
}

const DEFAULT_RANGE_MS = 6 * 3_600_000;

export function resolveQueries(body: QueryRequestBody, sources: ReadonlyMap<string, Source>) {
  return body.queries.map((query) => {
    const source = sources.get(query.sourceId);
    if (!source) {
      throw new HttpError(400, `queries[${query.refId}]: unknown source "${query.sourceId}" (see GET /api/sources)`);
    }
    const handler = source.queries[query.query];
    if (!handler) {
      const known = Object.keys(source.queries).join(', ');
      throw new HttpError(
        400,
        `queries[${query.refId}]: source "${source.id}" (${source.kind}) has no query "${query.query}"; it serves: ${known}`
      );
    }
    return { query, source, handler };
  });
}

export async function runQueries(body: QueryRequestBody, deps: QueryRunnerDeps): Promise<Record<string, QueryResult>> {
  const resolved = resolveQueries(body, deps.sources);
  const now = deps.now();
  const range = body.range ?? { from: now - DEFAULT_RANGE_MS, to: now };
  const maxDataPoints = body.maxDataPoints ?? 1_000;
  const intervalMs = body.intervalMs ?? Math.max(1_000, Math.round((range.to - range.from) / maxDataPoints));

  const results = await Promise.all(
    resolved.map(async ({ query, source, handler }) => {
      const input: QueryInput = { params: query.params ?? {}, range, intervalMs, maxDataPoints };
      // the key rounds the range to whole seconds so dashboards refreshed together share a result
      const key = JSON.stringify([
        source.id,
        query.query,
        input.params,
        Math.floor(range.from / 1_000),
        Math.floor(range.to / 1_000),
        intervalMs,
        maxDataPoints,
      ]);
      const stop = deps.self.queryDuration.startTimer({ source: source.id, query: query.query });
      try {
        const frames = await deps.cache.get(key, deps.cacheTtlMs, () => handler(input));
        const named = frames.map((frame) => ({ ...frame, schema: { ...frame.schema, refId: query.refId } }));
        return [query.refId, { frames: named, status: 200 }] as const;
      } catch (error) {
        deps.self.queryErrors.inc({ source: source.id, query: query.query });
        if (!(error instanceof QueryInputError)) deps.onError?.(error, source.id, query.query);
        const status = error instanceof QueryInputError ? 400 : 502;
        const message = error instanceof Error ? error.message : String(error);
        return [query.refId, { frames: [], error: `${source.id}: ${message}`, status }] as const;
      } finally {
        stop();
      }
    })
  );
  return Object.fromEntries(results);
}
