// Grafana dashboard JSON (schemaVersion 41) from dashboard and panel specs: panels laid out on the
// 24-column grid, each type's default options. The builders that write the specs are panels.ts,
// targets.ts and variables.ts. Pure data.

export const SCHEMA_VERSION = 41;

export const DS = {
  nodescope: { type: 'nodescope-crypto-datasource', uid: 'nodescope' },
  // Prometheus and InfluxDB through a datasource variable: a Grafana that already has its own
  // Prometheus picks it in the dashboard instead of needing ours under a fixed uid
  prometheus: { type: 'prometheus', uid: '${ds_prometheus}' },
  influxdb: { type: 'influxdb', uid: '${ds_influxdb}' },
} as const;

/** The datasource variables behind DS.prometheus / DS.influxdb, defaulting to the provisioned uids. */
export const DATASOURCE_VARIABLES = [
  { name: 'ds_prometheus', label: 'Prometheus', pluginId: 'prometheus', provisionedUid: 'nodescope-prometheus' },
  { name: 'ds_influxdb', label: 'InfluxDB', pluginId: 'influxdb', provisionedUid: 'nodescope-influxdb' },
] as const;

/** A `datasource` variable: the datasources of one plugin type; unknown `current` falls back to the default/first one. */
function datasourceVariable(v: (typeof DATASOURCE_VARIABLES)[number]): Json {
  return {
    type: 'datasource',
    name: v.name,
    label: v.label,
    query: v.pluginId,
    regex: '',
    current: { text: v.provisionedUid, value: v.provisionedUid },
    options: [],
    refresh: 1,
    hide: 0,
    includeAll: false,
    multi: false,
  };
}

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

/** The last non-null value of the fields matching `fields` ('' = all); `values` = one per row. */
const lastValue = (fields = '', values = false): Json => ({ calcs: ['lastNotNull'], fields, values });
/** A list legend under the graph. */
export const LIST_LEGEND: Json = { displayMode: 'list', placement: 'bottom', showLegend: true };

function defaultOptions(type: string): Json {
  switch (type) {
    case 'stat':
      return { reduceOptions: lastValue(), colorMode: 'value', graphMode: 'area', justifyMode: 'auto', textMode: 'auto', orientation: 'auto' };
    case 'gauge':
    case 'bargauge':
      return { reduceOptions: lastValue(), showThresholdLabels: false, showThresholdMarkers: true };
    case 'timeseries':
      return { legend: LIST_LEGEND, tooltip: { mode: 'multi', sort: 'desc' } };
    case 'table':
      return { showHeader: true, cellHeight: 'sm', footer: { show: false, reducer: ['sum'], countRows: false } };
    case 'logs':
      return { showTime: true, wrapLogMessage: true, sortOrder: 'Descending', enableLogDetails: true, dedupStrategy: 'none' };
    case 'state-timeline':
      return { mergeValues: true, showValue: 'auto', alignValue: 'left', rowHeight: 0.9, legend: LIST_LEGEND };
    case 'barchart':
      return { orientation: 'auto', showValue: 'auto', stacking: 'none', legend: LIST_LEGEND, xTickLabelSpacing: 0 };
    case 'piechart':
      return { reduceOptions: lastValue('', true), pieType: 'donut', legend: { displayMode: 'table', placement: 'right', showLegend: true, values: ['value'] } };
    default:
      return {};
  }
}

/** A type's default options with `changes` applied (same keys keep their place). */
export function optionsOf(type: string, changes: Json): Json {
  return { ...defaultOptions(type), ...changes };
}

/** Stat options showing only the fields whose names match. */
export function statFields(fieldRegex: string, extra: Json = {}): Json {
  return optionsOf('stat', { reduceOptions: lastValue(fieldRegex), ...extra });
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

/** A dashboard's identity: `title` is shown after "nodescope - ", `tags` after the "nodescope" tag. */
export function dashboardInfo(uid: string, title: string, tags: string[], description: string): Pick<DashboardSpec, 'uid' | 'title' | 'tags' | 'description'> {
  return { uid, title: `nodescope - ${title}`, tags, description };
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
    // the datasource variables the panels, queries and variables use come first
    templating: { list: [...DATASOURCE_VARIABLES.filter((v) => JSON.stringify([spec.panels, spec.variables, spec.annotations ?? []]).includes(`\${${v.name}}`)).map(datasourceVariable), ...spec.variables] },
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
