// The plugins this app carries (grafana-zabbix style): each is built from its own workspace
// into dist/<path>/ and must have a matching `includes` entry in plugin.json. Panels add a
// line here, e.g. { dir: 'panels/mempool', path: 'panels/mempool', type: 'panel' }.
export interface NestedPlugin {
  /** workspace folder, relative to plugins/ */
  dir: string;
  /** folder inside the app's dist; the include's path is `<path>/plugin.json` */
  path: string;
  type: 'datasource' | 'panel';
}

export const NESTED_PLUGINS: NestedPlugin[] = [
  { dir: 'datasource', path: 'datasource', type: 'datasource' },
  { dir: 'panels/mempool', path: 'panels/mempool', type: 'panel' },
  { dir: 'panels/peermap', path: 'panels/peermap', type: 'panel' },
  { dir: 'panels/profitability', path: 'panels/profitability', type: 'panel' },
];
