// One side of the live-vs-polling bench, alone in its process so its CPU time and RSS are its
// own: `live` keeps the compact mempool over ZMQ and computes the histogram and projected
// blocks once a second (what the live stream sends); `poll` re-reads verbose getrawmempool every
// 2 s and draws an own-fee-rate histogram from it (mempool.space's backend does the 2 s poll).
// Prints one JSON line: cpuPercent (user + system over the window, % of one core), rssMaxMb, rssAvgMb.
import type { MempoolEntryRpc } from '../src/sources/bitcoin/mempoolSync.js';
import { MempoolSync } from '../src/sources/bitcoin/mempoolSync.js';
import { benchRpc, naiveHistogram, quietLogger } from './mempool.js';

const [path, rpcUrl = '', cookieFile = '', zmq = '', secondsText = '20'] = process.argv.slice(2);
const seconds = Number(secondsText);
const rpc = benchRpc(rpcUrl, cookieFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let txs = 0;
let stop: () => Promise<void>;
if (path === 'live') {
  const sync = new MempoolSync({
    endpoint: zmq,
    cap: 1_000_000,
    pollMs: 5_000,
    maxBatch: 500,
    rpc,
    logger: quietLogger,
    now: Date.now,
  });
  sync.start();
  while (!(sync.status().synced && sync.status().connected)) await sleep(20);
  const tick = setInterval(() => {
    sync.analysis();
    txs = sync.store.size;
  }, 1_000);
  stop = async () => {
    clearInterval(tick);
    await sync.stop();
  };
} else if (path === 'poll') {
  let running = true;
  let current: Record<string, MempoolEntryRpc> = {};
  const loop = (async () => {
    while (running) {
      const started = Date.now();
      current = await rpc.call<Record<string, MempoolEntryRpc>>('getrawmempool', [true]);
      naiveHistogram(Object.values(current));
      txs = Object.keys(current).length;
      await sleep(Math.max(0, 2_000 - (Date.now() - started)));
    }
  })();
  while (txs === 0) await sleep(20);
  stop = async () => {
    running = false;
    await loop;
  };
} else {
  throw new Error(`unknown path ${path}`);
}

// the fill is behind us: measure the steady state
await sleep(1_000);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const rss: number[] = [];
const sampler = setInterval(() => rss.push(process.memoryUsage().rss), 250);
await sleep(seconds * 1_000);
clearInterval(sampler);
const cpu = process.cpuUsage(cpu0);
const wallMs = performance.now() - t0;
await stop();
rpc.close();
const mb = (b: number) => Number((b / 1_048_576).toFixed(1));
process.stdout.write(
  JSON.stringify({
    path,
    cpuPercent: Number((((cpu.user + cpu.system) / 1_000 / wallMs) * 100).toFixed(2)),
    rssMaxMb: mb(Math.max(...rss)),
    rssAvgMb: mb(rss.reduce((a, b) => a + b, 0) / rss.length),
    txs,
  }) + '\n'
);
process.exit(0);
