// A ZMQ event to a Grafana Live frame through the Go backend: the Go benchmark
// BenchmarkLiveZMQToFrame in plugins/datasource/pkg/plugin (it builds and launches gpx_nodescope,
// starts the proxy over the simulators, follows `btc-main mempool.histogram` with the binary's
// RunStream over gRPC and with a direct SSE client, and adds transactions to the bitcoind
// simulator, whose ZMQ `sequence` events the proxy follows). p50/p99 of each path, and of the
// binary's share (its latency minus the direct SSE client's, event by event).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type BenchResult } from './lib.js';

const DATASOURCE = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../../plugins/datasource' : '../../plugins/datasource', import.meta.url));

export async function runLiveBench(): Promise<BenchResult[]> {
  const output = await new Promise<string>((resolve, reject) =>
    execFile(
      'go',
      ['test', '-run', '^$', '-bench', 'LiveZMQToFrame', '-benchtime', '1x', '-count', '1', './pkg/plugin/'],
      { cwd: DATASOURCE, timeout: 900_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`)) : resolve(stdout))
    )
  );
  const metric = (unit: string) => Number(new RegExp(`([\\d.]+) ${unit}`).exec(output)?.[1] ?? NaN);
  const details = {
    events: metric('events'),
    throughBinaryP50Ms: metric('binary-p50-ms'),
    throughBinaryP99Ms: metric('binary-p99-ms'),
    directSseP50Ms: metric('direct-p50-ms'),
    directSseP99Ms: metric('direct-p99-ms'),
    binaryShareP50Ms: metric('overhead-p50-ms'),
    binaryShareP99Ms: metric('overhead-p99-ms'),
    note: 'the proxy sends a live mempool frame a few ms after a change, at least 25 ms (or 4x its last analysis) after the previous one (src/sources/bitcoin/state.ts); events land at random moments',
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
