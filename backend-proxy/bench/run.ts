// npm run bench: every benchmark in turn; figures printed beside their baselines and written
// to bench/results/<name>.json. Select some with BENCH=query,fleet.
import { runBackendBench } from './backend.js';
import { formatResult, machine, saveResult, type BenchResult } from './lib.js';
import { runFleetBench } from './fleet.js';
import { runLiveBench } from './live.js';
import { runLiveSseBench } from './liveSse.js';
import { runMempoolBench } from './mempool.js';
import { runQueryBench } from './query.js';
import { runStreamsBench } from './streams.js';

const BENCHES: Record<string, () => Promise<BenchResult[]>> = {
  query: runQueryBench,
  fleet: runFleetBench,
  mempool: runMempoolBench,
  streams: runStreamsBench,
  backend: runBackendBench,
  live: runLiveBench,
  livesse: runLiveSseBench,
};

const selected = process.env.BENCH ? process.env.BENCH.split(',') : Object.keys(BENCHES);
const info = machine();
console.log(`nodescope bench on ${info.cpus} x ${info.cpuModel}, node ${info.node}\n`);
let failed = 0;
for (const name of selected) {
  const bench = BENCHES[name];
  if (!bench) {
    console.error(`unknown bench "${name}"; known: ${Object.keys(BENCHES).join(', ')}`);
    failed++;
    continue;
  }
  try {
    for (const result of await bench()) {
      await saveResult(result);
      console.log(formatResult(result));
      if (result.details) console.log(JSON.stringify(result.details));
    }
  } catch (error) {
    failed++;
    console.error(`bench ${name} failed:`, error);
  }
}
process.exit(failed > 0 ? 1 : 0);
