// The node-exporter side of host health: the metric names the host rules (rules.ts) and the Host
// dashboard (dashboards/host.ts) use, each checked against the real exporter's output
// (provisioning/test/nodeExporter.test.ts, Debian's prometheus-node-exporter 1.5.0), and the
// filesystem selector both share.

/** Scraped as job "node" (prometheus/prometheus.yml). */
export const NODE_JOB = 'job="node"';

/** Real disks only: the pseudo and layered filesystems node-exporter still reports are left out. */
export const NODE_FS = `{${NODE_JOB},fstype!~"tmpfs|ramfs|squashfs|overlay"}`;

export const NODE_EXPORTER_METRICS = [
  'node_filesystem_avail_bytes',
  'node_filesystem_size_bytes',
  'node_filesystem_readonly',
  'node_timex_offset_seconds',
  'node_timex_sync_status',
  'node_timex_maxerror_seconds',
  'node_memory_MemAvailable_bytes',
  'node_memory_MemTotal_bytes',
  'node_load1',
  'node_load5',
  'node_load15',
] as const;
