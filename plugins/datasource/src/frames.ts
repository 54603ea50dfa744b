// Response shaping: proxy results -> Grafana's DataQueryResponse. Pure, no I/O.
import {
  type DataFrame,
  type DataQueryError,
  dataFrameFromJSON,
  type DataFrameJSON as GrafanaFrameJSON,
  FieldType,
} from '@grafana/data';
import type { DataFrameJSON } from '@nodescope/shared';
import { renderAlias } from './interpolate';
import type { AnnotationJSON, NodescopeQuery } from './types';

/** One entry of `results` in the POST /api/query response. */
export interface ProxyQueryResult {
  frames?: DataFrameJSON[];
  error?: string;
}

/** A query as sent to the proxy, remembering the panel target it came from. */
export interface SentQuery {
  refId: string;
  target: NodescopeQuery;
  sourceId: string;
}

export interface ShapedResponse {
  data: DataFrame[];
  errors: DataQueryError[];
}

export function shapeFrame(json: DataFrameJSON, target: NodescopeQuery, sourceId: string): DataFrame {
  const frame = dataFrameFromJSON(json as GrafanaFrameJSON);
  frame.refId = target.refId;
  if (target.alias) {
    for (const field of frame.fields) {
      if (field.type !== FieldType.number) continue;
      const values = { field: field.name, source: sourceId, query: target.query, ...(field.labels ?? {}) };
      field.config = { ...field.config, displayNameFromDS: renderAlias(target.alias, values) };
    }
  }
  return frame;
}

/** Frames in target order; one failing query becomes one error with its refId, the rest still show. */
export function shapeQueryResults(results: Record<string, ProxyQueryResult | undefined>, sent: SentQuery[]): ShapedResponse {
  const data: DataFrame[] = [];
  const errors: DataQueryError[] = [];
  for (const { refId, target, sourceId } of sent) {
    const result = results[refId];
    if (!result) {
      errors.push({ refId: target.refId, message: `${sourceId} ${target.query}: the proxy returned no result` });
      continue;
    }
    if (result.error) {
      // the proxy already names the source ("btc-main: …"); older or other errors get the context here
      const message = result.error.startsWith(`${sourceId}:`) ? result.error : `${sourceId} ${target.query}: ${result.error}`;
      errors.push({ refId: target.refId, message });
    }
    for (const json of result.frames ?? []) data.push(shapeFrame(json, target, sourceId));
  }
  return { data, errors };
}

/** Annotations as the frame Grafana's standard annotation support reads (time, timeEnd, title, text, tags). */
export function annotationsToFrame(annotations: AnnotationJSON[], refId: string): DataFrame {
  const json: GrafanaFrameJSON = {
    schema: {
      refId,
      meta: { dataTopic: 'annotations' as never },
      fields: [
        { name: 'time', type: FieldType.time },
        { name: 'timeEnd', type: FieldType.time },
        { name: 'title', type: FieldType.string },
        { name: 'text', type: FieldType.string },
        { name: 'tags', type: FieldType.other },
      ],
    },
    data: {
      values: [
        annotations.map((a) => a.time),
        annotations.map((a) => a.timeEnd ?? a.time),
        annotations.map((a) => a.title),
        annotations.map((a) => a.text),
        annotations.map((a) => a.tags),
      ],
    },
  };
  const frame = dataFrameFromJSON(json);
  frame.refId = refId;
  return frame;
}

/** Turns a fetch failure into the message the panel shows (the proxy's own `error` text first). */
export function errorMessage(error: unknown): string {
  if (error && typeof error === 'object') {
    const e = error as { data?: string | { error?: unknown; message?: unknown }; status?: number; statusText?: string; message?: unknown };
    // a plain-text body (Grafana's own data proxy errors) is the message itself
    const fromBody = typeof e.data === 'string' ? e.data.trim() : (e.data?.error ?? e.data?.message);
    if (typeof fromBody === 'string' && fromBody) return e.status ? `${fromBody} (HTTP ${e.status})` : fromBody;
    if (e.status) return `HTTP ${e.status}${e.statusText ? ` ${e.statusText}` : ''}`;
    if (typeof e.message === 'string') return e.message;
  }
  return String(error);
}
