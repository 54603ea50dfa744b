// Small builders for Grafana dashboard JSON (schemaVersion 41): panels laid out on the 24-column
// grid, template variables, and targets for the three datasources we provision. Pure data.

export const SCHEMA_VERSION = 41;

export const DS = {
  nodescope: { type: 'nodescope-crypto-datasource', uid: 'nodescope' },
  prometheus: { type: 'prometheus', uid: 'nodescope-prometheus' },
  influxdb: { type: 'influxdb', uid: 'nodescope-influxdb' },
} as const;

/** The datasource query model (plugins/datasource/src/types.ts QUERY_SCHEMA_VERSION = 1). */
export const QUERY_SCHEMA_VERSION = 1;

export type Json = Record<string, unknown>;
export type Target = Json & { refId: string };

export interface PanelSpec {
  type: string;
  title: string;
  /** width in grid columns (24 = full row) and height in grid rows */
  w: number;
  h: number;
  targets?: Target[];
  datasource?: { type: string; uid: string };
  unit?: string;
  decimals?: number;
  min?: number;
  max?: number;
  thresholds?: Array<[number | null, string]>;
  options?: Json;
  custom?: Json;
  overrides?: Json[];
  transformations?: Json[];
  description?: string;
  /** collapsed row holding the panels after it (type row only) */
  collapsed?: boolean;
}

// --- targets -----------------------------------------------------------------------------------

export function nq(refId: string, sourceId: string, query: string, params?: Json, extra: Json = {}): Target {
  return {
    refId,
    datasource: DS.nodescope,
    queryType: 'query',
    schemaVersion: QUERY_SCHEMA_VERSION,
    sourceId,
    query,
    ...(params ? { params } : {}),
    ...extra,
  };
}

export function pq(refId: string, expr: string, legendFormat = '{{source}}', extra: Json = {}): Target {
  return { refId, datasource: DS.prometheus, editorMode: 'code', expr, legendFormat, range: true, instant: false, ...extra };
}

/** Instant Prometheus query (tables, stats of the current value). */
export function pqi(refId: string, expr: string, legendFormat = '{{source}}'): Target {
  return { refId, datasource: DS.prometheus, editorMode: 'code', expr, legendFormat, range: false, instant: true, format: 'table' };
}

/** Raw InfluxQL against the writer's layout: measurement = metric name, tags = labels, field `value`. */
export function iq(refId: string, query: string, alias = '$tag_source'): Target {
  return { refId, datasource: DS.influxdb, rawQuery: true, resultFormat: 'time_series', query, alias };
}

/** InfluxQL for one metric, per source, on the dashboard's time range. */
export function influxSeries(measurement: string, fn = 'last', where = `"source" =~ /^$source$/`): string {
  return `SELECT ${fn}("value") FROM "${measurement}" WHERE ${where} AND $timeFilter GROUP BY time($__interval), "source" fill(none)`;
}

// --- template variables ------------------------------------------------------------------------

export function sourcesVariable(name: string, label: string, kind: string, opts: { multi?: boolean; network?: string } = {}): Json {
  const query: Json = { refId: `var-${name}`, schemaVersion: QUERY_SCHEMA_VERSION, name: 'sources', kind };
  if (opts.network) query.network = opts.network;
  return {
    type: 'query',
    name,
    label,
    datasource: DS.nodescope,
    query,
    definition: `sources of kind ${kind}${opts.network ? ` on ${opts.network}` : ''}`,
    refresh: 1,
    sort: 1,
    multi: opts.multi ?? false,
    includeAll: opts.multi ?? false,
    current: {},
    options: [],
    hide: 0,
  };
}

export function nodescopeVariable(name: string, label: string, variable: string, sourceId: string, extra: Json = {}): Json {
  return {
    type: 'query',
    name,
    label,
    datasource: DS.nodescope,
    query: { refId: `var-${name}`, schemaVersion: QUERY_SCHEMA_VERSION, name: variable, sourceId, ...extra },
    definition: `${variable} of ${sourceId}`,
    refresh: 1,
    sort: 1,
    multi: false,
    includeAll: false,
    current: {},
    options: [],
    hide: 0,
  };
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

export function promLabelVariable(name: string, label: string, metric: string, labelName: string, opts: { multi?: boolean } = {}): Json {
  const expr = `label_values(${metric}, ${labelName})`;
  return {
    type: 'query',
    name,
    label,
    datasource: DS.prometheus,
    query: { qryType: 1, query: expr, refId: 'PrometheusVariableQueryEditor-VariableQuery' },
    definition: expr,
    refresh: 2,
    sort: 1,
    regex: '',
    multi: opts.multi ?? true,
    includeAll: opts.multi ?? true,
    allValue: '.*',
    current: {},
    options: [],
    hide: 0,
  };
}

export function influxTagVariable(name: string, label: string, measurement: string, tag: string): Json {
  const query = `SHOW TAG VALUES FROM "${measurement}" WITH KEY = "${tag}"`;
  return {
    type: 'query',
    name,
    label,
    datasource: DS.influxdb,
    query,
    definition: query,
    refresh: 2,
    sort: 1,
    multi: true,
    includeAll: true,
    allValue: '.*',
    current: {},
    options: [],
    hide: 0,
  };
}

// --- panels and layout -------------------------------------------------------------------------

function panelJson(spec: PanelSpec, id: number, x: number, y: number): Json {
  if (spec.type === 'row') {
    return { type: 'row', id, title: spec.title, collapsed: spec.collapsed ?? false, gridPos: { h: 1, w: 24, x: 0, y }, panels: [] };
  }
  const steps = (spec.thresholds ?? [[null, 'green']]).map(([value, color]) => ({ value, color }));
  const defaults: Json = {
    unit: spec.unit ?? 'short',
    thresholds: { mode: 'absolute', steps },
    color: { mode: spec.thresholds ? 'thresholds' : spec.type === 'timeseries' || spec.type === 'barchart' ? 'palette-classic' : 'thresholds' },
    ...(spec.decimals !== undefined ? { decimals: spec.decimals } : {}),
    ...(spec.min !== undefined ? { min: spec.min } : {}),
    ...(spec.max !== undefined ? { max: spec.max } : {}),
    ...(spec.custom ? { custom: spec.custom } : {}),
  };
  const datasource = spec.datasource ?? (spec.targets?.[0]?.datasource as Json | undefined);
  return {
    type: spec.type,
    id,
    title: spec.title,
    ...(spec.description ? { description: spec.description } : {}),
    gridPos: { h: spec.h, w: spec.w, x, y },
    ...(datasource ? { datasource } : {}),
    targets: spec.targets ?? [],
    fieldConfig: { defaults, overrides: spec.overrides ?? [] },
    options: spec.options ?? defaultOptions(spec.type),
    ...(spec.transformations ? { transformations: spec.transformations } : {}),
  };
}

function defaultOptions(type: string): Json {
  switch (type) {
    case 'stat':
      return {
        reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
        colorMode: 'value',
        graphMode: 'area',
        justifyMode: 'auto',
        textMode: 'auto',
        orientation: 'auto',
      };
    case 'gauge':
    case 'bargauge':
      return { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, showThresholdLabels: false, showThresholdMarkers: true };
    case 'timeseries':
      return { legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'desc' } };
    case 'table':
      return { showHeader: true, cellHeight: 'sm', footer: { show: false, reducer: ['sum'], countRows: false } };
    case 'logs':
      return { showTime: true, wrapLogMessage: true, sortOrder: 'Descending', enableLogDetails: true, dedupStrategy: 'none' };
    case 'state-timeline':
      return { mergeValues: true, showValue: 'auto', alignValue: 'left', rowHeight: 0.9, legend: { displayMode: 'list', placement: 'bottom', showLegend: true } };
    case 'barchart':
      return { orientation: 'auto', showValue: 'auto', stacking: 'none', legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, xTickLabelSpacing: 0 };
    case 'piechart':
      return { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: true }, pieType: 'donut', legend: { displayMode: 'table', placement: 'right', showLegend: true, values: ['value'] } };
    default:
      return {};
  }
}

/** Stat options showing only the fields whose names match. */
export function statFields(fieldRegex: string, extra: Json = {}): Json {
  return { ...defaultOptions('stat'), reduceOptions: { calcs: ['lastNotNull'], fields: fieldRegex, values: false }, ...extra };
}

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  variables: Json[];
  panels: PanelSpec[];
  refresh?: string;
  time?: { from: string; to: string };
  links?: Json[];
  annotations?: Json[];
}

/** Lays panels left to right, wrapping at 24 columns; a row panel starts a new line. */
export function dashboard(spec: DashboardSpec): Json {
  const panels: Json[] = [];
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  let id = 1;
  for (const panel of spec.panels) {
    if (panel.type === 'row' || x + panel.w > 24) {
      y += rowHeight;
      x = 0;
      rowHeight = 0;
    }
    if (panel.type === 'row') {
      panels.push(panelJson(panel, id++, 0, y));
      y += 1;
      continue;
    }
    panels.push(panelJson(panel, id++, x, y));
    x += panel.w;
    rowHeight = Math.max(rowHeight, panel.h);
  }
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: ['nodescope', ...spec.tags],
    editable: true,
    graphTooltip: 1,
    fiscalYearStartMonth: 0,
    liveNow: false,
    refresh: spec.refresh ?? '30s',
    schemaVersion: SCHEMA_VERSION,
    time: spec.time ?? { from: 'now-6h', to: 'now' },
    timepicker: {},
    timezone: 'browser',
    weekStart: '',
    version: 1,
    templating: { list: spec.variables },
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
        ...(spec.annotations ?? []),
      ],
    },
    links: spec.links ?? [{ type: 'dashboards', tags: ['nodescope'], asDropdown: true, title: 'nodescope', includeVars: false, keepTime: true }],
    panels,
  };
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
