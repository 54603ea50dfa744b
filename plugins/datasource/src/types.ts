// The datasource's saved shapes. Query names come from the shared catalog (@nodescope/shared),
// the same arrays the proxy validates with, so a saved query reads the same everywhere.
import type { DataQuery, DataSourceJsonData } from '@grafana/schema';
import type { SourceKind } from '@nodescope/shared';

/** Bumped whenever a saved query's shape changes; migrations.ts lifts older ones. */
export const QUERY_SCHEMA_VERSION = 1;

export type ParamValue = string | number | boolean | string[];

/** `queryType` of a query: a data query, or an annotation query run through query(). */
export const QUERY_TYPES = ['query', 'annotations'] as const;
export type QueryType = (typeof QUERY_TYPES)[number];

export interface NodescopeQuery extends DataQuery {
  schemaVersion: number;
  queryType?: QueryType;
  /** a source id from /api/sources, or a template variable such as `$node` */
  sourceId: string;
  /** a query name of the source's kind (QUERIES_BY_KIND) */
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

/** Variable names served by /api/variables (`sources` needs no source). */
export const VARIABLE_NAMES = ['sources', 'miners', 'pools', 'peers', 'bots', 'pairs'] as const;
export type VariableName = (typeof VARIABLE_NAMES)[number];

export interface NodescopeVariableQuery {
  refId: string;
  schemaVersion: number;
  name: VariableName | string;
  sourceId?: string;
  kind?: SourceKind;
  network?: string;
  /** narrows e.g. `pools` to one miner, `pairs` to one bot */
  miner?: string;
  bot?: string;
}

/** One entry of GET /api/sources. */
export interface SourceInfo {
  id: string;
  kind: SourceKind;
  name: string;
  network: string | null;
  queries?: string[];
  variables?: string[];
  annotations?: string[];
  streams?: string[];
}

export type SourceStatus = 'ok' | 'degraded' | 'down';

/** GET /api/health */
export interface HealthResponse {
  status: SourceStatus;
  sources: Array<{ id: string; kind: SourceKind; name?: string; status: SourceStatus; message: string; lastSuccess: number | null }>;
}

export interface AnnotationJSON {
  time: number;
  timeEnd?: number;
  title: string;
  text: string;
  tags: string[];
}
