// BENCH=livesse, live.zmq_to_sse_p99_ms (the proxy alone; BENCH=live adds the Go backend): from a ZMQ `sequence` message reaching the proxy to the first SSE frame
// that shows it, at 10x mainnet's transaction rate. Mainnet averages ~7 tx/s (~600k a day, see
// the README), so the simulator publishes 70 tx/s (BENCH_LIVE_RATE); blocks are left out so the
// mempool only grows and a frame's transaction count says which messages it shows.
// - the bitcoind simulator runs in its own process and publishes on its ZMQ PUB socket;
// - the proxy (its own process) subscribes to it and serves the `mempool.histogram` stream;
// - this process subscribes to the same PUB socket (when a message reaches this SUB, it reaches
//   the proxy's SUB on the same host) and reads the stream over a raw SSE socket.
// A message that takes the mempool to N transactions is shown by the first frame whose count
// frame sums to >= N. Baseline, same run: the same proxy without ZMQ, polling every second.
// A/B against another build in the same run: BENCH_LIVE_BASELINE_CLI=<its dist/src/cli.js> runs
// it over the same simulator right after this one (e.g. a build of the previous commit made in a
// git worktree). The proxy's CPU seconds per run are given too: on a shared machine they do not
// depend on the neighbours as wall time does.
// BENCH_LIVE_ROUNDS=N (default 1) measures N rounds of this build and the baseline build, in
// alternating order (the first proxy of a run is measured while the simulator is still warming
// up); the figure is the p99 of every round's messages together, each round's own p99 beside it.
// BENCH_LIVE_PIN=<load cores>:<proxy cores> (e.g. 0:1) pins the simulator and this process (the
// upstream and the load generator) to the first cores and each proxy to the second (taskset -a,
// every thread), as a bitcoind on another machine would not share the proxy's core; the
// figures say whether they were pinned. Unset: no pinning.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { Subscriber } from 'zeromq';
import { decodeSequenceMessage } from '../src/sources/bitcoin/zmq.js';
import { percentile, ratio, type BenchResult } from './lib.js';
import { processCpuSeconds, startProxyProcess, startServerProcess, startSimProcess } from './proxyProcess.js';

const API_KEY = 'bench-api-key-0123456789';
const RATE = Number(process.env.BENCH_LIVE_RATE ?? 70);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const INITIAL_MEMPOOL = Number(process.env.BENCH_LIVE_MEMPOOL ?? 20_000);
const COUNT_FRAME = 'mempool.histogram.count';
const BASELINE_CLI = process.env.BENCH_LIVE_BASELINE_CLI;
const PIN = parsePin(process.env.BENCH_LIVE_PIN);
const ROUNDS = Math.max(1, Number(process.env.BENCH_LIVE_ROUNDS ?? 1));

function parsePin(value: string | undefined): { load: string; proxy: string } | null {
  if (!value) return null;
  const match = /^([\d,-]+):([\d,-]+)$/.exec(value);
  if (!match) throw new Error(`BENCH_LIVE_PIN=${value}: expected <load cores>:<proxy cores>, e.g. 0:1`);
  return { load: match[1]!, proxy: match[2]! };
}

/** Pins every thread of a running process to `cores` (taskset from util-linux). */
function pin(pid: number | undefined, cores: string): void {
  if (pid === undefined) throw new Error('no pid to pin');
  execFileSync('taskset', ['-a', '-p', '-c', cores, String(pid)], { stdio: 'ignore' });
}

interface Run {
  latencies: number[];
  messages: number;
  removals: number;
  frames: number;
  unshown: number;
  /** the proxy's CPU seconds (user + system) while measuring */
  proxyCpuSeconds?: number;
  /** the simulator's, in the same time (its answers to the proxy's getmempoolentry calls among them) */
  simCpuSeconds?: number;
}

/** Messages and frames for SECONDS against one proxy; latencies of the messages a frame showed. */
async function measure(proxyUrl: string, zmqSequence: string): Promise<Run> {
  // this side's view of the ZMQ stream: the arrival time of each message and the mempool size it implies
  const subscriber = new Subscriber({ linger: 0 });
  subscriber.connect(zmqSequence);
  subscriber.subscribe('sequence');
  const arrivals: Array<{ at: number; size: number }> = [];
  let removals = 0;
  let base: number | null = null; // the proxy's count when measuring starts
  let net = 0;
  let measuring = false;
  const reading = (async () => {
    for await (const frames of subscriber) {
      const at = performance.now();
      const message = decodeSequenceMessage(frames);
      if (!message || !measuring || base === null) continue;
      if (message.label === 'A') arrivals.push({ at, size: base + ++net });
      else if (message.label === 'R') {
        net--;
        removals++;
      }
    }
  })().catch(() => undefined);

  // the live stream, read raw: each frame's receipt time and its transaction count
  const url = new URL(proxyUrl);
  const counts: Array<{ at: number; count: number }> = [];
  const socket = connect(Number(url.port), url.hostname);
  socket.setEncoding('utf8');
  let buffer = '';
  socket.on('data', (chunk: string) => {
    const at = performance.now();
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = /^data: (.*)$/m.exec(event)?.[1];
      if (!data || !event.includes('event: frame')) continue;
      const frame = JSON.parse(data) as { schema: { name?: string }; data: { values: number[][] } };
      if (frame.schema.name !== COUNT_FRAME) continue;
      const count = frame.data.values.slice(1).reduce((sum, column) => sum + (column[column.length - 1] ?? 0), 0);
      counts.push({ at, count });
    }
  });
  socket.write(
    `GET /api/stream?sourceId=btc&query=mempool.histogram HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer ${API_KEY}\r\n\r\n`
  );

  // wait for a first frame, then count from there
  const deadline = Date.now() + 60_000;
  while (counts.length === 0) {
    if (Date.now() > deadline) throw new Error('no live frame within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  base = counts[counts.length - 1]!.count;
  const firstFrame = counts.length;
  measuring = true;
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1_000));
  measuring = false;
  await new Promise((resolve) => setTimeout(resolve, 3_000)); // frames that show the last messages
  socket.destroy();
  subscriber.close();
  await reading;

  const frames = counts.slice(firstFrame);
  const latencies: number[] = [];
  let unshown = 0;
  let f = 0;
  for (const { at, size } of arrivals) {
    while (f < frames.length && (frames[f]!.at < at || frames[f]!.count < size)) f++;
    if (f >= frames.length) unshown++;
    else latencies.push(frames[f]!.at - at);
  }
  return {
    latencies: latencies.sort((a, b) => a - b),
    messages: arrivals.length,
    removals,
    frames: frames.length,
    unshown,
  };
}

export async function runLiveSseBench(): Promise<BenchResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'nodescope-live-'));
  if (PIN) pin(process.pid, PIN.load);
  const sim = await startSimProcess([
    '--initial-mempool',
    String(INITIAL_MEMPOOL),
    '--tx-per-second',
    String(RATE),
    '--zmq-port',
    '0',
    '--block-interval-ms',
    '86400000',
  ]);
  const zmqSequence = sim.zmqSequence!;
  if (PIN) pin(sim.child.pid, PIN.load);
  const proxyConfig = (zmq: boolean) => ({
    server: { host: '127.0.0.1', port: 0, apiKey: API_KEY, logLevel: 'warn' },
    sources: [
      {
        id: 'btc',
        kind: 'bitcoin',
        network: 'regtest',
        rpc: { url: sim.rpcUrl, cookieFile: sim.cookieFile },
        geoip: false,
        pollSeconds: 1,
        ...(zmq ? { zmq: { sequence: zmqSequence } } : {}),
      },
    ],
  });
  type Mode = 'zmq' | 'zmqBaselineBuild' | 'poll';
  const runs: Record<Mode, Run[]> = { zmq: [], zmqBaselineBuild: [], poll: [] };
  const order: Mode[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const pair: Mode[] = BASELINE_CLI ? ['zmq', 'zmqBaselineBuild'] : ['zmq'];
    order.push(...(round % 2 === 0 ? pair : pair.reverse()));
  }
  order.push('poll');
  try {
    for (const mode of order) {
      const config = proxyConfig(mode !== 'poll');
      const proxy =
        mode === 'zmqBaselineBuild'
          ? await startBaselineBuild(config, dir)
          : await startProxyProcess(config, dir, `proxy-live-${mode}`);
      if (PIN) pin(proxy.child.pid, PIN.proxy);
      try {
        const cpuBefore = processCpuSeconds(proxy.child.pid);
        const simCpuBefore = processCpuSeconds(sim.child.pid);
        const run = await measure(proxy.url, zmqSequence);
        run.proxyCpuSeconds = Number((processCpuSeconds(proxy.child.pid) - cpuBefore).toFixed(2));
        run.simCpuSeconds = Number((processCpuSeconds(sim.child.pid) - simCpuBefore).toFixed(2));
        runs[mode].push(run);
      } finally {
        await proxy.stop();
      }
    }
  } finally {
    await sim.stop();
    await rm(dir, { recursive: true, force: true });
  }
  const zmq = pooled(runs.zmq);
  const poll = pooled(runs.poll);
  const baselineBuild = runs.zmqBaselineBuild.length > 0 ? pooled(runs.zmqBaselineBuild) : null;
  const figures = (run: Run) => ({
    p50: Number(percentile(run.latencies, 50).toFixed(1)),
    p95: Number(percentile(run.latencies, 95).toFixed(1)),
    p99: Number(percentile(run.latencies, 99).toFixed(1)),
    max: Number((run.latencies[run.latencies.length - 1] ?? NaN).toFixed(1)),
    messages: run.messages,
    shown: run.latencies.length,
    unshown: run.unshown,
    removals: run.removals,
    frames: run.frames,
    proxyCpuSeconds: run.proxyCpuSeconds,
    simCpuSeconds: run.simCpuSeconds,
  });
  return [
    {
      name: 'live.zmq_to_sse_p99_ms',
      value: figures(zmq).p99,
      unit: 'ms',
      goal: `<= 50 ms at ${RATE} tx/s (10x mainnet's ~7 tx/s)`,
      baseline: { what: 'same proxy without ZMQ, polling every 1 s', value: figures(poll).p99 },
      ratio: ratio(figures(zmq).p99, figures(poll).p99, true),
      details: {
        txPerSecond: RATE,
        seconds: SECONDS,
        initialMempool: INITIAL_MEMPOOL,
        stream: 'mempool.histogram (count frame)',
        pinned: PIN ? `simulator and load generator on cores ${PIN.load}, proxy on ${PIN.proxy}` : 'no',
        zmq: figures(zmq),
        ...(baselineBuild ? { zmqBaselineBuild: { cli: BASELINE_CLI, ...figures(baselineBuild) } } : {}),
        ...(ROUNDS > 1
          ? {
              rounds: {
                order,
                zmqP99: runs.zmq.map((run) => figures(run).p99),
                ...(baselineBuild ? { zmqBaselineBuildP99: runs.zmqBaselineBuild.map((run) => figures(run).p99) } : {}),
              },
            }
          : {}),
        poll: figures(poll),
        loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
      },
    },
  ];
}

/** Several runs of one proxy as one: every message's latency, the counts summed. */
function pooled(list: Run[]): Run {
  return {
    latencies: list.flatMap((run) => run.latencies).sort((a, b) => a - b),
    messages: list.reduce((n, run) => n + run.messages, 0),
    removals: list.reduce((n, run) => n + run.removals, 0),
    frames: list.reduce((n, run) => n + run.frames, 0),
    unshown: list.reduce((n, run) => n + run.unshown, 0),
    proxyCpuSeconds: Number(list.reduce((n, run) => n + (run.proxyCpuSeconds ?? NaN), 0).toFixed(2)),
    simCpuSeconds: Number(list.reduce((n, run) => n + (run.simCpuSeconds ?? NaN), 0).toFixed(2)),
  };
}

/** The proxy of another build (BENCH_LIVE_BASELINE_CLI) with the same config. */
async function startBaselineBuild(config: unknown, dir: string) {
  const file = join(dir, 'proxy-live-baseline-build.yaml');
  await writeFile(file, stringify(config));
  return startServerProcess([BASELINE_CLI!, '--config', file], 'proxy-live-baseline-build');
}
