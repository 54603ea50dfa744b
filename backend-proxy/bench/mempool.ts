// Live mempool benchmarks, each beside a baseline measured in the same run:
//
// - mempool.ingest_tx_per_s: ZMQ `sequence` A events applied per second by the proxy's
//   MempoolSync + CompactMempool, with the fee histogram (CPFP-aware, LiveHistogram as the
//   mempool.histogram stream computes it; BENCH_INGEST_VIEW=analysis: the full analysis() with
//   projected blocks) recomputed every 200 ms. Driven by feeding the subscriber path over a real ZMQ
//   socket: a worker thread publishes wire-exact messages (bench/mempoolPublisher.ts); the
//   getmempoolentry answers come from memory (each entry JSON-parsed from Core 28's verbose
//   form, as the RPC client would), so the figure is the proxy side only: ZMQ receive, decode,
//   queue, batch, packed store, histogram. Not included: the HTTP round trips to bitcoind.
//   Baseline: a naive Map<txid, verbose getmempoolentry JSON> fed by the same stream, with a
//   plain own-fee-rate histogram on the same 200 ms cadence.
// - mempool.bytes_per_tx: memory held per transaction at 1M (BENCH_MEMPOOL_TXS; heapUsed + arrayBuffers delta
//   after forced full GCs, the GC reached through v8.setFlagsFromString('--expose-gc') so no
//   node flag is needed), beside the naive Map of verbose entries.
// - mempool.analysis_ms: the live view's CPFP rates, fee histogram and 8 projected blocks
//   over 1M transactions (what every live refresh recomputes), beside projected blocks by a
//   comparator sort.
// - mempool.resync_ms: fill of a 1M-tx mempool from the bitcoind simulator (its own
//   process) with getrawmempool false true + batched getmempoolentry over real HTTP, beside
//   one verbose `getrawmempool true` call (fetch + parse).
// - mempool.live_cpu_percent / mempool.live_rss_mb: CPU and RSS of the live ZMQ path (+ the
//   histogram once a second) against a polling path that re-reads verbose getrawmempool every
//   2 s, each in its own process, side by side against one simulator in load mode at 7 and
//   70 tx/s (BENCH_SECONDS each, default 20).
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import pino from 'pino';
import { FEE_BAND_EDGES, feeBandIndex } from '@nodescope/shared';
import { UpstreamHealth } from '../src/core/circuit.js';
import { SecretScrubber } from '../src/core/logger.js';
import { BitcoinRpc, DEFAULT_IN_FLIGHT, MAX_IN_FLIGHT, RpcError, resolveRpcTarget, type RpcCallList } from '../src/sources/bitcoin/client.js';
import { BLOCK_VSIZE, effectiveFeeRates, feeHistogram, projectBlocks, PROJECTED_BLOCKS } from '../src/sources/bitcoin/feerates.js';
import { CompactMempool, type MempoolEntryInput, type MempoolView } from '../src/sources/bitcoin/mempool.js';
import { LiveHistogram } from '../src/sources/bitcoin/liveHistogram.js';
import { MempoolSync, toEntryInput, type MempoolEntryRpc } from '../src/sources/bitcoin/mempoolSync.js';
import { decodeSequenceMessage } from '../src/sources/bitcoin/zmq.js';
import { Subscriber } from 'zeromq';
import { ratio, type BenchResult } from './lib.js';
import { processCpuSeconds, startSimProcess, type SimProcess } from './proxyProcess.js';

const INGEST_TXS = Number(process.env.BENCH_INGEST_TXS ?? 100_000);
/**
 * ingest rounds, each running both paths, in alternating order (ours first, then the naive one
 * first): the second run of a pair profits from a warm JIT and zeromq, which one fixed order
 * gave to the baseline every time
 */
const INGEST_ROUNDS = Number(process.env.BENCH_INGEST_ROUNDS ?? 2);
/**
 * what 'ours' recomputes every 200 ms: 'histogram' (default) is what the mempool.histogram
 * stream computes (LiveHistogram: CPFP rates and bands, state.ts liveHistogram()), like the
 * naive path's histogram; 'analysis' adds the projected blocks, which the proxy computes only
 * while someone streams mempool.blocks (index.ts), at their own slower pace
 */
const INGEST_VIEW = process.env.BENCH_INGEST_VIEW === 'analysis' ? 'analysis' : 'histogram';
/** BENCH_INGEST_STUB=sync: getmempoolentry answered within the call (no real client can), for an A/B */
const SYNC_STUB = process.env.BENCH_INGEST_STUB === 'sync';
// a raised maxmempool: mainnet passed 500k transactions in 2023; 1M is the goal here
const MEMORY_TXS = Number(process.env.BENCH_MEMPOOL_TXS ?? 1_000_000);
const LIVE_SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const LIVE_INITIAL_MEMPOOL = Number(process.env.BENCH_LIVE_MEMPOOL ?? 50_000);
const LIVE_RATES = [7, 70];
/** which parts to run (BENCH_MEMPOOL_PARTS=analysis,resync), so one figure can be re-measured alone */
const PARTS = new Set((process.env.BENCH_MEMPOOL_PARTS ?? 'ingest,memory,analysis,resync,live').split(','));
const MAX_BATCH = 500; // the bitcoin source's rpc.maxBatch default
/**
 * BENCH_PIN=1: the resync's simulator on core 0 and this process (the proxy side) on core 1
 * (taskset, every thread): a real bitcoind is another machine, so this shows the proxy when it
 * does not share its core with the node. Off by default; the figure says which it was.
 */
const PIN = process.env.BENCH_PIN === '1';

// ---- synthetic entries in Core 28's getmempoolentry shape ----

/** xorshift32: a fixed stream of numbers, the same in every run */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x1_0000_0000;
  };
}

/** A txid as a flat string (hex of bytes, not a rope of concatenations that would skew heap figures). */
function txidOf(i: number, salt: number): string {
  const bytes = Buffer.allocUnsafe(32);
  let h = (i * 2654435761 + salt) >>> 0;
  for (let k = 0; k < 8; k++) {
    h = Math.imul(h ^ (h >>> 15), 2246822519) >>> 0;
    h = (h + k * 374761393 + i) >>> 0;
    bytes.writeUInt32BE(h, k * 4);
  }
  return bytes.toString('hex');
}

/** Verbose getmempoolentry JSON for the i-th synthetic transaction (one in ten spends the one before). */
export function verboseEntryJson(txids: string[], i: number, random: () => number): string {
  const vsize = 110 + Math.floor(random() * 400);
  const feeSat = Math.max(vsize, Math.floor(vsize * (1 + random() * random() * 120)));
  const depends = i > 0 && i % 10 === 0 ? [txids[i - 1]!] : [];
  const btc = (sat: number) => Number((sat / 1e8).toFixed(8));
  return JSON.stringify({
    vsize,
    weight: vsize * 4 - 3,
    time: 1_732_000_000 + i,
    height: 870_000,
    descendantcount: 1,
    descendantsize: vsize,
    ancestorcount: depends.length + 1,
    ancestorsize: vsize,
    wtxid: txidOf(i, 0x5eed),
    fees: { base: btc(feeSat), modified: btc(feeSat), ancestor: btc(feeSat), descendant: btc(feeSat) },
    depends,
    spentby: [],
    'bip125-replaceable': false,
    unbroadcast: false,
  });
}

export function syntheticMempool(count: number, salt: number): { txids: string[]; json: Map<string, string> } {
  const txids = Array.from({ length: count }, (_, i) => txidOf(i, salt));
  const random = rng(salt);
  const json = new Map<string, string>();
  txids.forEach((txid, i) => json.set(txid, verboseEntryJson(txids, i, random)));
  return { txids, json };
}

/** Own-fee-rate histogram of verbose entries: what a naive store would draw. */
export function naiveHistogram(entries: Iterable<MempoolEntryRpc>): number[] {
  const vsize = new Array<number>(FEE_BAND_EDGES.length).fill(0);
  for (const e of entries) vsize[feeBandIndex((e.fees.base * 1e8) / e.vsize)]! += e.vsize;
  return vsize;
}

export function benchRpc(rpcUrl: string, cookieFile: string, maxInFlight?: number): BitcoinRpc {
  return new BitcoinRpc({
    maxInFlight,
    sourceId: 'bench',
    target: resolveRpcTarget('regtest', { url: rpcUrl, cookieFile, timeoutMs: 120_000, maxBatch: MAX_BATCH, retries: 0, circuitOpenMs: 5_000 }),
    timeoutMs: 120_000,
    maxBatch: MAX_BATCH,
    retries: 0,
    health: new UpstreamHealth('rpc'),
    secrets: new SecretScrubber(),
  });
}

export const quietLogger = pino({ level: 'silent' });

async function until(check: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

// ---- 1. ingest ----

async function startPublisher(txids: string[]): Promise<{ endpoint: string; allow(upTo: number): void; stop(): Promise<void> }> {
  const url = new URL(import.meta.url.endsWith('.ts') ? './mempoolPublisher.ts' : './mempoolPublisher.js', import.meta.url);
  const worker = new Worker(url, { workerData: { txids } });
  const endpoint = await new Promise<string>((resolve, reject) => {
    worker.once('message', (m: { endpoint: string }) => resolve(m.endpoint));
    worker.once('error', reject);
  });
  return {
    endpoint,
    allow: (upTo) => worker.postMessage({ upTo }),
    stop: async () => {
      worker.postMessage({ stop: true });
      await new Promise((resolve) => worker.once('exit', resolve));
    },
  };
}

/** Keeps the publisher at most WINDOW messages ahead of what the consumer applied. */
const WINDOW = 20_000;

interface IngestRun {
  txPerS: number;
  /** process CPU per transaction (the publisher thread included, as for both paths) */
  cpuUsPerTx: number;
  /** CPU in the live view's recomputation every 200 ms (analysis() / the naive histogram), per transaction */
  liveViewUsPerTx: number;
  histograms: number;
  /** ours: getmempoolentry requests the sync made (adds per request = transactions / requests) */
  requests?: number;
}

const cpuMicros = (since: NodeJS.CpuUsage) => {
  const cpu = process.cpuUsage(since);
  return cpu.user + cpu.system;
};

export async function ingestCompact(mempool: { txids: string[]; json: Map<string, string> }): Promise<IngestRun> {
  const publisher = await startPublisher(mempool.txids);
  let requests = 0;
  const stub = {
    call: async (method: string) => {
      if (method === 'getrawmempool') return { txids: [], mempool_sequence: 0 };
      throw new Error(`unexpected ${method}`);
    },
    // the sync hands batchEach a call list (method, count, params(i)), as rpc.batchEach takes it
    batchEach: async (
      calls: RpcCallList,
      _options: unknown,
      onChunk: (outcomes: unknown[], chunk: number, offset: number) => void
    ) => {
      requests++;
      // a reply comes in a later turn of the event loop than its request (the HTTP client's
      // socket read), so adds that arrive meanwhile wait for the next request as with a node;
      // answering within the call made every add its own request (BENCH_INGEST_STUB=sync keeps that)
      if (!SYNC_STUB) await new Promise((resolve) => setImmediate(resolve));
      // one loop, no array of ids between: the stub stands for bitcoind, so its own work is kept
      // as small as the naive path's json.get + JSON.parse
      for (let offset = 0; offset < calls.count; offset += MAX_BATCH) {
        const outcomes: unknown[] = [];
        for (let k = offset; k < Math.min(offset + MAX_BATCH, calls.count); k++) {
          const json = mempool.json.get(calls.params(k)[0] as string);
          outcomes.push(
            json
              ? { ok: true, result: JSON.parse(json) as MempoolEntryRpc }
              : { ok: false, error: new RpcError('Transaction not in mempool', -5) }
          );
        }
        onChunk(outcomes, offset / MAX_BATCH, offset);
      }
    },
  } as unknown as BitcoinRpc;
  let allowed = 0;
  const sync = new MempoolSync({
    endpoint: publisher.endpoint,
    cap: 1_000_000,
    pollMs: 3_600_000,
    maxBatch: MAX_BATCH,
    rpc: stub,
    logger: quietLogger,
    now: Date.now,
    onChange: () => {
      if (sync.store.size + WINDOW / 2 > allowed) publisher.allow((allowed += WINDOW / 2));
    },
  });
  let histograms = 0;
  let lastVersion = -1;
  let liveMicros = 0;
  const liveHistogram = new LiveHistogram(sync);
  const live = setInterval(() => {
    if (sync.version !== lastVersion) {
      lastVersion = sync.version;
      const cpu0 = process.cpuUsage();
      if (INGEST_VIEW === 'analysis') sync.analysis();
      else liveHistogram.current();
      liveMicros += cpuMicros(cpu0);
      histograms++;
    }
  }, 200);
  try {
    sync.start();
    await until(() => sync.status().connected && sync.status().synced && !sync.status().syncing, 'ZMQ connected', 10_000);
    await new Promise((resolve) => setTimeout(resolve, 300)); // the subscription reaches the publisher
    const started = performance.now();
    const cpu0 = process.cpuUsage();
    liveMicros = 0;
    publisher.allow((allowed = WINDOW));
    await until(() => sync.store.size >= mempool.txids.length, 'all transactions applied', 120_000);
    const seconds = (performance.now() - started) / 1_000;
    const n = mempool.txids.length;
    const cpuUsPerTx = cpuMicros(cpu0) / n;
    const status = sync.status();
    if (status.gaps > 0 || status.resyncs > 2) throw new Error(`ingest saw gaps (${status.gaps}) or resyncs (${status.resyncs})`);
    return { txPerS: n / seconds, cpuUsPerTx, liveViewUsPerTx: liveMicros / n, histograms, requests };
  } finally {
    clearInterval(live);
    await sync.stop();
    await publisher.stop();
  }
}

export async function ingestNaive(mempool: { txids: string[]; json: Map<string, string> }): Promise<IngestRun> {
  const publisher = await startPublisher(mempool.txids);
  const store = new Map<string, MempoolEntryRpc>();
  const socket = new Subscriber({ linger: 0, receiveHighWaterMark: 100_000 });
  socket.connect(publisher.endpoint);
  socket.subscribe('sequence');
  let dirty = false;
  let liveMicros = 0;
  let histograms = 0;
  const live = setInterval(() => {
    if (dirty) {
      dirty = false;
      const cpu0 = process.cpuUsage();
      naiveHistogram(store.values());
      liveMicros += cpuMicros(cpu0);
      histograms++;
    }
  }, 200);
  let allowed = 0;
  const done = (async () => {
    for await (const frames of socket) {
      const message = decodeSequenceMessage(frames);
      if (!message || message.label !== 'A') continue;
      store.set(message.hash, JSON.parse(mempool.json.get(message.hash)!) as MempoolEntryRpc);
      dirty = true;
      if (store.size + WINDOW / 2 > allowed) publisher.allow((allowed += WINDOW / 2));
      if (store.size >= mempool.txids.length) return;
    }
  })();
  try {
    await new Promise((resolve) => setTimeout(resolve, 500)); // connected and subscribed
    const started = performance.now();
    const cpu0 = process.cpuUsage();
    liveMicros = 0;
    publisher.allow((allowed = WINDOW));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      done,
      new Promise((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error('naive ingest did not finish in 120 s')), 120_000);
      }),
    ]).finally(() => clearTimeout(timer));
    const n = mempool.txids.length;
    return { txPerS: n / ((performance.now() - started) / 1_000), cpuUsPerTx: cpuMicros(cpu0) / n, liveViewUsPerTx: liveMicros / n, histograms };
  } finally {
    clearInterval(live);
    socket.close();
    await publisher.stop();
  }
}

// ---- 2. bytes per transaction ----

function gcFunction(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function heldBytes(gc: () => void): number {
  for (let i = 0; i < 3; i++) gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** The compact store with `count` synthetic transactions, filled as a resync does (batches, parents linked). */
function fillCompact(txids: string[], random: () => number): CompactMempool {
  const chunk = 1_000;
  const store = new CompactMempool(1_000_000);
  for (let i = 0; i < txids.length; i += chunk) {
    const entries: MempoolEntryInput[] = [];
    for (let k = i; k < Math.min(i + chunk, txids.length); k++)
      entries.push(toEntryInput(txids[k]!, JSON.parse(verboseEntryJson(txids, k, random)) as MempoolEntryRpc));
    store.addEntries(entries);
  }
  return store;
}

export function memoryFigures(): { compact: number; compactSelfReported: number; naive: number } {
  const gc = gcFunction();
  const txids = Array.from({ length: MEMORY_TXS }, (_, i) => txidOf(i, 0xb17e5));

  let before = heldBytes(gc);
  let compact: CompactMempool | null = fillCompact(txids, rng(0xb17e5));
  const compactAfter = heldBytes(gc);
  const compactBytes = (compactAfter - before) / compact.size;
  const compactSelfReported = compact.bytesPerTx;
  compact = null;

  // the naive store: Map<txid, parsed verbose entry>
  const random2 = rng(0xb17e5);
  before = heldBytes(gc);
  let naive: Map<string, MempoolEntryRpc> | null = new Map();
  for (let k = 0; k < MEMORY_TXS; k++) {
    // a txid string of its own, as one parsed from an RPC reply would be
    naive.set(Buffer.from(txids[k]!, 'hex').toString('hex'), JSON.parse(verboseEntryJson(txids, k, random2)) as MempoolEntryRpc);
  }
  const naiveBytes = (heldBytes(gc) - before) / naive.size;
  naive = null;
  return { compact: compactBytes, compactSelfReported, naive: naiveBytes };
}

// ---- 2b. the live view's analysis ----

/** Projected blocks the straightforward way: a comparator sort, then a sort per block (the baseline). */
function comparatorProjectBlocks(view: MempoolView, rates: Float64Array): Array<{ txCount: number; vsize: number; medianFee: number }> {
  const order = Array.from(view.slots).sort((a, b) => rates[b]! - rates[a]! || a - b);
  const out: Array<{ txCount: number; vsize: number; medianFee: number }> = [];
  let members: number[] = [];
  let used = 0;
  const close = () => {
    if (members.length === 0) return;
    const sorted = Float64Array.from(members, (slot) => rates[slot]!).sort();
    out.push({ txCount: members.length, vsize: used, medianFee: sorted[Math.floor(0.5 * (sorted.length - 1) + 0.5)]! });
    members = [];
    used = 0;
  };
  for (const slot of order) {
    const vsize = view.vsize(slot);
    if (out.length < PROJECTED_BLOCKS && used + vsize > BLOCK_VSIZE && members.length > 0) close();
    members.push(slot);
    used += vsize;
  }
  close();
  return out;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Median ms of the live view's analysis (rates, histogram, projected blocks) at MEMORY_TXS, both ways. */
export function analysisFigures(): {
  compactMs: number;
  comparatorMs: number;
  txs: number;
  parts: { ratesMs: number; histogramMs: number; blocksMs: number };
  cpuMsPerRun: number;
} {
  const txids = Array.from({ length: MEMORY_TXS }, (_, i) => txidOf(i, 0x5eed));
  const store = fillCompact(txids, rng(0x5eed));
  const view = store.view();
  const ours: number[] = [];
  const baseline: number[] = [];
  const parts = { rates: [] as number[], histogram: [] as number[], blocks: [] as number[] };
  let cpuMicros = 0;
  for (let run = 0; run < 7; run++) {
    const cpu0 = process.cpuUsage();
    let t = performance.now();
    const rates = effectiveFeeRates(view);
    const t1 = performance.now();
    feeHistogram(view, rates);
    const t2 = performance.now();
    const blocks = projectBlocks(view, rates);
    const t3 = performance.now();
    const cpu = process.cpuUsage(cpu0);
    cpuMicros += cpu.user + cpu.system;
    ours.push(t3 - t);
    parts.rates.push(t1 - t);
    parts.histogram.push(t2 - t1);
    parts.blocks.push(t3 - t2);
    t = performance.now();
    const rates2 = effectiveFeeRates(view);
    feeHistogram(view, rates2);
    const plain = comparatorProjectBlocks(view, rates2);
    baseline.push(performance.now() - t);
    // both must project the same blocks, or the comparison means nothing
    if (JSON.stringify(plain) !== JSON.stringify(blocks.map((b) => ({ txCount: b.txCount, vsize: b.vsize, medianFee: b.medianFee }))))
      throw new Error('radix and comparator projections differ');
  }
  return {
    compactMs: median(ours),
    comparatorMs: median(baseline),
    txs: store.size,
    parts: { ratesMs: round(median(parts.rates)), histogramMs: round(median(parts.histogram)), blocksMs: round(median(parts.blocks)) },
    cpuMsPerRun: round(cpuMicros / 7 / 1_000),
  };
}

// ---- simulator in its own process ----

// ---- 3. resync ----

const RESYNC_SHAPE = 'own process (--max-semi-space-size=64), real HTTP JSON-RPC, batches of 200 getmempoolentry (mempoolSync ENTRY_BATCH), client.ts DEFAULT_IN_FLIGHT (4) in flight for the whole fill (each converted as it arrives)';

interface ResyncFigures {
  compactMs: number;
  verboseMs: number;
  verboseBytes: number;
  /** false when the reply was too large to parse (then verboseMs is the receive time alone) */
  verboseParsed: boolean;
  txs: number;
  /** CPU seconds during the compact fill: this process (the proxy side) and the simulator */
  proxyCpuS: number;
  simulatorCpuS: number;
  /** each fill at the client's default depth, and at MAX_IN_FLIGHT (8) for comparison */
  fills: ResyncFill[];
  atMax: ResyncFill[];
}

interface ResyncFill {
  depth: number;
  ms: number;
  proxyCpuS: number;
  simulatorCpuS: number;
  txs: number;
}

/** BENCH_RESYNC_ROUNDS fills at each depth (median reported); BENCH_RESYNC_COMPARE=0 skips the fills at MAX_IN_FLIGHT */
const RESYNC_ROUNDS = Math.max(1, Number(process.env.BENCH_RESYNC_ROUNDS ?? 1));
const RESYNC_COMPARE = process.env.BENCH_RESYNC_COMPARE !== '0';

/** Largest verbose reply parsed for the baseline: the proxy's own bitcoind reply cap (256 MiB). */
const VERBOSE_PARSE_LIMIT = 256 * 2 ** 20;

/**
 * The baseline: one verbose `getrawmempool true`, fetched and parsed. Past the proxy's 256 MiB
 * reply cap (a 1M mempool is ~500 MB of JSON, near V8's longest string) it is only received,
 * so the figure is then a lower bound of what the naive way would cost.
 */
async function verboseGetrawmempool(sim: SimProcess, txs: number): Promise<{ ms: number; bytes: number; parsed: boolean }> {
  const cookie = readFileSync(sim.cookieFile, 'utf8').trim();
  const started = performance.now();
  const response = await fetch(sim.rpcUrl, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(cookie).toString('base64')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '1.0', id: 1, method: 'getrawmempool', params: [true] }),
  });
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    if (bytes <= VERBOSE_PARSE_LIMIT) chunks.push(Buffer.from(chunk));
    else chunks.length = 0;
  }
  let parsed = false;
  if (bytes <= VERBOSE_PARSE_LIMIT) {
    const reply = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { result: Record<string, MempoolEntryRpc> };
    if (Object.keys(reply.result).length < txs * 0.99) throw new Error('verbose getrawmempool returned too few entries');
    parsed = true;
  }
  return { ms: performance.now() - started, bytes, parsed };
}

/** every thread of a process onto the given cores (util-linux taskset) */
function pinTo(pid: number, cores: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', cores, String(pid)], { stdio: 'ignore' });
}

/** one fill of the simulator's mempool by a fresh MempoolSync with `depth` requests in flight */
async function fillOnce(sim: SimProcess, depth: number): Promise<ResyncFill> {
  const rpc = benchRpc(sim.rpcUrl, sim.cookieFile, depth);
  const sync = new MempoolSync({
    endpoint: null,
    cap: 1_000_000,
    pollMs: 3_600_000,
    maxBatch: MAX_BATCH,
    rpc,
    logger: quietLogger,
    now: Date.now,
  });
  if (PIN) {
    pinTo(sim.child.pid!, '0');
    pinTo(process.pid, '1');
  }
  const simCpu0 = processCpuSeconds(sim.child.pid);
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  sync.start();
  await until(() => sync.status().synced, 'the initial fill', 120_000);
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpu0);
  const simulatorCpuS = processCpuSeconds(sim.child.pid) - simCpu0;
  const txs = sync.store.size;
  if (PIN) pinTo(process.pid, `0-${availableParallelism() - 1}`);
  await sync.stop();
  rpc.close();
  return { depth, ms, proxyCpuS: (cpu.user + cpu.system) / 1e6, simulatorCpuS, txs };
}

export async function resyncFigures(): Promise<ResyncFigures> {
  // a young generation of 64 MiB: the simulator holds 1M transactions as objects, and its
  // answers' garbage no longer survives into full collections of that heap (its CPU during the
  // fill 7.1 -> 6.2 s, A/B at load 10-13); the proxy side keeps node's defaults
  const sim = await startSimProcess(['--initial-mempool', String(MEMORY_TXS)], ['--max-semi-space-size=64']);
  try {
    // A/B on one simulator: the client's default depth and MAX_IN_FLIGHT, alternating order each
    // round (the second fill meets a warmer simulator)
    const ours: ResyncFill[] = [];
    const atMax: ResyncFill[] = [];
    for (let r = 0; r < RESYNC_ROUNDS; r++) {
      for (const depth of r % 2 === 0 ? [DEFAULT_IN_FLIGHT, MAX_IN_FLIGHT] : [MAX_IN_FLIGHT, DEFAULT_IN_FLIGHT]) {
        if (depth === MAX_IN_FLIGHT && !RESYNC_COMPARE) continue;
        const fill = await fillOnce(sim, depth);
        (depth === MAX_IN_FLIGHT ? atMax : ours).push(fill);
        console.log(
          `  resync fill, ${depth} in flight: ${Math.round(fill.ms)} ms wall, CPU proxy ${round(fill.proxyCpuS, 2)} s + simulator ${round(fill.simulatorCpuS, 2)} s, load ${loadavg()[0]!.toFixed(2)}`
        );
      }
    }
    const txs = Math.min(...ours.map((f) => f.txs), ...atMax.map((f) => f.txs));
    const verbose = await verboseGetrawmempool(sim, txs);
    return {
      compactMs: median(ours.map((f) => f.ms)),
      verboseMs: verbose.ms,
      verboseBytes: verbose.bytes,
      verboseParsed: verbose.parsed,
      txs,
      proxyCpuS: median(ours.map((f) => f.proxyCpuS)),
      simulatorCpuS: median(ours.map((f) => f.simulatorCpuS)),
      fills: ours,
      atMax,
    };
  } finally {
    await sim.stop();
  }
}

// ---- 4. live vs polling, each in its own process ----

interface PathFigures {
  path: 'live' | 'poll';
  cpuPercent: number;
  rssMaxMb: number;
  rssAvgMb: number;
  txs: number;
}

async function runPath(path: 'live' | 'poll', sim: SimProcess, seconds: number): Promise<PathFigures> {
  const script = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './mempoolPath.ts' : './mempoolPath.js', import.meta.url));
  const child = spawn(process.execPath, [script, path, sim.rpcUrl, sim.cookieFile, sim.zmqSequence ?? '', String(seconds)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const line = output.split('\n').find((l) => l.startsWith('{'));
  if (code !== 0 || !line) throw new Error(`${path} path failed (${code}): ${output}`);
  return JSON.parse(line) as PathFigures;
}

async function liveFigures(): Promise<Array<{ rate: number; live: PathFigures; poll: PathFigures }>> {
  const out: Array<{ rate: number; live: PathFigures; poll: PathFigures }> = [];
  for (const rate of LIVE_RATES) {
    const sim = await startSimProcess([
      '--initial-mempool',
      String(LIVE_INITIAL_MEMPOOL),
      '--tx-per-second',
      String(rate),
      '--zmq-port',
      '0',
    ]);
    try {
      // both paths at once against the same node, so they see the same load
      const [live, poll] = await Promise.all([runPath('live', sim, LIVE_SECONDS), runPath('poll', sim, LIVE_SECONDS)]);
      out.push({ rate, live, poll });
    } finally {
      await sim.stop();
    }
  }
  return out;
}

// ---- the bench ----

const round = (n: number, digits = 1) => Number(n.toFixed(digits));

export async function runMempoolBench(): Promise<BenchResult[]> {
  const load = () => loadavg().map((l) => round(l, 2));
  console.log(`mempool bench: load average before ${load().join(' ')}; parts ${[...PARTS].join(',')}`);
  const results: BenchResult[] = [];

  if (PARTS.has('ingest')) {
    const mempool = syntheticMempool(INGEST_TXS, 0x1a9e57);
    const ours: IngestRun[] = [];
    const naive: IngestRun[] = [];
    for (let r = 0; r < INGEST_ROUNDS; r++) {
      if (r % 2 === 0) {
        ours.push(await ingestCompact(mempool));
        naive.push(await ingestNaive(mempool));
      } else {
        naive.push(await ingestNaive(mempool));
        ours.push(await ingestCompact(mempool));
      }
    }
    const loadAfterIngest = load();
    const oursTx = median(ours.map((x) => x.txPerS));
    const naiveTx = median(naive.map((x) => x.txPerS));
    const perRun = (runs: IngestRun[]) =>
      runs.map((x) => ({
        txPerS: Math.round(x.txPerS),
        cpuUsPerTx: round(x.cpuUsPerTx, 2),
        liveViewUsPerTx: round(x.liveViewUsPerTx, 2),
        histograms: x.histograms,
        ...(x.requests === undefined ? {} : { requests: x.requests }),
      }));
    console.log(
      `  ingest done (${INGEST_ROUNDS} rounds, alternating order, ours' view: ${INGEST_VIEW}, stub ${SYNC_STUB ? 'sync' : 'async'}): ours ${ours.map((x) => Math.round(x.txPerS)).join(', ')} tx/s, ` +
        `naive ${naive.map((x) => Math.round(x.txPerS)).join(', ')} tx/s; CPU µs/tx ours ${ours.map((x) => round(x.cpuUsPerTx, 1)).join(', ')} ` +
        `(live view ${ours.map((x) => round(x.liveViewUsPerTx, 1)).join(', ')}), naive ${naive.map((x) => round(x.cpuUsPerTx, 1)).join(', ')} ` +
        `(live view ${naive.map((x) => round(x.liveViewUsPerTx, 1)).join(', ')}); load average ${loadAfterIngest.join(' ')}`
    );
    results.push({
      name: 'mempool.ingest_tx_per_s',
      value: Math.round(oursTx),
      unit: 'tx/s',
      goal: '>= 10,000 tx/s with the live histogram updating',
      baseline: { what: 'naive Map<txid, verbose entry> + own-rate histogram, same ZMQ stream (median of the rounds)', value: Math.round(naiveTx) },
      ratio: ratio(oursTx, naiveTx, false),
      details: {
        transactions: INGEST_TXS,
        rounds: INGEST_ROUNDS,
        ours: perRun(ours),
        naive: perRun(naive),
        cpuRatio: round(median(naive.map((x) => x.cpuUsPerTx)) / median(ours.map((x) => x.cpuUsPerTx)), 2),
        view: INGEST_VIEW,
        stub: SYNC_STUB ? 'answers within the call' : 'answers a turn of the event loop later',
        driven: 'real ZMQ socket fed by a worker-thread publisher; getmempoolentry answered from memory (JSON-parsed)',
        loadAverage: loadAfterIngest,
      },
    });
  }

  if (PARTS.has('memory')) {
    const memory = memoryFigures();
    results.push({
      name: 'mempool.bytes_per_tx',
      value: round(memory.compact),
      unit: 'B',
      goal: '<= 100 B at 1M transactions',
      baseline: { what: 'naive Map<txid, verbose getmempoolentry object>', value: Math.round(memory.naive) },
      ratio: ratio(memory.compact, memory.naive, true),
      details: {
        transactions: MEMORY_TXS,
        measured: 'heapUsed + arrayBuffers delta after 3 forced GCs (gc via v8.setFlagsFromString)',
        storeSelfReported: round(memory.compactSelfReported),
        loadAverage: load(),
      },
    });
  }

  if (PARTS.has('analysis')) {
    const loadBefore = load();
    const analysis = analysisFigures();
    results.push({
      name: 'mempool.analysis_ms',
      value: round(analysis.compactMs),
      unit: 'ms',
      goal: '<= 150 ms at 1M transactions',
      baseline: { what: 'same rates and histogram, blocks by comparator sort + a sort per block', value: round(analysis.comparatorMs) },
      ratio: ratio(analysis.compactMs, analysis.comparatorMs, true),
      details: {
        transactions: analysis.txs,
        measured: 'median of 7 runs of effectiveFeeRates + feeHistogram + projectBlocks; both projections checked equal',
        parts: analysis.parts,
        cpuMsPerRun: analysis.cpuMsPerRun,
        loadAverage: [loadBefore, load()],
      },
    });
  }

  if (PARTS.has('resync')) {
    const resync = await resyncFigures();
    const loadAfterResync = load();
    console.log(
      `  resync done (median of ${resync.fills.length}, ${DEFAULT_IN_FLIGHT} in flight): ${Math.round(resync.compactMs)} ms wall` +
        (resync.atMax.length ? ` against ${Math.round(median(resync.atMax.map((f) => f.ms)))} ms with ${MAX_IN_FLIGHT} in flight` : '') +
        `, CPU proxy ${round(resync.proxyCpuS, 2)} s + simulator ${round(resync.simulatorCpuS, 2)} s` +
        ` (${PIN ? 'pinned: simulator core 0, proxy core 1' : 'unpinned'}), load average ${loadAfterResync.join(' ')}`
    );
    results.push({
      name: 'mempool.resync_ms',
      value: Math.round(resync.compactMs),
      unit: 'ms',
      goal: '<= 4,000 ms at 1M transactions',
      baseline: {
        what: resync.verboseParsed ? 'one verbose getrawmempool true (fetch + parse)' : 'one verbose getrawmempool true, received only (too large to parse)',
        value: Math.round(resync.verboseMs),
      },
      ratio: ratio(resync.compactMs, resync.verboseMs, true),
      details: {
        transactions: resync.txs,
        simulator: RESYNC_SHAPE,
        cpuSecondsDuringFill: { proxy: round(resync.proxyCpuS, 2), simulator: round(resync.simulatorCpuS, 2) },
        inFlight: DEFAULT_IN_FLIGHT,
        fillsMs: resync.fills.map((f) => Math.round(f.ms)),
        atMaxInFlight: resync.atMax.length
          ? {
              inFlight: MAX_IN_FLIGHT,
              medianMs: Math.round(median(resync.atMax.map((f) => f.ms))),
              fillsMs: resync.atMax.map((f) => Math.round(f.ms)),
              cpuSeconds: { proxy: round(median(resync.atMax.map((f) => f.proxyCpuS)), 2), simulator: round(median(resync.atMax.map((f) => f.simulatorCpuS)), 2) },
            }
          : 'not run (BENCH_RESYNC_COMPARE=0)',
        pinned: PIN ? 'simulator on core 0, proxy side on core 1 (BENCH_PIN=1)' : 'no (both free to share the cores)',
        verboseReplyMB: round(resync.verboseBytes / 1e6),
        loadAverage: loadAfterResync,
      },
    });
  }

  if (PARTS.has('live')) {
    const live = await liveFigures();
    const loadAfterLive = load();
    console.log(`  live vs polling done, load average ${loadAfterLive.join(' ')}`);
    const at70 = live.find((l) => l.rate === 70) ?? live[live.length - 1]!;
    const liveTable = live.map(({ rate, live: l, poll: p }) => ({
      txPerSecond: rate,
      mempoolTxs: l.txs,
      seconds: LIVE_SECONDS,
      liveCpuPercent: l.cpuPercent,
      pollCpuPercent: p.cpuPercent,
      liveRssMaxMb: l.rssMaxMb,
      pollRssMaxMb: p.rssMaxMb,
      liveRssAvgMb: l.rssAvgMb,
      pollRssAvgMb: p.rssAvgMb,
    }));
    results.push(
      {
        name: 'mempool.live_cpu_percent',
        value: at70.live.cpuPercent,
        unit: '% core',
        goal: 'below the 2 s verbose polling path',
        baseline: { what: 'verbose getrawmempool every 2 s', value: at70.poll.cpuPercent },
        ratio: ratio(at70.live.cpuPercent, at70.poll.cpuPercent, true),
        details: { at: `${at70.rate} tx/s`, table: liveTable, loadAverage: loadAfterLive },
      },
      {
        name: 'mempool.live_rss_mb',
        value: at70.live.rssMaxMb,
        unit: 'MB',
        goal: 'below the 2 s verbose polling path',
        baseline: { what: 'verbose getrawmempool every 2 s', value: at70.poll.rssMaxMb },
        ratio: ratio(at70.live.rssMaxMb, at70.poll.rssMaxMb, true),
        details: { at: `${at70.rate} tx/s`, peak: 'max RSS sampled every 250 ms', loadAverage: loadAfterLive },
      }
    );
  }
  return results;
}
