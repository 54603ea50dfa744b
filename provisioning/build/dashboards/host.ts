// Host health on the Prometheus datasource: the machines under the nodes, from the proxy's own
// readings (statfs of a configured datadir, bitcoind's timeoffset and size_on_disk growth) and
// from node-exporter (job "node") for every host Prometheus scrapes. Alert rules: rules.ts, group
// "host".
import { dashboardInfo, type DashboardSpec } from '../grafana.ts';
import { barGauge, row, stateTimeline, steps, timeseries } from '../panels.ts';
import { prometheus, prometheusInstant } from '../targets.ts';
import { promLabelVariable } from '../variables.ts';
import { NODE_FS, NODE_JOB } from '../nodeExporter.ts';

const SOURCE = '{source=~"$source"}';
const HOST = `{${NODE_JOB},instance=~"$instance"}`;
const FS = NODE_FS.replace(/\}$/, ',instance=~"$instance"}');
const FS_LEGEND = '{{instance}} {{mountpoint}}';

export const host: DashboardSpec = {
  ...dashboardInfo(
    'nodescope-host',
    'Host health',
    ['host', 'prometheus'],
    'The machines under the nodes: free space and days until full, clock offset, memory'
  ),
  variables: [
    promLabelVariable(
      'source',
      'Node (proxy)',
      '{__name__=~"nodescope_datadir_size_bytes|bitcoin_timeoffset_seconds"}',
      'source'
    ),
    promLabelVariable('instance', 'Host (node-exporter)', `up{${NODE_JOB}}`, 'instance'),
  ],
  panels: [
    row("Nodes' datadirs and clocks, as the proxy reads them"),
    barGauge(
      'Datadir free',
      prometheusInstant(`nodescope_datadir_avail_bytes${SOURCE} / nodescope_datadir_size_bytes${SOURCE}`),
      {
        unit: 'percentunit',
        min: 0,
        max: 1,
        thresholds: steps('red', [0.1, 'orange'], [0.2, 'green']),
        description: "Available / size of the filesystem under each source's host.datadir (statfs, as df shows Avail)",
      }
    ),
    barGauge('Datadir full in', prometheusInstant(`nodescope_datadir_days_until_full${SOURCE}`), {
      unit: 'd',
      min: 0,
      thresholds: steps('red', [7, 'orange'], [30, 'green']),
      description:
        'Days until full at the growth of the used space over trendHours (least squares); no bar while the disk is not filling',
    }),
    timeseries('Datadir available', prometheus(`nodescope_datadir_avail_bytes${SOURCE}`), { unit: 'decbytes' }),
    timeseries('Datadir growth per day', prometheus(`nodescope_datadir_growth_bytes_per_second${SOURCE} * 86400`), {
      unit: 'decbytes',
    }),
    timeseries(
      'Host memory available',
      prometheus(`nodescope_host_memory_available_bytes${SOURCE} / nodescope_host_memory_total_bytes${SOURCE}`),
      {
        unit: 'percentunit',
        min: 0,
        max: 1,
        thresholds: steps('red', [0.1, 'green']),
        description: 'MemAvailable / MemTotal of the host the proxy shares with the node (sources with a host block)',
      }
    ),
    timeseries(
      "bitcoind's memory",
      [
        prometheus(`bitcoin_malloc_in_use_bytes${SOURCE}`, '{{source}} in use'),
        prometheus(`bitcoin_malloc_held_bytes${SOURCE}`, '{{source}} held'),
      ],
      {
        unit: 'bytes',
        description:
          "glibc's malloc_info totals (getmemoryinfo mallocinfo): held from the kernel, and in use (held minus free chunks)",
      }
    ),
    timeseries('bitcoind clock offset', prometheus(`bitcoin_timeoffset_seconds${SOURCE}`), {
      unit: 's',
      thresholds: steps('green', [30, 'red']),
      description:
        "getnetworkinfo timeoffset: the median of the outbound peers' clocks minus ours (positive: this host is behind)",
    }),
    timeseries(
      'bitcoind size_on_disk growth per day',
      prometheus(`bitcoin_size_on_disk_growth_bytes_per_second${SOURCE} * 86400`),
      {
        unit: 'decbytes',
        description:
          'Where the proxy cannot statfs the datadir: the growth of the block and undo files, least squares over a day',
      }
    ),
    row('Hosts (node-exporter)'),
    barGauge(
      'Filesystem free',
      prometheusInstant(`node_filesystem_avail_bytes${FS} / node_filesystem_size_bytes${FS}`, FS_LEGEND),
      {
        unit: 'percentunit',
        min: 0,
        max: 1,
        thresholds: steps('red', [0.1, 'orange'], [0.2, 'green']),
      }
    ),
    barGauge(
      'Filesystem full in (6 h growth)',
      prometheusInstant(
        `node_filesystem_avail_bytes${FS} / -deriv(node_filesystem_avail_bytes${FS}[6h]) / 86400 > 0`,
        FS_LEGEND
      ),
      {
        unit: 'd',
        min: 0,
        thresholds: steps('red', [7, 'orange'], [30, 'green']),
        description:
          'Days until full at the last 6 hours of growth (deriv: least squares); filesystems that are not filling have no bar',
      }
    ),
    timeseries('Filesystem available', prometheus(`node_filesystem_avail_bytes${FS}`, FS_LEGEND), { unit: 'decbytes' }),
    timeseries('Clock offset', prometheus(`node_timex_offset_seconds${HOST}`, '{{instance}}'), {
      unit: 's',
      thresholds: steps('green', [0.05, 'red']),
    }),
    stateTimeline('Clock synchronised', prometheus(`node_timex_sync_status${HOST}`, '{{instance}}'), {
      thresholds: steps('red', [1, 'green']),
      description: '1 while an NTP daemon disciplines the kernel clock (adjtimex), 0 otherwise',
    }),
    timeseries(
      'Memory available',
      prometheus(`node_memory_MemAvailable_bytes${HOST} / node_memory_MemTotal_bytes${HOST}`, '{{instance}}'),
      {
        unit: 'percentunit',
        min: 0,
        max: 1,
        thresholds: steps('red', [0.1, 'green']),
      }
    ),
    timeseries(
      'Load',
      [
        prometheus(`node_load1${HOST}`, '{{instance}} 1m'),
        prometheus(`node_load5${HOST}`, '{{instance}} 5m'),
        prometheus(`node_load15${HOST}`, '{{instance}} 15m'),
      ],
      { w: 24 }
    ),
  ],
};
