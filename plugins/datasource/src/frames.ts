// Response shaping for what the browser still gets from the proxy itself (live frames,
// annotations from the backend's resource) and error texts. Pure, no I/O.
import {
  type DataFrame,
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
