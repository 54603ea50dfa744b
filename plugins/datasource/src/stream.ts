// Live queries as Grafana streaming frames: the first result seeds a CircularDataFrame (a ring
// buffer that drops the oldest rows), each SSE event appends rows, and every emission carries
// LoadingState.Streaming with a stable key so Grafana replaces the previous one.
import { CircularDataFrame, type DataFrame, type DataQueryResponse, LoadingState } from '@grafana/data';
import type { DataFrameJSON } from '@nodescope/shared';
import { Observable } from 'rxjs';
import type { ProxyClient } from './api';
import { errorMessage, shapeFrame } from './frames';
import type { NodescopeQuery } from './types';

export const DEFAULT_STREAM_CAPACITY = 1_000;

/** An empty ring buffer with the fields (names, types, config, labels) of a shaped frame. */
export function ringFrom(shaped: DataFrame, capacity: number): CircularDataFrame {
  const ring = new CircularDataFrame({ append: 'tail', capacity });
  ring.refId = shaped.refId;
  ring.name = shaped.name;
  ring.meta = { ...shaped.meta, preferredVisualisationType: shaped.meta?.preferredVisualisationType };
  for (const field of shaped.fields) {
    ring.addField({ name: field.name, type: field.type, config: field.config, labels: field.labels });
  }
  appendFrame(ring, shaped);
  return ring;
}

/** Appends every row of `rows` to `ring` by field name; fields it does not have are ignored. */
export function appendFrame(ring: CircularDataFrame, rows: DataFrame): void {
  for (let i = 0; i < rows.length; i++) {
    const row: Record<string, unknown> = {};
    for (const field of rows.fields) row[field.name] = field.values[i];
    ring.add(row);
  }
}

/** Finds the ring an appended frame belongs to: same name, else the first ring. */
function ringFor(rings: CircularDataFrame[], json: DataFrameJSON): CircularDataFrame | undefined {
  return rings.find((ring) => json.schema.name !== undefined && ring.name === json.schema.name) ?? rings[0];
}

export interface LiveTarget {
  target: NodescopeQuery;
  sourceId: string;
}

export interface LiveRequest {
  targets: LiveTarget[];
  range: { from: number; to: number };
  intervalMs: number;
  maxDataPoints: number;
}

/**
 * Every live target of one request: one POST /api/query seeds a ring per target, then one
 * follow() carries all of them (one connection when the proxy multiplexes; see liveStreams.ts).
 * Each target keeps its own response key, so Grafana replaces its frames in place.
 */
export function streamLive(api: ProxyClient, live: LiveRequest): Observable<DataQueryResponse> {
  const capacity = Math.max(live.maxDataPoints || DEFAULT_STREAM_CAPACITY, 10);
  // refIds are unique per request: a multi-source target becomes A, A·btc-b, ...
  const entries = live.targets.map((t, index) => ({
    ...t,
    key: live.targets.findIndex((other) => other.target.refId === t.target.refId) === index ? t.target.refId : `${t.target.refId}·${t.sourceId}`,
    responseKey: `nodescope-live-${t.target.refId}-${t.sourceId}`,
    rings: [] as CircularDataFrame[],
  }));
  return new Observable<DataQueryResponse>((subscriber) => {
    let closed = false;
    let stop: (() => void) | undefined;
    const fail = (entry: (typeof entries)[number], message: string) =>
      subscriber.next({ key: entry.responseKey, data: entry.rings, state: LoadingState.Error, errors: [{ refId: entry.target.refId, message }] });
    api
      .query({
        queries: entries.map((e) => ({ refId: e.key, sourceId: e.sourceId, query: e.target.query, ...(e.target.params && Object.keys(e.target.params).length > 0 ? { params: e.target.params } : {}) })),
        range: live.range,
        intervalMs: live.intervalMs,
        maxDataPoints: live.maxDataPoints,
      })
      .then((results) => {
        if (closed) return;
        const following = [];
        for (const entry of entries) {
          const result = results[entry.key];
          if (result?.error) {
            // the proxy's per-query error already starts with the source id (as frames.ts shows it)
            fail(entry, result.error.startsWith(`${entry.sourceId}:`) ? result.error : `${entry.sourceId} ${entry.target.query}: ${result.error}`);
            continue;
          }
          entry.rings = (result?.frames ?? []).map((json) => ringFrom(shapeFrame(json, entry.target, entry.sourceId), capacity));
          subscriber.next({ key: entry.responseKey, data: entry.rings, state: LoadingState.Streaming });
          following.push(entry);
        }
        stop = api.live.follow(
          following.map((e) => ({ key: e.key, sourceId: e.sourceId, query: e.target.query, params: e.target.params })),
          {
            onFrame: (key, json) => {
              const entry = entries.find((e) => e.key === key);
              if (!entry) return;
              const shaped = shapeFrame(json, entry.target, entry.sourceId);
              const ring = ringFor(entry.rings, json);
              if (ring) appendFrame(ring, shaped);
              else entry.rings.push(ringFrom(shaped, capacity));
              subscriber.next({ key: entry.responseKey, data: entry.rings, state: LoadingState.Streaming });
            },
            onError: (key, message) => {
              const entry = entries.find((e) => e.key === key);
              if (entry) fail(entry, message);
            },
          }
        );
      })
      .catch((error: unknown) => {
        if (closed) return;
        for (const entry of entries) fail(entry, `${entry.sourceId} ${entry.target.query}: ${errorMessage(error)}`);
      });
    return () => {
      closed = true;
      stop?.();
    };
  });
}
