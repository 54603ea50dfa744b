// Template variables in every string a query carries: source id, query name, params, alias.
// Pure: takes Grafana's replace function, so tests pass a fake one.
import type { ScopedVars } from '@grafana/data';
import type { NodescopeQuery, ParamValue } from './types';

export type Replace = (target?: string, scopedVars?: ScopedVars, format?: string | ((value: unknown) => string)) => string;

function interpolateParam(value: ParamValue, replace: Replace, scopedVars: ScopedVars): ParamValue {
  if (typeof value === 'string') return replace(value, scopedVars);
  if (Array.isArray(value)) {
    // a multi-value variable inside a list expands to several items
    return value.flatMap((item) => replace(item, scopedVars, 'csv').split(',')).map((item) => item.trim()).filter(Boolean);
  }
  return value;
}

export function interpolateQuery(query: NodescopeQuery, scopedVars: ScopedVars, replace: Replace): NodescopeQuery {
  const result: NodescopeQuery = {
    ...query,
    sourceId: replace(query.sourceId, scopedVars),
    query: replace(query.query, scopedVars),
  };
  if (query.params) {
    result.params = Object.fromEntries(
      Object.entries(query.params).map(([key, value]) => [key, interpolateParam(value, replace, scopedVars)])
    );
  }
  if (query.annotationType) result.annotationType = replace(query.annotationType, scopedVars);
  return result;
}

/**
 * Source ids a query runs against: a multi-value source variable (`$node` = btc-a,btc-b)
 * runs the query once per source.
 */
export function expandSourceIds(sourceId: string, scopedVars: ScopedVars, replace: Replace): string[] {
  const expanded = replace(sourceId, scopedVars, 'csv');
  return [...new Set(expanded.split(',').map((id) => id.trim()).filter(Boolean))];
}

/** `{{field}}`, `{{source}}`, `{{query}}` and the field's labels in an alias. */
export function renderAlias(alias: string, values: Record<string, string>): string {
  return alias.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (whole, key: string) => values[key] ?? whole);
}
