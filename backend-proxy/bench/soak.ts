// npm run soak (not in CI): the proxy in its own process for SOAK_SECONDS (default 600) at ten
// times mainnet's transaction rate (SOAK_TX_PER_SECOND, default 70: mainnet averages ~7 tx/s)
// into a bitcoind simulator with ZMQ, plus a 1,000-miner CGMiner fleet (SOAK_MINERS) polled every
// 10 s, and a dashboard's worth of queries every second. The proxy's RSS (/proc/<pid>/status) and
// event-loop delay (its own nodescope_event_loop_lag_seconds on /metrics) are sampled every
// SOAK_SAMPLE_SECONDS (default 5). Goal: RSS growth < 5 % after warm-up (the first 20 % of the
// run, at least 30 s): the median RSS of the last fifth of the samples against the median of the
// first fifth after warm-up (the post-GC floor is reported too). A block is mined whenever the
// mempool is above 20,000 transactions, so the mempool stays in a steady state instead of growing
// for the whole run (a growing mempool is growth by design, bounded by mempoolCap, not a leak).
// Writes bench/results/soak.rss_growth_percent.json and soak.event_loop_lag_p99_ms.json.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBitcoinSimulator } from '../src/simulators/bitcoin/index.js';
import { startCgminerFleet } from '../src/simulators/cgminer/fleet.js';
import { formatResult, percentile, saveResult, type BenchResult } from './lib.js';
import { startProxyProcess } from './proxyProcess.js';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
const TX_PER_SECOND = Number(process.env.SOAK_TX_PER_SECOND ?? 70);
const MINERS = Number(process.env.SOAK_MINERS ?? 1_000);
const SAMPLE_SECONDS = Number(process.env.SOAK_SAMPLE_SECONDS ?? 5);
const WARMUP_SECONDS = Math.max(30, SECONDS * 0.2);
const MEMPOOL_TARGET = 20_000;
/** the proxy's server.cacheTtlMs (its default when unset); 0 keeps no query results */
const CACHE_TTL_MS = process.env.SOAK_CACHE_TTL_MS;

interface Sample {
  /** seconds since start */
  t: number;
  rssMiB: number;
  lagMeanMs: number;
  lagP99Ms: number;
  lagMaxMs: number;
  mempoolTxs: number;
  minersOnline: number;
  queryMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50
  );

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

function lag(exposition: string, stat: string): number {
  const match = new RegExp(`^nodescope_event_loop_lag_seconds\\{[^}]*stat="${stat}"[^}]*\\} (\\S+)$`, 'm').exec(
    exposition
  );
  return Number(match?.[1] ?? NaN) * 1000;
}

export async function runSoak(): Promise<BenchResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'nodescope-soak-'));
  const bitcoin = await startBitcoinSimulator({
    network: 'mainnet',
    datadir: join(dir, 'bitcoind'),
    zmqPort: 0,
    seed: 7,
    initialMempool: MEMPOOL_TARGET,
    txPerSecond: TX_PER_SECOND,
    peers: 24,
  });
  // a block whenever the mempool is above its steady size, as miners clear a busy mempool: at
  // 70 tx/s that is a block every minute or so, and the mempool stays near MEMPOOL_TARGET
  let blocks = 0;
  const miner = setInterval(() => {
    if (bitcoin.mempoolTxids().length > MEMPOOL_TARGET) {
      bitcoin.mineBlock();
      blocks++;
    }
  }, 5_000);
  const fleet = await startCgminerFleet({ count: MINERS, latencyMs: 5 });
  const config = {
    server: {
      host: '127.0.0.1',
      port: 0,
      logLevel: 'warn',
      ...(CACHE_TTL_MS !== undefined ? { cacheTtlMs: Number(CACHE_TTL_MS) } : {}),
    },
    sources: [
      {
        id: 'btc-main',
        kind: 'bitcoin',
        network: 'mainnet',
        rpc: { url: bitcoin.rpcUrl, cookieFile: bitcoin.cookieFile },
        zmq: { sequence: bitcoin.zmqSequenceEndpoint },
      },
      {
        id: 'farm-a',
        kind: 'cgminer',
        miners: fleet.miners.map((m) => ({ host: m.host, port: m.port, name: m.name, model: m.model })),
        pollSeconds: 10,
        concurrency: 128,
      },
    ],
  };
  const proxy = await startProxyProcess(config, dir, 'proxy-soak');
  const pid = proxy.child.pid!;
  const dashboard = JSON.stringify({
    queries: [
      { refId: 'A', sourceId: 'btc-main', query: 'mempool.histogram' },
      { refId: 'B', sourceId: 'btc-main', query: 'mempool.summary' },
      { refId: 'C', sourceId: 'btc-main', query: 'zmq.status' },
      { refId: 'D', sourceId: 'farm-a', query: 'fleet.summary' },
      { refId: 'E', sourceId: 'farm-a', query: 'miners' },
    ],
  });
  const samples: Sample[] = [];
  let queryErrors = 0;
  const started = Date.now();
  console.log(
    `soak: ${SECONDS} s, ${TX_PER_SECOND} tx/s with ZMQ, ${MINERS} miners, warm-up ${WARMUP_SECONDS} s, proxy pid ${pid}`
  );
  try {
    let nextSample = 0;
    while (Date.now() - started < SECONDS * 1000) {
      // a dashboard refreshing every second
      const q0 = performance.now();
      const res = await fetch(`${proxy.url}/api/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: dashboard,
      });
      const body = (await res.json()) as {
        results: Record<
          string,
          {
            error?: string;
            frames?: Array<{ schema: { fields: Array<{ name: string }> }; data: { values: unknown[][] } }>;
          }
        >;
      };
      const queryMs = performance.now() - q0;
      const t = (Date.now() - started) / 1000;
      const failed =
        res.status !== 200
          ? [`HTTP ${res.status}`]
          : Object.values(body.results).flatMap((r) => (r.error ? [r.error] : []));
      if (failed.length > 0 && t >= WARMUP_SECONDS) {
        queryErrors++;
        if (queryErrors <= 3)
          console.log(`t=${t.toFixed(0)} s dashboard query error: ${failed.join('; ').slice(0, 300)}`);
      }
      if (t >= nextSample) {
        nextSample += SAMPLE_SECONDS;
        const exposition = await (await fetch(`${proxy.url}/metrics`)).text();
        const value = (refId: string, name: string) => {
          const frame = body.results[refId]?.frames?.[0];
          const index = frame?.schema.fields.findIndex((f) => f.name === name) ?? -1;
          return index >= 0 ? Number(frame!.data.values[index]?.[0]) : NaN;
        };
        const sample: Sample = {
          t,
          rssMiB: await rssMiB(pid),
          lagMeanMs: lag(exposition, 'mean'),
          lagP99Ms: lag(exposition, 'p99'),
          lagMaxMs: lag(exposition, 'max'),
          mempoolTxs: value('C', 'mempoolTxs'),
          minersOnline: value('D', 'online'),
          queryMs,
        };
        samples.push(sample);
        console.log(
          `t=${t.toFixed(0).padStart(4)} s  rss ${sample.rssMiB.toFixed(1)} MiB  lag mean ${sample.lagMeanMs.toFixed(1)} p99 ${sample.lagP99Ms.toFixed(1)} max ${sample.lagMaxMs.toFixed(1)} ms  mempool ${sample.mempoolTxs}  miners online ${sample.minersOnline}  dashboard ${queryMs.toFixed(0)} ms`
        );
      }
      await sleep(Math.max(0, 1_000 - queryMs));
    }
  } finally {
    clearInterval(miner);
    await proxy.stop();
    await fleet.close();
    await bitcoin.close();
    await rm(dir, { recursive: true, force: true });
  }

  const steady = samples.filter((s) => s.t >= WARMUP_SECONDS);
  if (steady.length < 10)
    throw new Error(
      `soak too short for a figure: ${steady.length} samples after warm-up (need 10; raise SOAK_SECONDS)`
    );
  // first and last fifth of the steady samples (at least five each): several GC cycles apiece
  const window = Math.max(5, Math.floor(steady.length / 5));
  const head = steady.slice(0, window).map((s) => s.rssMiB);
  const tail = steady.slice(-window).map((s) => s.rssMiB);
  const rssStart = median(head);
  const rssEnd = median(tail);
  // the post-GC floor: a leak raises it, the GC sawtooth does not
  const floorGrowth = ((Math.min(...tail) - Math.min(...head)) / Math.min(...head)) * 100;
  const growth = Number((((rssEnd - rssStart) / rssStart) * 100).toFixed(2));
  const lagP99 = Math.max(...steady.map((s) => s.lagP99Ms));
  const details = {
    seconds: SECONDS,
    warmupSeconds: WARMUP_SECONDS,
    txPerSecond: TX_PER_SECOND,
    miners: MINERS,
    cacheTtlMs: CACHE_TTL_MS === undefined ? 'default' : Number(CACHE_TTL_MS),
    rssAfterWarmupMiB: Number(rssStart.toFixed(1)),
    rssEndMiB: Number(rssEnd.toFixed(1)),
    rssMaxMiB: Number(Math.max(...samples.map((s) => s.rssMiB)).toFixed(1)),
    rssFloorGrowthPercent: Number(floorGrowth.toFixed(2)),
    rssWindowSamples: window,
    blocksMined: blocks,
    lagMeanMs: Number(median(steady.map((s) => s.lagMeanMs)).toFixed(2)),
    lagP99MaxMs: Number(lagP99.toFixed(1)),
    lagMaxMs: Number(Math.max(...steady.map((s) => s.lagMaxMs)).toFixed(1)),
    mempoolTxsRange: [Math.min(...steady.map((s) => s.mempoolTxs)), Math.max(...steady.map((s) => s.mempoolTxs))],
    minersOnlineMin: Math.min(...steady.map((s) => s.minersOnline)),
    dashboardMsP50: Number(median(steady.map((s) => s.queryMs)).toFixed(1)),
    dashboardErrors: queryErrors,
    samples: samples.length,
  };
  return [
    {
      name: 'soak.rss_growth_percent',
      value: growth,
      unit: '%',
      goal: '< 5 % after warm-up',
      baseline: null,
      ratio: null,
      details,
    },
    {
      name: 'soak.event_loop_lag_p99_ms',
      value: Number(lagP99.toFixed(1)),
      unit: 'ms',
      goal: 'reported (worst 5 s window p99)',
      baseline: null,
      ratio: null,
      details: { lagMeanMs: details.lagMeanMs, lagMaxMs: details.lagMaxMs },
    },
  ];
}

// run directly: node dist/bench/soak.js
if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    for (const result of await runSoak()) {
      await saveResult(result);
      console.log(formatResult(result));
      if (result.details) console.log(JSON.stringify(result.details));
    }
    process.exit(0);
  } catch (error) {
    console.error('soak failed:', error);
    process.exit(1);
  }
}
