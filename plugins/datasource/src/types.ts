// The datasource's saved shapes. Query names and params come from the shared catalog
// (@nodescope/shared), the one the proxy's sources are keyed by and checks params with; the
// proxy's answers (sources, health, annotations) are the shared wire types.
import type { DataQuery, DataSourceJsonData } from '@grafana/schema';
import type { ParamValue, VariableRequest } from '@nodescope/shared';

export type { Annotation as AnnotationJSON, HealthResponse, ParamValue, SourceInfo, SourceStatus, VariableName } from '@nodescope/shared';
export { VARIABLE_NAMES } from '@nodescope/shared';

/** Bumped whenever a saved query's shape changes; migrations.ts lifts older ones. */
export const QUERY_SCHEMA_VERSION = 1;

/** `queryType` of a query: a data query, or an annotation query run through query(). */
export const QUERY_TYPES = ['query', 'annotations'] as const;
export type QueryType = (typeof QUERY_TYPES)[number];

export interface NodescopeQuery extends DataQuery {
  schemaVersion: number;
  queryType?: QueryType;
  /** a source id from /api/sources, or a template variable such as `$node` */
  sourceId: string;
  /** a query name of the source's kind (the shared CATALOG) */
  query: string;
  params?: Record<string, ParamValue>;
  /** display name of the returned number fields; `{{field}}` and `{{source}}` are replaced */
  alias?: string;
  /** follow the query live over /api/stream after the first result */
  live?: boolean;
  /** annotation queries: one of ANNOTATION_TYPES of the source's kind */
  annotationType?: string;
}

export interface NodescopeOptions extends DataSourceJsonData {
  /** where Grafana's server reaches the nodescope proxy, e.g. http://127.0.0.1:8787 */
  proxyUrl?: string;
}

/** Kept encrypted by Grafana; the route in plugin.json injects it as `Authorization: Bearer`. */
export interface NodescopeSecureOptions {
  apiKey?: string;
}

/** A saved variable query: what `/api/variables` is asked, plus the saved shape's fields. */
export interface NodescopeVariableQuery extends VariableRequest {
  refId: string;
  schemaVersion: number;
}
