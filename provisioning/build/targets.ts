// Panel queries, one builder per datasource flavour. A builder returns the query without its
// refId: the panel builders (panels.ts) number a panel's queries A, B, C… in the order given.
import { DS, QUERY_SCHEMA_VERSION, type Json } from './grafana.ts';

/** A panel query before the panel gives it a refId. */
export type Query = Json;

/** A nodescope datasource query (shared catalog name, against the source in `sourceId`). */
export function nodescope(sourceId: string, query: string, params?: Json, options: { live?: boolean } = {}): Query {
  return {
    datasource: DS.nodescope,
    queryType: 'query',
    schemaVersion: QUERY_SCHEMA_VERSION,
    sourceId,
    query,
    ...(params ? { params } : {}),
    ...(options.live ? { live: true } : {}),
  };
}

/** nodescope queries of one source variable, e.g. `const node = nodescopeOf('$node')`. */
export function nodescopeOf(sourceId: string): (query: string, params?: Json) => Query {
  return (query, params) => nodescope(sourceId, query, params);
}

/** Prometheus (or VictoriaMetrics) range query, for graphs. */
export function prometheus(expr: string, legendFormat = '{{source}}'): Query {
  return { datasource: DS.prometheus, editorMode: 'code', expr, legendFormat, range: true, instant: false };
}

/** Instant Prometheus query as a table (tables, bars of the current value). */
export function prometheusInstant(expr: string, legendFormat = '{{source}}'): Query {
  return { datasource: DS.prometheus, editorMode: 'code', expr, legendFormat, range: false, instant: true, format: 'table' };
}

/** Raw InfluxQL against the writer's layout: measurement = metric name, tags = labels, field `value`. */
export function influx(query: string, alias = '$tag_source'): Query {
  return { datasource: DS.influxdb, rawQuery: true, resultFormat: 'time_series', query, alias };
}

/** InfluxQL selecting one metric per source on the dashboard's time range (default: its last value per interval). */
export function influxSelect(measurement: string, select = 'last("value")'): string {
  return `SELECT ${select} FROM "${measurement}" WHERE "source" =~ /^$source$/ AND $timeFilter GROUP BY time($__interval), "source" fill(none)`;
}

/** One metric as the writer stores it, per source. */
export function influxMetric(measurement: string): Query {
  return influx(influxSelect(measurement));
}
