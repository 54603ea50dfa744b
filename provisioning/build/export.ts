// The "export for sharing externally" variant of a provisioned dashboard, for Dashboards -> New ->
// Import and grafana.com: every datasource the dashboard names by uid becomes an `__inputs` entry
// (`${DS_…}`) the import dialog asks for, with `__requires` listing Grafana, the datasources and the
// panels. The rules are those of Grafana's exporter, makeExportable in
// grafana/grafana@c8783bf6364ee0d9713af155f0a9aef23ba03e75:public/app/features/dashboard/components/DashExportModal/DashboardExporter.ts:
// a datasource used through a variable is only required, not templated (:89), the input is named
// 'DS_' + name with its first space as _, upper-cased (:94), query variables lose `options` and
// `current` and refresh at least on load (:147-151), the save model's `id` is null (:46). Newer
// versions write the reference as {type, uid: '${DS_…}'} and empty a datasource variable's
// `current`; we follow them. One addition: a datasource variable's
// default becomes an input too (the exporter empties it), so importing asks which Prometheus or
// InfluxDB the dashboard opens with. Pure data.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Json } from './grafana.ts';

const PLUGINS = join(dirname(fileURLToPath(import.meta.url)), '../../plugins');
const VERSION = (JSON.parse(readFileSync(join(PLUGINS, 'app/package.json'), 'utf8')) as { version: string }).version;
/** The oldest Grafana the plugins load in (grafanaDependency >=12.4.0). */
export const GRAFANA_VERSION = '12.4.0';

/** Names as the plugins' own plugin.json files give them. */
const CORE_PANEL_NAMES: Record<string, string> = {
  barchart: 'Bar chart',
  bargauge: 'Bar gauge',
  logs: 'Logs',
  piechart: 'Pie chart',
  stat: 'Stat',
  'state-timeline': 'State timeline',
  table: 'Table',
  timeseries: 'Time series',
};
const DATASOURCE_NAMES: Record<string, string> = { prometheus: 'Prometheus', influxdb: 'InfluxDB' };

function ourPlugin(id: string): { name: string } | undefined {
  const where: Record<string, string> = {
    'nodescope-crypto-datasource': 'datasource',
    'nodescope-mempool-panel': 'panels/mempool',
    'nodescope-peermap-panel': 'panels/peermap',
    'nodescope-profitability-panel': 'panels/profitability',
  };
  if (!where[id]) return undefined;
  return JSON.parse(readFileSync(join(PLUGINS, where[id], 'src/plugin.json'), 'utf8')) as { name: string };
}

/** The input name for a provisioned datasource, as the exporter makes it: DS_ + name, first space to _, upper case. */
const inputName = (datasourceName: string) => `DS_${datasourceName.replace(' ', '_').toUpperCase()}`;
/** Grafana's variable syntaxes in a datasource uid: $name, ${name}, ${name:fmt}, [[name]]. */
const VARIABLE = /^\$(\w+)$|^\$\{(\w+)(?::\w+)?\}$|^\[\[(\w+)\]\]$/;
const BUILTIN = new Set(['-- Grafana --', '-- Dashboard --', '-- Mixed --', 'grafana', '__expr__']);

export interface ExportInput {
  name: string;
  label: string;
  description: string;
  type: 'datasource';
  pluginId: string;
  pluginName: string;
}

/** `names`: provisioned datasource uid -> its name (the exporter labels inputs by datasource name). */
export function exportable(dashboard: Json, names: Record<string, string>): Json {
  const model = structuredClone(dashboard) as Json & { panels: Json[]; templating: { list: Json[] }; annotations: { list: Json[] } };
  const inputs = new Map<string, ExportInput>();
  const requires = new Map<string, Json>();
  const pluginName = (id: string) => DATASOURCE_NAMES[id] ?? ourPlugin(id)?.name ?? id;
  // core plugins carry Grafana's version, ours the suite's
  const versionOf = (id: string) => (ourPlugin(id) ? VERSION : GRAFANA_VERSION);

  const templateize = (owner: Json) => {
    const ref = owner.datasource as { type?: string; uid?: string } | undefined;
    if (!ref?.uid || BUILTIN.has(ref.uid) || !ref.type) return;
    requires.set(`datasource${ref.type}`, { type: 'datasource', id: ref.type, name: pluginName(ref.type), version: versionOf(ref.type) });
    // used through a variable: only required
    if (VARIABLE.test(ref.uid)) return;
    const name = inputName(names[ref.uid] ?? ref.uid);
    inputs.set(name, { name, label: names[ref.uid] ?? ref.uid, description: '', type: 'datasource', pluginId: ref.type, pluginName: pluginName(ref.type) });
    owner.datasource = { type: ref.type, uid: `\${${name}}` };
  };

  const panel = (p: Json) => {
    if (p.type === 'row') return;
    templateize(p);
    for (const target of (p.targets as Json[] | undefined) ?? []) templateize(target);
    const type = String(p.type);
    const ours = ourPlugin(type);
    requires.set(`panel${type}`, { type: 'panel', id: type, name: ours?.name ?? CORE_PANEL_NAMES[type] ?? type, version: versionOf(type) });
  };
  for (const p of model.panels) {
    panel(p);
    if (p.collapsed === true) for (const inner of (p.panels as Json[] | undefined) ?? []) panel(inner);
  }
  for (const variable of model.templating.list) {
    if (variable.type === 'query') {
      templateize(variable);
      variable.options = [];
      variable.current = {};
      variable.refresh = (variable.refresh as number) > 0 ? variable.refresh : 1;
    } else if (variable.type === 'datasource') {
      const pluginId = String(variable.query);
      const name = inputName(String(variable.label ?? variable.name));
      inputs.set(name, { name, label: String(variable.label ?? variable.name), description: `default of the $${String(variable.name)} variable`, type: 'datasource', pluginId, pluginName: pluginName(pluginId) });
      requires.set(`datasource${pluginId}`, { type: 'datasource', id: pluginId, name: pluginName(pluginId), version: versionOf(pluginId) });
      variable.current = { text: `\${${name}}`, value: `\${${name}}` };
    }
  }
  for (const annotation of model.annotations.list) templateize(annotation);
  requires.set('grafana', { type: 'grafana', id: 'grafana', name: 'Grafana', version: GRAFANA_VERSION });

  const { id: _id, ...rest } = model;
  return {
    __inputs: [...inputs.values()],
    __elements: {},
    __requires: [...requires.values()].sort((a, b) => String(a.id).localeCompare(String(b.id))),
    id: null,
    ...rest,
  };
}
