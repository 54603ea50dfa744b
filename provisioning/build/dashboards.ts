// Every provisioned dashboard, by the folder it is provisioned into. Datasource-backed ones
// (folder "nodescope") query the proxy through nodescope-crypto-datasource with query names from
// the shared catalog; the Prometheus-backed ones (folder "nodescope (Prometheus)") use only what
// /metrics exposes, so they work on any Prometheus/VictoriaMetrics that scrapes proxies; the
// InfluxDB one reads what the proxy's Influx writer stores. The specs are written with the
// builders of panels.ts, targets.ts and variables.ts; grafana.ts turns them into JSON.
import { dashboard, type DashboardSpec, type Json } from './grafana.ts';
import { INFLUXDB_DASHBOARDS } from './dashboards/influxdb.ts';
import { NODESCOPE_DASHBOARDS } from './dashboards/nodescope.ts';
import { PROMETHEUS_DASHBOARDS, proxy } from './dashboards/prometheus.ts';

export const DASHBOARDS: Record<'nodescope' | 'prometheus' | 'influxdb', DashboardSpec[]> = {
  nodescope: [...Object.values(NODESCOPE_DASHBOARDS), proxy],
  prometheus: Object.values(PROMETHEUS_DASHBOARDS),
  influxdb: Object.values(INFLUXDB_DASHBOARDS),
};

export function dashboardFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [folder, list] of Object.entries(DASHBOARDS)) {
    for (const spec of list) files[`dashboards/${folder}/${spec.uid}.json`] = `${JSON.stringify(dashboard(spec), null, 2)}\n`;
  }
  return files;
}

export type { Json };
