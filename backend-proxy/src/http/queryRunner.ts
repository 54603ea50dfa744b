// Runs the queries of one /api/query request. Requests are validated before any upstream is
// touched: an unknown source or a query its kind does not serve fails the whole request with a
// 400 (as Grafana's own /api/ds/query does for a missing datasource). A query's params are
// parsed once by the shared catalog (sources/catalog.ts), here for the cache key; a bad or
// unknown param is a 400 in that query's own result, from its handler, before any call.
// Upstream failures stay inside their own query's result, so one bad upstream never blanks the
// other panels.
import type { DataFrameJSON } from '@nodescope/shared';
import type { CoalescingCache } from '../core/cache.js';
import { BudgetExceededError, UpstreamBudget, withBudget } from '../core/budget.js';
import { own, ownNames } from '../core/lookup.js';
import type { SelfMetrics } from '../core/metrics.js';
import { checkParams } from '../sources/catalog.js';
import { QueryInputError, type QueryInput, type Source } from '../sources/types.js';
import type { ClientText } from './clientText.js';
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
  /** removes known secret values from upstream-derived text (frames) */
  scrub?: (text: string) => string;
  /** makes an upstream's error message fit for a browser (no secret, no node address) */
  clientText?: ClientText;
  /** upstream calls one request may cause (unbounded when unset) */
  upstreamBudget?: number;
}

const DEFAULT_RANGE_MS = 6 * 3_600_000;

export function resolveQueries(body: QueryRequestBody, sources: ReadonlyMap<string, Source>) {
  return body.queries.map((query) => {
    const source = sources.get(query.sourceId);
    if (!source) {
      throw new HttpError(400, `queries[${query.refId}]: unknown source "${query.sourceId}" (see GET /api/sources)`);
    }
    const handler = own(source.queries, query.query);
    if (!handler) {
      const known = ownNames(source.queries).join(', ');
      throw new HttpError(
        400,
        `queries[${query.refId}]: source "${source.id}" (${source.kind}) has no query "${query.query}"; it serves: ${known}`
      );
    }
    return { query, source, handler };
  });
}

/** A cached query result: its frames, and their JSON once some request has needed it. */
interface CachedResult {
  frames: DataFrameJSON[];
  /** `{"frames":[…],"status":200}` with REF_ID_MARK where the refId goes */
  json?: string;
  /** that JSON with the refIds asked for so far (panels use a handful: A, B, …) */
  byRefId?: Map<string, string>;
}

const MAX_REF_IDS_KEPT = 16;

// The JSON of a cached result is written once and reused by every request that hits it; only
// the refId differs between requests, so it is written as a marker (with a per-process nonce
// no upstream string can guess) and swapped per request.
const REF_ID = `nodescope-refid-${Math.random().toString(36).slice(2, 12)}`;
const REF_ID_MARK = new RegExp(`"${REF_ID}"`, 'g');

export interface QueryOutcome {
  refId: string;
  status: number;
  /** JSON text of this query's result: `{"frames":[…],"status":200}` or with `error` */
  json: string;
}

/**
 * A query's params parsed once by the catalog, so equal requests share a cache key however they
 * spell a value ("10" or 10, a default left out); the handler takes them as they are. Params the
 * catalog refuses are passed on as given, for the handler to answer with that query's 400.
 */
function parsedOrAsGiven(source: Source, query: string, params: QueryInput['params']): QueryInput['params'] {
  try {
    return checkParams(source.kind, query, params);
  } catch (error) {
    if (error instanceof QueryInputError) return params;
    throw error;
  }
}

/** The range, resolution and the window's part of the cache key, for a request at `now`. */
function windowOf(body: QueryRequestBody, now: number) {
  const range = body.range ?? { from: now - DEFAULT_RANGE_MS, to: now };
  const maxDataPoints = body.maxDataPoints ?? 1_000;
  const intervalMs = body.intervalMs ?? Math.max(1_000, Math.round((range.to - range.from) / maxDataPoints));
  // whole seconds, so dashboards refreshed together share a result
  const keyParts = [Math.floor(range.from / 1_000), Math.floor(range.to / 1_000), intervalMs, maxDataPoints] as const;
  return { range, maxDataPoints, intervalMs, keyParts };
}

function plan(body: QueryRequestBody, deps: QueryRunnerDeps, window = windowOf(body, deps.now())) {
  const resolved = resolveQueries(body, deps.sources);
  const { range, intervalMs, maxDataPoints, keyParts } = window;
  return resolved.map(({ query, source, handler }) => {
    const input: QueryInput = { params: parsedOrAsGiven(source, query.query, query.params ?? {}), range, intervalMs, maxDataPoints };
    const key = JSON.stringify([source.id, query.query, input.params, ...keyParts]);
    return { query, source, handler, input, key };
  });
}

/** A cached result's JSON for one refId, written once per result and refId. */
function cachedJson(cached: CachedResult, refIdAsked: string, deps: QueryRunnerDeps): string {
  if (cached.json === undefined) {
    const json = JSON.stringify({
      frames: cached.frames.map((frame) => ({ ...frame, schema: { ...frame.schema, refId: REF_ID } })),
      status: 200,
    });
    // frames are upstream data; the refId (request input) is put in after scrubbing
    cached.json = deps.scrub ? deps.scrub(json) : json;
  }
  cached.byRefId ??= new Map();
  let json = cached.byRefId.get(refIdAsked);
  if (json === undefined) {
    const refId = JSON.stringify(refIdAsked);
    json = cached.json.replace(REF_ID_MARK, () => refId);
    if (cached.byRefId.size < MAX_REF_IDS_KEPT) cached.byRefId.set(refIdAsked, json);
  }
  return json;
}

/** What the cached path needs of one planned query. */
interface CacheLookup {
  refId: string;
  sourceId: string;
  query: string;
  key: string;
}

/** The lookups of a frozen query list in one window, and the last answer built from them with the results it used. */
interface RememberedPlan {
  deps: QueryRunnerDeps;
  /** the window's part of the cache keys, joined */
  window: string;
  lookups: CacheLookup[];
  hits: CachedResult[] | null;
  json: string;
}

// Bodies handed out by ValidatedBodies are frozen, and those of one panel share their frozen
// `queries` whatever their range (queryBodies.ts): the cache keys of that list are the same for
// every range that falls in the same whole seconds, so they are made once per such window.
const plans = new WeakMap<object, RememberedPlan>();

function cacheLookups(body: QueryRequestBody, deps: QueryRunnerDeps): { lookups: CacheLookup[]; remembered?: RememberedPlan } {
  const window = windowOf(body, deps.now());
  const reuse = Object.isFrozen(body.queries);
  const windowKey = reuse ? window.keyParts.join(',') : '';
  const remembered = reuse ? plans.get(body.queries) : undefined;
  if (remembered?.deps === deps && remembered.window === windowKey) return { lookups: remembered.lookups, remembered };
  const lookups = plan(body, deps, window).map(({ query, source, key }) => ({ refId: query.refId, sourceId: source.id, query: query.query, key }));
  if (!reuse) return { lookups };
  const fresh: RememberedPlan = { deps, window: windowKey, lookups, hits: null, json: '' };
  plans.set(body.queries, fresh);
  return { lookups, remembered: fresh };
}

/**
 * The whole /api/query answer when every query of the request has a fresh cached result, else
 * undefined: the common case of dashboards refreshed together, answered without a promise, an
 * async context or a budget (nothing reaches an upstream). Validation and scrubbing are the same
 * as on the full path, and so are the bytes (queryRunner.test.ts compares them).
 */
export function cachedResponseJson(body: QueryRequestBody, deps: QueryRunnerDeps): string | undefined {
  const started = performance.now();
  const { lookups, remembered } = cacheLookups(body, deps);
  const hits: CachedResult[] = new Array<CachedResult>(lookups.length);
  let same = remembered?.hits != null;
  for (let i = 0; i < lookups.length; i++) {
    const cached = deps.cache.peek<CachedResult>(lookups[i]!.key);
    if (cached === undefined) return undefined;
    hits[i] = cached;
    if (same && remembered!.hits![i] !== cached) same = false;
  }
  deps.cache.hit(hits.length);
  let json: string;
  if (same) json = remembered!.json;
  else {
    json = resultsJson(lookups.map(({ refId }, i) => ({ refId, status: 200, json: cachedJson(hits[i]!, refId, deps) })));
    if (remembered) {
      remembered.hits = hits;
      remembered.json = json;
    }
  }
  // each query of the request was answered within this time
  const seconds = (performance.now() - started) / 1_000;
  for (const { sourceId, query } of lookups) deps.self.queryDuration.observe({ source: sourceId, query }, seconds);
  return json;
}

/** Runs the queries and returns each result as JSON text (what /api/query sends). */
export async function runQueriesJson(body: QueryRequestBody, deps: QueryRunnerDeps): Promise<QueryOutcome[]> {
  const planned = plan(body, deps);
  const budget = new UpstreamBudget(deps.upstreamBudget ?? Number.POSITIVE_INFINITY);

  return withBudget(budget, () => Promise.all(
    planned.map(async ({ query, source, handler, input, key }): Promise<QueryOutcome> => {
      const started = performance.now();
      try {
        const cached = await deps.cache.get<CachedResult>(key, deps.cacheTtlMs, async () => ({
          frames: await handler(input),
        }));
        return { refId: query.refId, status: 200, json: cachedJson(cached, query.refId, deps) };
      } catch (error) {
        deps.self.queryErrors.inc({ source: source.id, query: query.query });
        if (!(error instanceof QueryInputError) && !(error instanceof BudgetExceededError)) deps.onError?.(error, source.id, query.query);
        const status = error instanceof QueryInputError ? 400 : error instanceof BudgetExceededError ? 429 : 502;
        const raw = error instanceof Error ? error.message : String(error);
        // a QueryInputError speaks of the request only; anything else may carry upstream words
        const message = status !== 502 || !deps.clientText ? raw : deps.clientText.upstream(raw);
        const result: QueryResult = { frames: [], error: `${source.id}: ${message}`, status };
        return { refId: query.refId, status, json: JSON.stringify(result) };
      } finally {
        deps.self.queryDuration.observe({ source: source.id, query: query.query }, (performance.now() - started) / 1_000);
      }
    })
  ));
}

/** `{"results":{"A":…,"B":…}}` from the outcomes, without parsing them again. */
export function resultsJson(outcomes: readonly QueryOutcome[]): string {
  return `{"results":{${outcomes.map((o) => `${JSON.stringify(o.refId)}:${o.json}`).join(',')}}}`;
}
