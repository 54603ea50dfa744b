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

export interface LiveQuery {
  target: NodescopeQuery;
  sourceId: string;
  range: { from: number; to: number };
  intervalMs: number;
  maxDataPoints: number;
}

export function streamQuery(api: ProxyClient, live: LiveQuery): Observable<DataQueryResponse> {
  const { target, sourceId } = live;
  const key = `nodescope-live-${target.refId}-${sourceId}`;
  const capacity = Math.max(live.maxDataPoints || DEFAULT_STREAM_CAPACITY, 10);
  return new Observable<DataQueryResponse>((subscriber) => {
    let closed = false;
    let stop: (() => void) | undefined;
    const refId = `${target.refId}`;
    api
      .query({ queries: [{ refId, sourceId, query: target.query, params: target.params }], range: live.range, intervalMs: live.intervalMs, maxDataPoints: live.maxDataPoints })
      .then((results) => {
        if (closed) return;
        const result = results[refId];
        if (result?.error) {
          subscriber.next({ key, data: [], state: LoadingState.Error, errors: [{ refId: target.refId, message: `${sourceId} ${target.query}: ${result.error}` }] });
          return;
        }
        const rings = (result?.frames ?? []).map((json) => ringFrom(shapeFrame(json, target, sourceId), capacity));
        subscriber.next({ key, data: rings, state: LoadingState.Streaming });
        stop = api.stream(
          sourceId,
          target.query,
          target.params,
          (json) => {
            const shaped = shapeFrame(json, target, sourceId);
            const ring = ringFor(rings, json);
            if (ring) appendFrame(ring, shaped);
            else rings.push(ringFrom(shaped, capacity));
            subscriber.next({ key, data: rings, state: LoadingState.Streaming });
          },
          (message) => subscriber.next({ key, data: rings, state: LoadingState.Error, errors: [{ refId: target.refId, message }] })
        );
      })
      .catch((error: unknown) => {
        if (!closed) subscriber.next({ key, data: [], state: LoadingState.Error, errors: [{ refId: target.refId, message: `${sourceId} ${target.query}: ${errorMessage(error)}` }] });
      });
    return () => {
      closed = true;
      stop?.();
    };
  });
}
