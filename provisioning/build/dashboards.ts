// Every provisioned dashboard, by the folder it is provisioned into. Datasource-backed ones
// (folder "nodescope") query the proxy through nodescope-crypto-datasource with query names from
// the shared catalog; the Prometheus-backed ones (folder "nodescope (Prometheus)") use only what
// /metrics exposes, so they work on any Prometheus/VictoriaMetrics that scrapes proxies; the
// InfluxDB one reads what the proxy's Influx writer stores. The specs are written with the
// builders of panels.ts, targets.ts and variables.ts; grafana.ts turns them into JSON.
import { exportable } from './export.ts';
import { dashboard, DS, type DashboardSpec, type Json } from './grafana.ts';
import { INFLUXDB_DASHBOARDS } from './dashboards/influxdb.ts';
import { NODESCOPE_DASHBOARDS } from './dashboards/nodescope.ts';
import { host } from './dashboards/host.ts';
import { PROMETHEUS_DASHBOARDS, proxy } from './dashboards/prometheus.ts';

export const DASHBOARDS: Record<'nodescope' | 'prometheus' | 'influxdb', DashboardSpec[]> = {
  nodescope: [...Object.values(NODESCOPE_DASHBOARDS), proxy],
  prometheus: [...Object.values(PROMETHEUS_DASHBOARDS), host],
  influxdb: Object.values(INFLUXDB_DASHBOARDS),
};

/** The provisioned datasource name of each uid a dashboard names directly (datasources/nodescope.yaml). */
const EXPORT_NAMES: Record<string, string> = { [DS.nodescope.uid]: 'nodescope' };

export function dashboardFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [folder, list] of Object.entries(DASHBOARDS)) {
    for (const spec of list) {
      const json = dashboard(spec);
      files[`dashboards/${folder}/${spec.uid}.json`] = `${JSON.stringify(json, null, 2)}\n`;
      // the same dashboard for Import / grafana.com, asking for its datasources (export.ts)
      files[`export/${folder}/${spec.uid}.json`] = `${JSON.stringify(exportable(json, EXPORT_NAMES), null, 2)}\n`;
    }
  }
  return files;
}

export type { Json };
