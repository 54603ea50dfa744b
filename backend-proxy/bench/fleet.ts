// Fleet benchmarks:
// - fleet.poll_<N>_ms: one poll cycle over BENCH_MINERS (default 50,000) simulated miners (four firmware flavours)
//   with the cgminer source's bounded-concurrency poller, beside a sequential poller
//   (one miner after the other, same client and commands) in the same run.
//   Goals: <= 10 s at 50,000, >= 20x faster than sequential. The details give this process's CPU
//   time per warm cycle and, apart, the simulated fleet's (it runs in forked processes, one port
//   on many 127.x.y.z addresses), so a wall time set by the shared cores shows as such.
// - fleet.rss_<N>_mib: the polling process's RSS after those cycles, three scrapes of /metrics
//   through the proxy's route and one `miners` frame (goal <= 1 GiB); the fleet's memory is not counted.
// - metrics.render_<N>_miners_ms: rendering /metrics (renderExposition) with those miners'
//   mining_* series, whose per-miner families are pre-rendered once per poll
//   (core/exposition.ts), beside serialising the `miners` table frame of the same fleet; the
//   details give the per-poll cost of pre-rendering and prom-client formatting every series
//   (registry.metrics(), the path before pre-rendering). Goal: <= 50 ms.
// Every reply waits BENCH_LATENCY_MS (default 20 ms: a miner controller's own answer time
// plus the LAN; an assumption, not a measurement — with 0 the comparison only measures CPU).
// The sequential baseline is measured on BENCH_SEQUENTIAL_SAMPLE miners (default 250) and
// scaled linearly to the fleet, since one-after-the-other time is the sum of per-miner times.
import { get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { execFileSync, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
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
import { ioThreadCount } from '../src/sources/cgminer/ioThreads.js';
import { ratio, type BenchResult } from './lib.js';
import { LokiPusher } from '../src/outputs/loki.js';
import { metricsRoutes } from '../src/http/routes/metrics.js';

const MINERS = Number(process.env.BENCH_MINERS ?? 50_000);
const CONCURRENCY = Number(process.env.BENCH_FLEET_CONCURRENCY ?? 256);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);
const SEQUENTIAL_SAMPLE = Number(process.env.BENCH_SEQUENTIAL_SAMPLE ?? 250);
/** the source's ioThreads (default its own `auto`); 0 polls on the main thread alone */
const IO_THREADS: number | 'auto' = process.env.BENCH_IO_THREADS === undefined || process.env.BENCH_IO_THREADS === 'auto' ? 'auto' : Number(process.env.BENCH_IO_THREADS);
/**
 * BENCH_PIN=1 (opt-in): the simulated fleet on CPU 0, this process (the proxy, all its threads)
 * on CPU 1, as when the miners are other machines: the cycle then shows what the proxy does on
 * a core of its own. Unpinned, both share the machine's cores with whatever else runs. Pinned,
 * `ioThreads: auto` sees one CPU and starts no I/O thread: BENCH_IO_THREADS=1 keeps one.
 * At 50,000 miners BENCH_FLEET_CONCURRENCY=1024 keeps the cycle from waiting on the answers.
 */
const PIN = process.env.BENCH_PIN === '1';

interface WorkerMiner {
  host: string;
  port: number;
  name: string;
  flavour: string;
}

/** The simulated fleet, in forked processes (its CPU and memory are not the poller's). */
interface FleetHost {
  miners: WorkerMiner[];
  /** the sum over every part of the fleet */
  counts(): Promise<Record<string, number>>;
  /** RSS of the fleet's processes */
  rss(): Promise<number>;
  /** CPU time (user + system, µs) the fleet's processes used so far */
  cpu(): Promise<number>;
  close(): Promise<void>;
}

/** Miners per forked fleet process: each holds a socket per miner, under the 20k open-file limit. */
const MINERS_PER_PROCESS = 12_500;

type Channel = { send(message: string): void; on(event: 'message', f: (m: Record<string, unknown>) => void): void; off(event: 'message', f: (m: Record<string, unknown>) => void): void };

function ask<T>(channel: Channel, message: string, key: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (reply: Record<string, unknown>) => {
      if (key in reply) {
        channel.off('message', onMessage);
        resolve(reply[key] as T);
      }
    };
    channel.on('message', onMessage);
    channel.send(message);
  });
}

function sumCounts(all: Array<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const counts of all) for (const [command, n] of Object.entries(counts)) out[command] = (out[command] ?? 0) + n;
  return out;
}

async function startFleet(count: number, latencyMs: number): Promise<FleetHost> {
  const url = new URL(import.meta.url.endsWith('.ts') ? './fleetWorker.ts' : './fleetWorker.js', import.meta.url);
  // always in other processes, so this process's CPU time is the poller's alone. One port on
  // many 127.x.y.z addresses (Linux routes all of 127/8 to lo): 50k miners need more listeners
  // than there are free ports, and more sockets than one process may open
  const parts = Math.max(1, Math.ceil(count / MINERS_PER_PROCESS));
  const children = await Promise.all(
    Array.from({ length: parts }, async (_, part) => {
      const size = Math.min(MINERS_PER_PROCESS, count - part * MINERS_PER_PROCESS);
      const child = fork(fileURLToPath(url), [JSON.stringify({ count: size, latencyMs, part })], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      if (PIN) pin(child.pid!, '0');
      const channel: Channel = { send: (m) => child.send(m), on: (e, f) => child.on(e, f), off: (e, f) => child.off(e, f) };
      const miners = await new Promise<WorkerMiner[]>((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`fleet process ${part} exited (${code})`)));
        child.once('message', (message: { miners: WorkerMiner[] }) => resolve(message.miners));
      });
      // names are per process: made unique across the fleet
      return { child, channel, miners: miners.map((m) => ({ ...m, name: `${m.name}-p${part}` })) };
    })
  );
  const sum = async (message: string) => (await Promise.all(children.map((c) => ask<number>(c.channel, message, message)))).reduce((a, b) => a + b, 0);
  return {
    miners: children.flatMap((c) => c.miners),
    counts: async () => sumCounts(await Promise.all(children.map((c) => ask<Record<string, number>>(c.channel, 'counts', 'counts')))),
    rss: () => sum('rss'),
    cpu: () => sum('cpu'),
    close: async () => {
      await Promise.all(
        children.map(async (c) => {
          const exited = new Promise((resolve) => c.child.once('exit', resolve));
          c.child.kill('SIGTERM');
          await exited;
        })
      );
    },
  };
}

/** Pins a process and all its threads (present ones: call before starting any) to some CPUs. */
function pin(pid: number, cpus: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
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

/** /metrics served by the proxy's own route on a loopback port; a scrape reads the body through and counts it. */
async function metricsServer(context: SourceContext, source: CgminerSource) {
  const app = Fastify({ logger: false });
  metricsRoutes(app, {
    sources: new Map([[source.id, source]]),
    metrics: context.metrics,
    self: context.self,
    cache: context.cache,
    scrub: (text) => context.secrets.scrub(text),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const scrape = () =>
    new Promise<{ ms: number; bytes: number }>((resolve, reject) => {
      const start = performance.now();
      get({ host: '127.0.0.1', port, path: '/metrics' }, (response) => {
        let bytes = 0;
        response.on('data', (chunk: Buffer) => (bytes += chunk.length));
        response.on('end', () => resolve({ ms: performance.now() - start, bytes }));
        response.on('error', reject);
      }).on('error', reject);
    });
  return { scrape, close: () => app.close() };
}

const mib = (bytes: number) => Math.round(bytes / 2 ** 20);

export async function runFleetBench(): Promise<BenchResult[]> {
  // before the I/O threads start (they inherit this affinity)
  if (PIN) pin(process.pid, '1');
  const fleet = await startFleet(MINERS, LATENCY_MS);
  const miners = fleet.miners;
  try {
    const rssBefore = process.memoryUsage().rss;
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
      ioThreads: IO_THREADS,
    });
    const source = createCgminerSource(config, context) as CgminerSource;

    // first cycle identifies every miner (version + devdetails), later cycles only poll
    const coldMs = await timed(() => source.fleet.pollNow());
    const warm: number[] = [];
    // CPU time of this process per warm cycle: on a loaded machine the wall time says more about
    // the neighbours than the poller; the CPU time says what a quiet core would need. The
    // simulated fleet's CPU is measured apart (its own processes): with both on 2 cores, a wall
    // time near the sum of the two means the machine, not the poller, was the limit
    const simCpu0 = await fleet.cpu();
    const cpu0 = process.cpuUsage();
    // process.threadCpuUsage: Node 22.19+/23.9+ (npm scripts run Node 22 from node_modules/.bin)
    const threadCpu = (since?: NodeJS.CpuUsage) => (typeof process.threadCpuUsage === 'function' ? process.threadCpuUsage(since) : undefined);
    const mainCpu0 = threadCpu();
    for (let i = 0; i < 3; i++) warm.push(await timed(() => source.fleet.pollNow()));
    const cpu = process.cpuUsage(cpu0);
    const mainCpu = mainCpu0 && threadCpu(mainCpu0);
    const simCpuMicros = (await fleet.cpu()) - simCpu0;
    // the whole process (main and I/O threads), and the main thread alone
    const cpuMsPerCycle = (cpu.user + cpu.system) / 1_000 / 3;
    const mainCpuMsPerCycle = mainCpu ? (mainCpu.user + mainCpu.system) / 1_000 / 3 : null;
    warm.sort((a, b) => a - b);
    const pollMs = warm[1]!;
    const afterCycles = process.memoryUsage();
    const rssAfterCycles = afterCycles.rss;
    const ioHeapAfterCycles = await source.fleet.ioThreadsHeapUsed();
    const online = source.fleet.miners().filter((m) => m.status === 'online').length;

    // what a Prometheus scrape and a Grafana table cost the same process: /metrics through the
    // proxy's route (the first scrape after a poll formats the per-miner lines), then the
    // `miners` frame; RSS after both is the figure (the peak so far beside it)
    const server = await metricsServer(context, source);
    const scrapes: Array<{ ms: number; bytes: number }> = [];
    for (let i = 0; i < 3; i++) scrapes.push(await server.scrape());
    await server.close();
    const rssAfterScrape = process.memoryUsage().rss;
    const frameStart = performance.now();
    const frameBytes = JSON.stringify(await source.queries.miners!({ params: {}, range: { from: 0, to: Date.now() }, intervalMs: 1000, maxDataPoints: 1000 })).length;
    const frameMs = performance.now() - frameStart;
    const rssServed = process.memoryUsage().rss;
    const peakRss = process.resourceUsage().maxRSS * 1024;

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

    // the exposition alone (renderExposition, cached lines), without the route and the socket
    const renders: number[] = [];
    let bytes = 0;
    let series = 0;
    for (let i = 0; i < 7; i++) {
      const start = performance.now();
      const text = await renderExposition(context.metrics.registry);
      renders.push(performance.now() - start);
      if (i === 0) {
        bytes = text.length;
        for (const line of text.split('\n')) if (line !== '' && !line.startsWith('#')) series++;
      }
    }
    renders.sort((a, b) => a - b);
    const renderMs = renders[3]!;
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
    // every series formatted by prom-client on each scrape: what /metrics did before pre-rendering
    // (last: it allocates the most, and RSS was read above)
    const promClient: number[] = [];
    for (let i = 0; i < 3; i++) promClient.push(await timed(() => context.metrics.registry.metrics()));
    promClient.sort((a, b) => a - b);
    const counts = await fleet.counts();
    const fleetRss = await fleet.rss();
    const memory = process.memoryUsage();
    await source.stop();
    const load = loadavg().map((l) => Number(l.toFixed(2)));

    return [
      {
        name: `fleet.poll_${MINERS}_ms`,
        value: Math.round(pollMs),
        unit: 'ms',
        goal: '<= 10,000 ms at 50,000 miners, >= 20x the sequential poller',
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
          ioThreads: IO_THREADS === 'auto' ? `auto: ${ioThreadCount('auto')}` : IO_THREADS,
          pinned: PIN ? 'fleet on CPU 0, this process on CPU 1' : 'no',
          cpuMsPerWarmCycle: Math.round(cpuMsPerCycle),
          mainThreadCpuMsPerWarmCycle: mainCpuMsPerCycle === null ? 'needs Node 22' : Math.round(mainCpuMsPerCycle),
          cpuMicrosPerMiner: Math.round((cpuMsPerCycle * 1000) / MINERS),
          simulatorCpuMsPerWarmCycle: Math.round(simCpuMicros / 1000 / 3),
          warmCyclesMs: warm.map(Math.round),
          commandsReceived: counts,
          rssMiB: mib(memory.rss),
          heapUsedMiB: mib(memory.heapUsed),
          fleetSimulatorRssMiB: mib(fleetRss),
          loadAverage: load,
        },
      },
      {
        name: `fleet.rss_${MINERS}_mib`,
        value: mib(rssServed),
        unit: 'MiB',
        goal: '<= 1,024 MiB at 50,000 miners',
        baseline: { what: 'this process before the fleet source existed', value: mib(rssBefore) },
        ratio: ratio(rssServed, rssBefore, true),
        details: {
          miners: MINERS,
          measured: 'RSS of the polling process after the cold and 3 warm cycles, 3 scrapes of /metrics through its route and one `miners` frame',
          afterCyclesMiB: mib(rssAfterCycles),
          heapAfterCyclesMiB: { main: mib(afterCycles.heapUsed), ioThreads: mib(ioHeapAfterCycles), external: mib(afterCycles.external + afterCycles.arrayBuffers) },
          afterScrapesMiB: mib(rssAfterScrape),
          peakSoFarMiB: mib(peakRss),
          perMinerKiB: Number(((rssServed - rssBefore) / MINERS / 1024).toFixed(1)),
          scrapesMs: scrapes.map((s) => Math.round(s.ms)),
          scrapeBytes: scrapes[0]!.bytes,
          minersFrame: { ms: Math.round(frameMs), bytes: frameBytes },
          fleetSimulator: `${mib(fleetRss)} MiB in its own processes (not counted)`,
        },
      },
      {
        name: `metrics.render_${MINERS}_miners_ms`,
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
          loadAverage: load,
          fleetDetail: { series: leanSeries, medianMs: Number(leanRenders[3]!.toFixed(1)) },
        },
      },
    ];
  } finally {
    await fleet.close();
  }
}
