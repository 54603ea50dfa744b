// Dashboards on the InfluxDB datasource (folder "nodescope (InfluxDB)"): what the proxy's
// line-protocol writer stores, measurement = metric name, tag source, field value.
import { dashboardInfo, type DashboardSpec } from '../grafana.ts';
import { stat, timeseries } from '../panels.ts';
import { influx, influxMetric, influxSelect } from '../targets.ts';
import { influxTagVariable } from '../variables.ts';

/** Bytes per second from a byte counter. */
const bytesPerSecond = (measurement: string, alias: string) => influx(influxSelect(measurement, 'non_negative_derivative(last("value"), 1s)'), alias);

const influxBitcoin: DashboardSpec = {
  ...dashboardInfo('nodescope-influx-bitcoin', 'Bitcoin node (InfluxDB)', ['bitcoin', 'influxdb'], 'The /metrics series as the proxy writes them to InfluxDB: measurement = metric name, tag source, field value'),
  variables: [influxTagVariable('source', 'Node', 'bitcoin_blocks', 'source')],
  panels: [
    stat('Height', influxMetric('bitcoin_blocks'), { w: 6, h: 4, decimals: 0 }),
    stat('Peers', influxMetric('bitcoin_peers'), { w: 6, h: 4 }),
    stat('Verification progress', influxMetric('bitcoin_verification_progress'), { w: 6, h: 4, unit: 'percentunit', decimals: 3 }),
    stat('Mempool transactions', influxMetric('bitcoin_mempool_size'), { w: 6, h: 4 }),
    timeseries('Height', influxMetric('bitcoin_blocks')),
    timeseries('Peers', influxMetric('bitcoin_peers')),
    timeseries('Mempool size', influxMetric('bitcoin_mempool_bytes'), { unit: 'decbytes' }),
    timeseries('Mempool memory', influxMetric('bitcoin_mempool_usage'), { unit: 'decbytes' }),
    timeseries('Traffic', [bytesPerSecond('bitcoin_total_bytes_recv', '$tag_source in'), bytesPerSecond('bitcoin_total_bytes_sent', '$tag_source out')], { w: 24, unit: 'Bps' }),
  ],
};

export const INFLUXDB_DASHBOARDS = { influxBitcoin };
