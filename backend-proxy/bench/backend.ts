// The Go backend's overhead: the same query straight to the proxy and through the launched
// gpx_nodescope binary (gRPC, the proxy call, frame conversion, Arrow), p50 of each, measured by
// the Go benchmark BenchmarkQueryDataOverhead in plugins/datasource/pkg/plugin (it builds the
// binary and starts the proxy over the simulators itself).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type BenchResult } from './lib.js';

const DATASOURCE = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../../plugins/datasource' : '../../plugins/datasource', import.meta.url));

/**
 * Runs the Go benchmark `name` in plugins/datasource/pkg/plugin once (`-benchtime 1x`) and returns
 * a reader of the figures it reports: `metric('binary-p50-ms')` (NaN when the output lacks it).
 */
export async function runDatasourceGoBench(name: string): Promise<(unit: string) => number> {
  const output = await new Promise<string>((resolve, reject) =>
    execFile(
      'go',
      ['test', '-run', '^$', '-bench', name, '-benchtime', '1x', '-count', '1', './pkg/plugin/'],
      { cwd: DATASOURCE, timeout: 900_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`)) : resolve(stdout))
    )
  );
  return (unit: string) => Number(new RegExp(`([\\d.]+) ${unit}`).exec(output)?.[1] ?? NaN);
}

export async function runBackendBench(): Promise<BenchResult[]> {
  const metric = await runDatasourceGoBench('QueryDataOverhead');
  const direct = metric('direct-p50-ms');
  const through = metric('binary-p50-ms');
  const overhead = metric('overhead-p50-ms');
  return [
    {
      name: 'backend.querydata_overhead_p50_ms',
      value: overhead,
      unit: 'ms',
      goal: '<= 1 ms (p50)',
      baseline: { what: 'direct POST /api/query p50', value: direct },
      ratio: Number.isFinite(through) && through > 0 ? Number((direct / through).toFixed(2)) : null,
      details: { directP50Ms: direct, throughBinaryP50Ms: through },
    },
  ];
}
