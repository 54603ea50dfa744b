// query(): migrate and expand targets, then the plain ones through the backend (Grafana's
// data query API → the plugin's QueryData → the proxy's POST /api/query), annotation targets
// through the backend's `annotations` resource. A target is live when its Live switch is on, or
// when Explore's Live button is (request.liveStreaming) and its query can stream. Live targets go
// through the backend too, with `live: true`: QueryData answers the first result with a Grafana
// Live channel in its frame meta, and DataSourceWithBackend.query subscribes to it through
// getGrafanaLiveSrv().getDataStream (@grafana/runtime 12.4.10 utils/DataSourceWithBackend.ts
// toStreamingDataResponse), where the plugin's RunStream follows the proxy's SSE. Only where
// Grafana Live is absent (no live service, or Live turned off) do they stay on the proxy's SSE
// through the data source proxy (stream.ts): Grafana would show their first result and never
// update it.
import { type DataQueryError, type DataQueryRequest, type DataQueryResponse, LoadingState } from '@grafana/data';
import { config, getGrafanaLiveSrv } from '@grafana/runtime';
import { STREAMABLE_QUERIES } from '@nodescope/shared';
import { catchError, from, map, merge, type Observable, of } from 'rxjs';
import type { ProxyClient } from './api';
import { annotationsToFrame, errorMessage } from './frames';
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
  /** migrated, not interpolated: what the backend gets (applyTemplateVariables interpolates it) */
  raw: NodescopeQuery;
  target: NodescopeQuery;
  sourceId: string;
}

/** DataSourceWithBackend.query: Grafana's data query API with the targets as they are given. */
export type BackendQuery = (request: DataQueryRequest<NodescopeQuery>) => Observable<DataQueryResponse>;

export function runQueries(api: ProxyClient, backendQuery: BackendQuery, request: DataQueryRequest<NodescopeQuery>, replace: Replace): Observable<DataQueryResponse> {
  const range = { from: request.range.from.valueOf(), to: request.range.to.valueOf() };
  const maxDataPoints = request.maxDataPoints ?? 1_000;
  const expanded: Expanded[] = request.targets
    .map((target) => migrateQuery(target))
    .filter(isRunnable)
    // expand the raw source id: once interpolated, a multi-value variable is no longer a list
    .flatMap((raw) => {
      const target = interpolateQuery(raw, request.scopedVars, replace);
      return expandSourceIds(raw.sourceId, request.scopedVars, replace).map((sourceId) => ({ raw, target, sourceId }));
    });

  const isLive = (e: Expanded) => e.target.queryType !== 'annotations' && (e.target.live || (request.liveStreaming === true && STREAMABLE.has(e.target.query)));
  const plain = expanded.filter((e) => e.target.queryType !== 'annotations' && !isLive(e));
  const annotations = expanded.filter((e) => e.target.queryType === 'annotations');
  const live = expanded.filter(isLive);

  const streams: Array<Observable<DataQueryResponse>> = [];
  if (plain.length > 0) streams.push(runPlain(backendQuery, plain, request));
  if (annotations.length > 0) streams.push(from(runAnnotations(api, annotations, range)));
  if (live.length > 0) {
    if (liveAvailable()) streams.push(...live.map((e) => runLive(backendQuery, e, request)));
    else streams.push(streamLive(api, { targets: live, range, intervalMs: request.intervalMs, maxDataPoints }));
  }
  return streams.length > 0 ? merge(...streams) : of({ data: [], state: LoadingState.Done });
}

function runPlain(backendQuery: BackendQuery, plain: Expanded[], request: DataQueryRequest<NodescopeQuery>): Observable<DataQueryResponse> {
  // refIds must be unique per request; a multi-source target becomes A, A·btc-b, ... and its
  // frames and errors go back to A
  const sent = plain.map((e, index) => ({
    ...e,
    refId: plain.findIndex((other) => other.target.refId === e.target.refId) === index ? e.target.refId : `${e.target.refId}·${e.sourceId}`,
  }));
  const original = new Map(sent.map((s) => [s.refId, s.target.refId]));
  const targets: NodescopeQuery[] = sent.map((s) => ({ ...s.raw, refId: s.refId, sourceId: s.sourceId }));
  const failAll = (message: string): DataQueryResponse => ({
    key: 'nodescope-query',
    data: [],
    state: LoadingState.Error,
    errors: plain.map((e) => ({ refId: e.target.refId, message: `${e.sourceId} ${e.target.query}: ${message}` })),
  });
  return backendQuery({ ...request, maxDataPoints: request.maxDataPoints ?? 1_000, targets }).pipe(
    map((response): DataQueryResponse => {
      const data = (response.data ?? []).map((frame: { refId?: string }) => {
        frame.refId = original.get(frame.refId ?? '') ?? frame.refId;
        return frame;
      });
      // the backend names the source and query in each message (pkg/plugin/query.go withContext)
      const perQuery: DataQueryError[] = (response.errors ?? []).filter((e) => e.refId && original.has(e.refId)).map((e) => ({ ...e, refId: original.get(e.refId!) }));
      // a request that failed as a whole (Grafana or the backend unreachable) has no per-query errors
      if (perQuery.length === 0 && data.length === 0 && response.error) return failAll(wholeRequestError(response.error));
      return { key: 'nodescope-query', data, errors: perQuery, state: perQuery.length > 0 && data.length === 0 ? LoadingState.Error : LoadingState.Done };
    }),
    catchError((error: unknown) => of(failAll(errorMessage(error))))
  );
}

/**
 * Grafana Live serves this page: a live service is installed and Live is on. Grafana installs
 * its live service in any case and only leaves the websocket unconnected when `[live]
 * max_connections = 0` (frontend settings liveEnabled = LiveMaxConnections != 0,
 * grafana/grafana@b32e257be7818c7bd7b82a8d4b97eee23976fbe2 pkg/api/frontendsettings.go), where a
 * live channel would never deliver: those pages keep the SSE fallback.
 */
function liveAvailable(): boolean {
  return Boolean(getGrafanaLiveSrv()) && config.liveEnabled !== false;
}

/**
 * One live target on Grafana Live: its own backend request, so every frame the stream emits
 * (StreamingDataFrame takes its refId from each packet's schema, and RunStream's frames, shared by
 * every panel on the channel, carry none) is known to be this target's.
 */
function runLive(backendQuery: BackendQuery, e: Expanded, request: DataQueryRequest<NodescopeQuery>): Observable<DataQueryResponse> {
  const refId = e.target.refId;
  const key = `nodescope-live-${refId}-${e.sourceId}`;
  const fail = (message: string): DataQueryResponse => ({ key, data: [], state: LoadingState.Error, errors: [{ refId, message: `${e.sourceId} ${e.target.query}: ${message}` }] });
  const target: NodescopeQuery = { ...e.raw, refId, sourceId: e.sourceId, live: true };
  return backendQuery({ ...request, maxDataPoints: request.maxDataPoints ?? 1_000, targets: [target] }).pipe(
    map((response): DataQueryResponse => {
      const data = (response.data ?? []).map((frame: { refId?: string }) => {
        frame.refId = refId;
        return frame;
      });
      const errors = (response.errors ?? []).map((error) => ({ ...error, refId }));
      if (errors.length === 0 && data.length === 0 && response.error) return fail(wholeRequestError(response.error));
      // a stream's emissions carry their subscription key and LoadingState.Streaming: both kept,
      // so Grafana replaces each stream's frames in place
      return { ...response, key: response.key ?? key, data, errors, error: response.error && { ...response.error, refId } };
    }),
    catchError((error: unknown) => of(fail(errorMessage(error))))
  );
}

/** Grafana's or the bridge's {message} body first (toDataQueryError keeps it in `data`), as errorMessage shows it. */
function wholeRequestError(error: DataQueryError): string {
  const fromBody = error.data?.message;
  if (fromBody) return error.status ? `${fromBody} (HTTP ${error.status})` : fromBody;
  return error.message ?? errorMessage(error);
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
