// Template variables and annotation queries, one builder per datasource flavour.
import { DS, QUERY_SCHEMA_VERSION, type Json } from './grafana.ts';

/** The fields every query variable shares; `multi` also offers "All". */
function queryVariable(
  name: string,
  label: string,
  datasource: Json,
  query: unknown,
  definition: string,
  options: { refresh: 1 | 2; multi: boolean; regex?: string; allValue?: string }
): Json {
  return {
    type: 'query',
    name,
    label,
    datasource,
    query,
    definition,
    // 1 = on dashboard load, 2 = on time range change
    refresh: options.refresh,
    sort: 1,
    ...(options.regex !== undefined ? { regex: options.regex } : {}),
    multi: options.multi,
    includeAll: options.multi,
    ...(options.allValue !== undefined ? { allValue: options.allValue } : {}),
    current: {},
    options: [],
    hide: 0,
  };
}

/** The configured sources of one kind (the datasource's `sources` variable query). */
export function sourcesVariable(name: string, label: string, kind: string, opts: { multi?: boolean; network?: string } = {}): Json {
  const query: Json = { refId: `var-${name}`, schemaVersion: QUERY_SCHEMA_VERSION, name: 'sources', kind };
  if (opts.network) query.network = opts.network;
  const definition = `sources of kind ${kind}${opts.network ? ` on ${opts.network}` : ''}`;
  return queryVariable(name, label, DS.nodescope, query, definition, { refresh: 1, multi: opts.multi ?? false });
}

/** A source's own variable query (miners of a fleet, …). */
export function nodescopeVariable(name: string, label: string, variable: string, sourceId: string, extra: Json = {}): Json {
  const query = { refId: `var-${name}`, schemaVersion: QUERY_SCHEMA_VERSION, name: variable, sourceId, ...extra };
  return queryVariable(name, label, DS.nodescope, query, `${variable} of ${sourceId}`, { refresh: 1, multi: false });
}

export function promLabelVariable(name: string, label: string, metric: string, labelName: string, opts: { multi?: boolean } = {}): Json {
  const expr = `label_values(${metric}, ${labelName})`;
  const query = { qryType: 1, query: expr, refId: 'PrometheusVariableQueryEditor-VariableQuery' };
  return queryVariable(name, label, DS.prometheus, query, expr, { refresh: 2, regex: '', multi: opts.multi ?? true, allValue: '.*' });
}

export function influxTagVariable(name: string, label: string, measurement: string, tag: string): Json {
  const query = `SHOW TAG VALUES FROM "${measurement}" WITH KEY = "${tag}"`;
  return queryVariable(name, label, DS.influxdb, query, query, { refresh: 2, multi: true, allValue: '.*' });
}

export function networkVariable(): Json {
  const values = ['mainnet', 'testnet', 'testnet4', 'signet', 'regtest'];
  return {
    type: 'custom',
    name: 'network',
    label: 'Network',
    query: values.join(','),
    includeAll: true,
    // "All" sends no network filter to /api/variables
    allValue: '',
    multi: false,
    current: { text: 'All', value: '$__all' },
    options: [],
    hide: 0,
  };
}

/** A free-text variable with a default value. */
export function textboxVariable(name: string, label: string, value: string): Json {
  return { type: 'textbox', name, label, query: value, current: { text: value, value }, options: [], hide: 0 };
}

/** A nodescope annotation query (blocks, reorgs, miner status, trades ...). */
export function nodescopeAnnotation(name: string, sourceId: string, annotationType: string, color: string): Json {
  return {
    name,
    datasource: DS.nodescope,
    enable: true,
    hide: false,
    iconColor: color,
    target: {
      refId: `anno-${annotationType}`,
      schemaVersion: QUERY_SCHEMA_VERSION,
      queryType: 'annotations',
      sourceId,
      query: '',
      annotationType,
    },
  };
}
