// query(): migrate, interpolate and expand targets, then one POST /api/query for the plain
// ones, GET /api/annotations for annotation targets, and the live targets together (stream.ts).
// A target is live when its Live switch is on, or when Explore's Live button is
// (request.liveStreaming) and its query can stream.
import { type DataQueryRequest, type DataQueryResponse, LoadingState } from '@grafana/data';
import { type NodescopeQuery as ProxyQuery, STREAMABLE_QUERIES } from '@nodescope/shared';
import { from, merge, type Observable, of } from 'rxjs';
import type { ProxyClient } from './api';
import { annotationsToFrame, errorMessage, type SentQuery, shapeQueryResults } from './frames';
import { expandSourceIds, interpolateQuery, type Replace } from './interpolate';
import { migrateQuery } from './migrations';
import { streamLive } from './stream';
import type { NodescopeQuery } from './types';

/** Every query the proxy can follow live, whatever the kind (the names do not overlap). */
const STREAMABLE = new Set(Object.values(STREAMABLE_QUERIES).flat());

export function isRunnable(query: NodescopeQuery): boolean {
  if (query.hide || !query.sourceId) return false;
  return query.queryType === 'annotations' ? Boolean(query.annotationType) : Boolean(query.query);
}

interface Expanded {
  target: NodescopeQuery;
  sourceId: string;
}

export function runQueries(api: ProxyClient, request: DataQueryRequest<NodescopeQuery>, replace: Replace): Observable<DataQueryResponse> {
  const range = { from: request.range.from.valueOf(), to: request.range.to.valueOf() };
  const maxDataPoints = request.maxDataPoints ?? 1_000;
  const expanded: Expanded[] = request.targets
    .map((target) => migrateQuery(target))
    .filter(isRunnable)
    // expand the raw source id: once interpolated, a multi-value variable is no longer a list
    .flatMap((raw) => {
      const target = interpolateQuery(raw, request.scopedVars, replace);
      return expandSourceIds(raw.sourceId, request.scopedVars, replace).map((sourceId) => ({ target, sourceId }));
    });

  const isLive = (e: Expanded) => e.target.queryType !== 'annotations' && (e.target.live || (request.liveStreaming === true && STREAMABLE.has(e.target.query)));
  const plain = expanded.filter((e) => e.target.queryType !== 'annotations' && !isLive(e));
  const annotations = expanded.filter((e) => e.target.queryType === 'annotations');
  const live = expanded.filter(isLive);

  const streams: Array<Observable<DataQueryResponse>> = [];
  if (plain.length > 0) streams.push(from(runPlain(api, plain, request, range, maxDataPoints)));
  if (annotations.length > 0) streams.push(from(runAnnotations(api, annotations, range)));
  if (live.length > 0) streams.push(streamLive(api, { targets: live, range, intervalMs: request.intervalMs, maxDataPoints }));
  return streams.length > 0 ? merge(...streams) : of({ data: [], state: LoadingState.Done });
}

async function runPlain(
  api: ProxyClient,
  plain: Expanded[],
  request: DataQueryRequest<NodescopeQuery>,
  range: { from: number; to: number },
  maxDataPoints: number
): Promise<DataQueryResponse> {
  // refIds must be unique per request; a multi-source target becomes A, A·btc-b, ...
  const sent: SentQuery[] = plain.map((e, index) => ({
    refId: plain.findIndex((other) => other.target.refId === e.target.refId) === index ? e.target.refId : `${e.target.refId}·${e.sourceId}`,
    target: e.target,
    sourceId: e.sourceId,
  }));
  const queries: ProxyQuery[] = sent.map(({ refId, target, sourceId }) => ({
    refId,
    sourceId,
    query: target.query,
    ...(target.params && Object.keys(target.params).length > 0 ? { params: target.params } : {}),
  }));
  try {
    const results = await api.query({ queries, range, intervalMs: request.intervalMs, maxDataPoints }, request.requestId);
    const { data, errors } = shapeQueryResults(results, sent);
    return { key: 'nodescope-query', data, errors, state: errors.length > 0 && data.length === 0 ? LoadingState.Error : LoadingState.Done };
  } catch (error) {
    const message = errorMessage(error);
    return {
      key: 'nodescope-query',
      data: [],
      state: LoadingState.Error,
      errors: plain.map((e) => ({ refId: e.target.refId, message: `${e.sourceId} ${e.target.query}: ${message}` })),
    };
  }
}

async function runAnnotations(api: ProxyClient, targets: Expanded[], range: { from: number; to: number }): Promise<DataQueryResponse> {
  const settled = await Promise.allSettled(targets.map((e) => api.annotations(e.sourceId, e.target.annotationType ?? '', range.from, range.to)));
  const data = [];
  const errors = [];
  for (const [index, outcome] of settled.entries()) {
    const e = targets[index]!;
    if (outcome.status === 'fulfilled') data.push(annotationsToFrame(outcome.value, e.target.refId));
    else errors.push({ refId: e.target.refId, message: `${e.sourceId} ${e.target.annotationType}: ${errorMessage(outcome.reason)}` });
  }
  return { key: 'nodescope-annotations', data, errors, state: LoadingState.Done };
}
