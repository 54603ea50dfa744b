// Fleet benchmarks:
// - fleet.poll_5000_ms: one poll cycle over 5,000 simulated miners (four firmware flavours)
//   with the cgminer source's bounded-concurrency poller, beside a sequential poller
//   (one miner after the other, same client and commands) in the same run.
//   Goals: <= 5 s, >= 20x faster than sequential.
// - metrics.render_5000_miners_ms: rendering /metrics (renderExposition, as the route does) with
//   those 5,000 miners' mining_* series, whose per-miner families are pre-rendered once per poll
//   (core/exposition.ts), beside serialising the `miners` table frame of the same fleet; the
//   details give the per-poll cost of pre-rendering and prom-client formatting every series
//   (registry.metrics(), the path before pre-rendering). Goal: <= 50 ms.
// The simulated fleet runs in a worker thread so its replies do not share the poller's event loop,
// and every reply waits BENCH_LATENCY_MS (default 20 ms: a miner controller's own answer time
// plus the LAN; an assumption, not a measurement — with 0 the comparison only measures CPU).
// The sequential baseline is measured on BENCH_SEQUENTIAL_SAMPLE miners (default 250) and
// scaled linearly to the fleet, since one-after-the-other time is the sum of per-miner times.
import { loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { CoalescingCache } from '../src/core/cache.js';
import { renderExposition } from '../src/core/exposition.js';
import type { SourceContext } from '../src/core/context.js';
import { HistoryStore } from '../src/core/history.js';
import { createLogger, SecretScrubber } from '../src/core/logger.js';
import { MetricFactory, selfMetrics } from '../src/core/metrics.js';
import { cgminerConfigSchema } from '../src/sources/cgminer/config.js';
import { createCgminerSource, type CgminerSource } from '../src/sources/cgminer/index.js';
import { createMiningMetrics } from '../src/sources/cgminer/metrics.js';
import { FleetPoller } from '../src/sources/cgminer/poller.js';
import { ratio, type BenchResult } from './lib.js';
import { LokiPusher } from '../src/outputs/loki.js';

const MINERS = Number(process.env.BENCH_MINERS ?? 5_000);
const CONCURRENCY = Number(process.env.BENCH_FLEET_CONCURRENCY ?? 256);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);
const SEQUENTIAL_SAMPLE = Number(process.env.BENCH_SEQUENTIAL_SAMPLE ?? 250);

interface WorkerMiner {
  host: string;
  port: number;
  name: string;
  flavour: string;
}

function startFleetWorker(count: number, latencyMs: number): Promise<{ worker: Worker; miners: WorkerMiner[] }> {
  const url = new URL(import.meta.url.endsWith('.ts') ? './fleetWorker.ts' : './fleetWorker.js', import.meta.url);
  const worker = new Worker(url, { workerData: { count, latencyMs } });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (message: { miners: WorkerMiner[] }) => resolve({ worker, miners: message.miners }));
  });
}

function ask<T>(worker: Worker, message: string, key: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (reply: Record<string, unknown>) => {
      if (key in reply) {
        worker.off('message', onMessage);
        resolve(reply[key] as T);
      }
    };
    worker.on('message', onMessage);
    worker.postMessage(message);
  });
}

function benchContext(): SourceContext {
  const secrets = new SecretScrubber();
  const metrics = new MetricFactory();
  return {
    logger: createLogger({ level: 'silent', scrubber: secrets }),
    metrics,
    self: selfMetrics(metrics),
    cache: new CoalescingCache(),
    history: new HistoryStore(),
    secrets,
    lookup: () => undefined,
    now: Date.now,
    openLogPush: (push) => new LokiPusher(push),
  };
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

export async function runFleetBench(): Promise<BenchResult[]> {
  const { worker, miners } = await startFleetWorker(MINERS, LATENCY_MS);
  try {
    const context = benchContext();
    const config = cgminerConfigSchema.parse({
      id: 'bench-farm',
      kind: 'cgminer',
      miners: miners.map((m) => ({ host: m.host, port: m.port, name: m.name })),
      concurrency: CONCURRENCY,
      jitter: 0,
      timeoutMs: 10_000,
      connectTimeoutMs: 5_000,
      historySize: 60,
    });
    const source = createCgminerSource(config, context) as CgminerSource;

    // first cycle identifies every miner (version + devdetails), later cycles only poll
    const coldMs = await timed(() => source.fleet.pollNow());
    const warm: number[] = [];
    for (let i = 0; i < 3; i++) warm.push(await timed(() => source.fleet.pollNow()));
    warm.sort((a, b) => a - b);
    const pollMs = warm[1]!;
    const online = source.fleet.miners().filter((m) => m.status === 'online').length;

    // the sequential way: one miner after the other (same client, same commands, identities known)
    const sequential = new FleetPoller({
      sourceId: 'bench-sequential',
      client: { connectTimeoutMs: 5_000, timeoutMs: 10_000 },
      concurrency: 1,
      jitterMs: 0,
      historySize: 10,
      history: new HistoryStore(),
      now: Date.now,
    });
    const sample = [...source.fleet.poller.miners.values()].slice(0, Math.min(SEQUENTIAL_SAMPLE, MINERS));
    for (const record of sample) {
      sequential.add({ host: record.host, port: record.port, name: record.name, ...(record.identity ? { identity: record.identity } : {}) });
    }
    const sampleMs = await timed(() => sequential.pollAll());
    const sequentialMs = (sampleMs * MINERS) / sample.length;
    const sequentialOnline = [...sequential.miners.values()].filter((r) => r.status === 'online').length;

    // /metrics with 5,000 miners' series
    const renders: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 7; i++) {
      const start = performance.now();
      const text = await renderExposition(context.metrics.registry);
      renders.push(performance.now() - start);
      bytes = text.length;
    }
    renders.sort((a, b) => a - b);
    const renderMs = renders[3]!;
    const series = (await context.metrics.registry.getMetricsAsJSON()).reduce((n, metric) => n + metric.values.length, 0);
    // every series formatted by prom-client on each scrape: what /metrics did before pre-rendering
    const promClient: number[] = [];
    for (let i = 0; i < 3; i++) promClient.push(await timed(() => context.metrics.registry.metrics()));
    promClient.sort((a, b) => a - b);
    // what each poll now pays once: per-miner state -> samples -> exposition lines
    const records = [...source.fleet.poller.miners.values()];
    const publish: number[] = [];
    const republish = createMiningMetrics(new MetricFactory(), 'bench-farm');
    republish.update(records, source.fleet.progress, source.fleet.poller.lastCycle); // the first poll creates the per-miner state
    for (let i = 0; i < 5; i++) publish.push(await timed(async () => republish.update(records, source.fleet.progress, source.fleet.poller.lastCycle)));
    publish.sort((a, b) => a - b);
    // the same fleet with metricsDetail: fleet (up + hashrate per miner)
    const lean = new MetricFactory();
    createMiningMetrics(lean, 'bench-farm', 'fleet').update([...source.fleet.poller.miners.values()], source.fleet.progress, source.fleet.poller.lastCycle);
    const leanRenders: number[] = [];
    for (let i = 0; i < 7; i++) leanRenders.push(await timed(() => renderExposition(lean.registry)));
    leanRenders.sort((a, b) => a - b);
    const leanSeries = (await lean.registry.getMetricsAsJSON()).reduce((n, metric) => n + metric.values.length, 0);
    const frames: number[] = [];
    for (let i = 0; i < 7; i++) {
      frames.push(await timed(async () => JSON.stringify(await source.queries.miners!({ params: {}, range: { from: 0, to: Date.now() }, intervalMs: 1000, maxDataPoints: 1000 }))));
    }
    frames.sort((a, b) => a - b);
    const counts = await ask<Record<string, number>>(worker, 'counts', 'counts');
    await source.stop();

    return [
      {
        name: 'fleet.poll_5000_ms',
        value: Math.round(pollMs),
        unit: 'ms',
        goal: '<= 5000 ms, >= 20x the sequential poller',
        baseline: {
          what: `sequential poller (one miner after the other), same commands, ${sample.length} miners measured x${(MINERS / sample.length).toFixed(0)}`,
          value: Math.round(sequentialMs),
        },
        ratio: ratio(pollMs, sequentialMs, true),
        details: {
          miners: MINERS,
          concurrency: CONCURRENCY,
          replyLatencyMs: LATENCY_MS,
          online,
          sequentialSampleMs: Math.round(sampleMs),
          sequentialOnline,
          coldCycleMs: Math.round(coldMs),
          warmCyclesMs: warm.map(Math.round),
          commandsReceived: counts,
          rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
        },
      },
      {
        name: 'metrics.render_5000_miners_ms',
        value: Number(renderMs.toFixed(1)),
        unit: 'ms',
        goal: '<= 50 ms',
        baseline: { what: 'JSON of the `miners` table frame of the same fleet', value: Number(frames[3]!.toFixed(1)) },
        ratio: ratio(renderMs, frames[3]!, true),
        details: {
          metricsDetail: 'miner (default)',
          series,
          bytes,
          rendersMs: renders.map((r) => Number(r.toFixed(1))),
          prerenderPerPollMs: Number(publish[2]!.toFixed(1)),
          promClientAllSeriesMs: Number(promClient[1]!.toFixed(1)),
          loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
          fleetDetail: { series: leanSeries, medianMs: Number(leanRenders[3]!.toFixed(1)) },
        },
      },
    ];
  } finally {
    await ask(worker, 'close', 'closed');
    await worker.terminate();
  }
}
