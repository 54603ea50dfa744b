// Lifts saved queries to QUERY_SCHEMA_VERSION. Queries carry `schemaVersion` from day one
// (zabbix's DS_QUERY_SCHEMA lesson), so later shape changes get a step here, not guesswork.
import type { NodescopeQuery, NodescopeVariableQuery, ParamValue } from './types';
import { QUERY_SCHEMA_VERSION } from './types';

/** A query as stored in a dashboard: any shape this or an older plugin version wrote. */
export type SavedQuery = Omit<Partial<NodescopeQuery>, 'params'> & { params?: unknown; legendFormat?: unknown };

function cleanParams(params: unknown): Record<string, ParamValue> | undefined {
  if (!params || typeof params !== 'object' || Array.isArray(params)) return undefined;
  const out: Record<string, ParamValue> = {};
  for (const [key, value] of Object.entries(params as Record<string, unknown>)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[key] = value;
    else if (Array.isArray(value)) out[key] = value.map(String);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * Unversioned queries (schemaVersion 0) come from hand-written provisioning JSON and from
 * Grafana's empty `{refId}` query: fill the defaults, and take `legendFormat` as the alias
 * because users copy targets from Prometheus panels.
 */
function fromUnversioned(saved: SavedQuery): NodescopeQuery {
  const { legendFormat, ...rest } = saved;
  const alias = typeof rest.alias === 'string' ? rest.alias : typeof legendFormat === 'string' ? legendFormat : undefined;
  const params = cleanParams(rest.params);
  const query: NodescopeQuery = {
    ...(rest as Partial<NodescopeQuery>),
    refId: rest.refId ?? 'A',
    schemaVersion: 1,
    sourceId: typeof rest.sourceId === 'string' ? rest.sourceId : '',
    query: typeof rest.query === 'string' ? rest.query : '',
  };
  if (params) query.params = params;
  else delete query.params;
  if (alias) query.alias = alias;
  return query;
}

export function migrateQuery(saved: SavedQuery): NodescopeQuery {
  const version = typeof saved.schemaVersion === 'number' ? saved.schemaVersion : 0;
  if (version > QUERY_SCHEMA_VERSION) {
    // saved by a newer plugin: keep it as is rather than lose fields we do not know
    return saved as unknown as NodescopeQuery;
  }
  let query = version < 1 ? fromUnversioned(saved) : (saved as unknown as NodescopeQuery);
  // next shape change: `if (query.schemaVersion < 2) query = toV2(query);`
  query = { ...query, schemaVersion: QUERY_SCHEMA_VERSION };
  return query;
}

export function migrateVariableQuery(saved: Partial<NodescopeVariableQuery> | string | undefined): NodescopeVariableQuery {
  // Grafana stores a plain string for variables created before a custom editor existed
  if (typeof saved === 'string' || saved === undefined) {
    return { refId: 'variable', schemaVersion: QUERY_SCHEMA_VERSION, name: saved?.trim() || 'sources' };
  }
  return { ...saved, refId: saved.refId ?? 'variable', schemaVersion: QUERY_SCHEMA_VERSION, name: saved.name ?? 'sources' };
}
