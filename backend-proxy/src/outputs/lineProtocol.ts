// InfluxDB line protocol, pure: `measurement,tag=v field=1 1700000000000` (one point per line).
// Escaping follows the line protocol reference (InfluxDB 1.x and 2.x agree):
// - measurement: comma and space are escaped with a backslash
// - tag keys, tag values, field keys: comma, equals sign and space are escaped
// - string field values: double quote and backslash are escaped, the value is double-quoted
// Other backslashes are written as they are: InfluxDB treats any special character preceded by a
// backslash as escaped and unescapes only `\,` `\=` `\ ` (checked against influxd 1.6), so
// `a\,b` round-trips. A backslash at the END of a name or tag would escape the separator after it
// and break the line; it cannot be expressed, so trailing backslashes are dropped.
// Newlines cannot be escaped anywhere except inside a string field, so they are replaced by a
// space in names and tags. Empty tag values are not allowed by the protocol: such tags are left out.
// Floats cannot be NaN or ±Infinity: such fields are left out, and a point without fields is
// skipped (formatPoint returns null).
import type { MetricObjectWithValues, MetricValue, Registry } from 'prom-client';

export type FieldValue = number | bigint | boolean | string | { int: number | bigint };

export interface Point {
  measurement: string;
  tags?: Record<string, string | undefined>;
  fields: Record<string, FieldValue>;
  /** ms since epoch (the writer always asks for precision=ms) */
  timestamp?: number;
}

const NEWLINES = /[\r\n]/g;
const TRAILING_BACKSLASHES = /\\+$/;

export function escapeMeasurement(name: string): string {
  return name.replace(NEWLINES, ' ').replace(TRAILING_BACKSLASHES, '').replace(/[, ]/g, (c) => `\\${c}`);
}

/** Tag keys, tag values and field keys. */
export function escapeKey(text: string): string {
  return text.replace(NEWLINES, ' ').replace(TRAILING_BACKSLASHES, '').replace(/[,= ]/g, (c) => `\\${c}`);
}

export function escapeStringField(text: string): string {
  return `"${text.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

function formatField(value: FieldValue): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? formatFloat(value) : null;
  if (typeof value === 'bigint') return `${value}i`;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return escapeStringField(value);
  const int = value.int;
  if (typeof int === 'bigint') return `${int}i`;
  return Number.isSafeInteger(int) ? `${int}i` : null;
}

/** Plain decimal or exponent form; both parse as floats in line protocol (no trailing `i`). */
function formatFloat(value: number): string {
  return Object.is(value, -0) ? '0' : String(value);
}

export function formatPoint(point: Point): string | null {
  if (!point.measurement) return null;
  const fields: string[] = [];
  for (const key of Object.keys(point.fields).sort()) {
    const formatted = formatField(point.fields[key]!);
    const fieldKey = escapeKey(key);
    if (formatted !== null && fieldKey !== '') fields.push(`${fieldKey}=${formatted}`);
  }
  if (fields.length === 0) return null;
  let line = escapeMeasurement(point.measurement);
  if (line === '') return null;
  // sorted tag keys: the order InfluxDB stores them in, so it does less work per point
  for (const key of Object.keys(point.tags ?? {}).sort()) {
    const value = point.tags![key];
    if (value === undefined) continue;
    const tagKey = escapeKey(key);
    const tagValue = escapeKey(value);
    if (tagKey !== '' && tagValue !== '') line += `,${tagKey}=${tagValue}`;
  }
  line += ` ${fields.join(',')}`;
  if (point.timestamp !== undefined) line += ` ${Math.round(point.timestamp)}`;
  return line;
}

/**
 * One point per series of a prom-client registry snapshot: measurement = the series name (a
 * histogram gives `<name>_bucket` with an `le` tag, `<name>_sum` and `<name>_count`; a summary
 * gives `<name>` with a `quantile` tag, `<name>_sum` and `<name>_count` — the same series a
 * Prometheus scrape gives, so queries read alike on both paths), tags = labels (incl. `source`
 * and a default `site`), one float field `value`, all at `timestamp`.
 */
export function metricsToLines(metrics: MetricObjectWithValues<MetricValue<string>>[], timestamp: number): string[] {
  const lines: string[] = [];
  for (const metric of metrics) {
    for (const sample of metric.values as Array<MetricValue<string> & { metricName?: string }>) {
      const line = formatPoint({
        measurement: sample.metricName ?? metric.name,
        tags: stringTags(sample.labels),
        fields: { value: sample.value },
        timestamp,
      });
      if (line !== null) lines.push(line);
    }
  }
  return lines;
}

function stringTags(labels: Partial<Record<string, string | number>>): Record<string, string | undefined> {
  const tags: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(labels)) tags[key] = value === undefined ? undefined : String(value);
  return tags;
}

/** Snapshot of a whole registry as lines. */
export async function registryToLines(registry: Registry, timestamp: number): Promise<string[]> {
  return metricsToLines(await registry.getMetricsAsJSON(), timestamp);
}
