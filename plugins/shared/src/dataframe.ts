// DataFrameJSON as produced by `dataFrameToJSON` in @grafana/data (see
// shared/grafana-reference/dataframe-json.md): a schema plus columnar values. Kept here so the
// proxy can produce frames without depending on @grafana/data.

export type FieldType = 'time' | 'number' | 'string' | 'boolean' | 'other' | 'enum';

export interface FieldConfigJSON {
  unit?: string;
  displayName?: string;
  displayNameFromDS?: string;
  decimals?: number;
  min?: number;
  max?: number;
  description?: string;
  custom?: Record<string, unknown>;
  links?: Array<{ title: string; url: string }>;
}

export interface FieldSchema {
  name: string;
  type: FieldType;
  config?: FieldConfigJSON;
  labels?: Record<string, string>;
}

export interface FrameMeta {
  type?: string;
  typeVersion?: [number, number];
  preferredVisualisationType?: 'graph' | 'table' | 'logs' | 'trace' | 'nodeGraph' | 'flamegraph' | 'rawPrometheus';
  executedQueryString?: string;
  notices?: Array<{ severity: 'info' | 'warning' | 'error'; text: string }>;
  custom?: Record<string, unknown>;
}

export interface DataFrameJSON {
  schema: { name?: string; refId?: string; meta?: FrameMeta; fields: FieldSchema[] };
  data: { values: unknown[][] };
}

export interface FieldInput {
  name: string;
  type: FieldType;
  values: unknown[];
  unit?: string;
  config?: FieldConfigJSON;
  labels?: Record<string, string>;
}

/** Builds a DataFrameJSON from named columns; all columns must have the same length. */
export function toFrame(name: string, fields: FieldInput[], meta?: FrameMeta): DataFrameJSON {
  const length = fields[0]?.values.length ?? 0;
  for (const field of fields) {
    if (field.values.length !== length) {
      throw new Error(`frame ${name}: field ${field.name} has ${field.values.length} values, expected ${length}`);
    }
  }
  return {
    schema: {
      name,
      ...(meta ? { meta } : {}),
      fields: fields.map((f) => {
        const config = { ...(f.config ?? {}), ...(f.unit ? { unit: f.unit } : {}) };
        return {
          name: f.name,
          type: f.type,
          ...(Object.keys(config).length > 0 ? { config } : {}),
          ...(f.labels ? { labels: f.labels } : {}),
        };
      }),
    },
    data: { values: fields.map((f) => f.values) },
  };
}

/** Builds a one-row frame from a record; numbers, strings and booleans are typed by value. */
export function recordFrame(
  name: string,
  record: Record<string, string | number | boolean | null>,
  units: Record<string, string> = {}
): DataFrameJSON {
  return toFrame(
    name,
    Object.entries(record).map(([key, value]) => ({
      name: key,
      type: typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : 'string',
      values: [value],
      ...(units[key] ? { unit: units[key] } : {}),
    }))
  );
}

/** Number of rows of a frame. */
export function frameLength(frame: DataFrameJSON): number {
  return frame.data.values[0]?.length ?? 0;
}

/** Reads a column by field name, or undefined when the frame has no such field. */
export function frameColumn<T = unknown>(frame: DataFrameJSON, name: string): T[] | undefined {
  const index = frame.schema.fields.findIndex((f) => f.name === name);
  return index < 0 ? undefined : (frame.data.values[index] as T[]);
}
