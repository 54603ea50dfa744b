// A ZMQ event to a Grafana Live frame through the Go backend: the Go benchmark
// BenchmarkLiveZMQToFrame in plugins/datasource/pkg/plugin (it builds and launches gpx_nodescope,
// starts the proxy over the simulators, follows `btc-main mempool.histogram` with the binary's
// RunStream over gRPC and with a direct SSE client, and adds transactions to the bitcoind
// simulator, whose ZMQ `sequence` events the proxy follows). p50/p99 of each path, and of the
// binary's share (its latency minus the direct SSE client's, event by event).
import { runDatasourceGoBench } from './backend.js';
import { type BenchResult } from './lib.js';

export async function runLiveBench(): Promise<BenchResult[]> {
  const metric = await runDatasourceGoBench('LiveZMQToFrame');
  const details = {
    events: metric('events'),
    throughBinaryP50Ms: metric('binary-p50-ms'),
    throughBinaryP99Ms: metric('binary-p99-ms'),
    directSseP50Ms: metric('direct-p50-ms'),
    directSseP99Ms: metric('direct-p99-ms'),
    binaryShareP50Ms: metric('overhead-p50-ms'),
    binaryShareP99Ms: metric('overhead-p99-ms'),
    note: 'the proxy sends a live histogram frame on the next event-loop turn after a change when the stream was quiet, else one per gap of max(4 ms, 4x the last frame\'s CPU time) (src/sources/bitcoin/state.ts, core/coalesce.ts); events land at random moments',
  };
  return [
    {
      name: 'live.zmq_to_frame_p99_ms',
      value: details.throughBinaryP99Ms,
      unit: 'ms',
      goal: '<= 250 ms (p99)',
      baseline: { what: 'the same event to a direct SSE client of the proxy, p99', value: details.directSseP99Ms },
      ratio: details.directSseP99Ms > 0 ? Number((details.directSseP99Ms / details.throughBinaryP99Ms).toFixed(3)) : null,
      details,
    },
  ];
}
