// /api/query throughput and latency with the cache on, beside two baselines in the same run:
// - a bare fastify route answering the same bytes (bench/bareServer.ts, its own process): the
//   ceiling of a Node server on this machine; rounds alternate between the two at c=64 so both
//   see the same load from whatever else runs on the machine;
// - the same proxy with every cache and all coalescing off (each request reaching bitcoind);
// and how many RPC calls 100 identical concurrent queries cause. The rounds against the bare
// route are run twice: with one body sent over and over, and with the body Grafana sends, whose
// range moves with every refresh (here by 1 ms a request, in the same second: the same cache
// key, other bytes), since the proxy remembers validated bodies (http/queryBodies.ts). Load comes from wrk (Debian's
// `wrk`, C, one thread, installed by scripts/system-deps.sh): without it the bench is skipped
// with a message, since a JS load generator on 2 cores measures itself as much as the proxy.
// The proxy and the baseline each run alone in their own process, the bitcoind simulator in this one.
//
// p99 at c=64 (BENCH_PIN=1, opt-in): wrk keeps 64 requests in flight (closed loop), so by Little's
// law the mean latency is 64 / throughput whatever the server does: p99 <= 2 ms needs at least
// 32,000 req/s. The sweep measures p99 for the bare fastify route, a bare node:http server and the
// proxy, each with wrk and the server sharing both cores (unpinned) and with wrk on core 0, the
// server on core 1 (`taskset`, pinned: the proxy does not share its core with the load, as with
// real upstreams on other machines), for a few wrk thread counts at c=64 (BENCH_WRK, e.g.
// "1x64,2x64": threads x connections), BENCH_P99_ROUNDS rounds each, alternating servers.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBitcoinSimulator } from '../src/simulators/bitcoin/index.js';
import { ratio, type BenchResult } from './lib.js';
import { processCpuSeconds, startProxyProcess, startServerProcess } from './proxyProcess.js';

const API_KEY = 'bench-api-key-0123456789';
const CONCURRENCY = [1, 16, 64] as const;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
/** alternating proxy / bare rounds at c=64 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BARE_SERVER = fileURLToPath(
  new URL(import.meta.url.endsWith('.ts') ? './bareServer.ts' : './bareServer.js', import.meta.url)
);

/** opt-in: the p99 sweep, pinned and unpinned (needs util-linux's taskset) */
const TASKSET = ['/usr/bin/taskset', '/bin/taskset'].find((path) => existsSync(path)) ?? null;
const PIN = process.env.BENCH_PIN === '1' && TASKSET !== null;
if (process.env.BENCH_PIN === '1' && TASKSET === null) console.log('query bench: BENCH_PIN=1 needs taskset (util-linux); the p99 sweep is skipped');
const P99_ROUNDS = Number(process.env.BENCH_P99_ROUNDS ?? 2);
/** wrk settings of the sweep, threads x connections */
const WRK_SETTINGS = (process.env.BENCH_WRK ?? '1x64,2x64').split(',').map((setting) => {
  const [threads, connections] = setting.split('x').map(Number);
  if (!(threads! >= 1 && connections! >= threads!)) throw new Error(`BENCH_WRK: "${setting}" is not <threads>x<connections>`);
  return { threads: threads!, connections: connections! };
});
/** where the load generator and the server run when pinned (the machine has 2 cores) */
const WRK_CPU = '0';
const SERVER_CPU = '1';
const ALL_CPUS = `0-${cpus().length - 1}`;

interface WrkOptions {
  threads?: number;
  movingRange?: boolean;
  /** run wrk on this CPU list (taskset -c) */
  cpu?: string;
}

/** Moves every thread of a running process to `cpus` (taskset -a -p -c). */
function pin(pid: number | undefined, cpuList: string): void {
  execFileSync(TASKSET!, ['-a', '-p', '-c', cpuList, String(pid)], { stdio: 'ignore' });
}

interface LoadFigures {
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  requests: number;
  /** CPU time (user + system) of the server process per request, µs: what a quiet core would need */
  cpuUsPerRequest?: number;
}

const WRK = ['/usr/bin/wrk', '/usr/local/bin/wrk'].find((path) => existsSync(path)) ?? null;
export const LOAD_GENERATOR = 'wrk 1 thread';

/** `12.34ms` / `850.00us` / `1.20s` -> ms */
function wrkMs(text: string | undefined): number {
  const match = /^([\d.]+)(us|ms|s)$/.exec(text ?? '');
  if (!match) return NaN;
  const value = Number(match[1]);
  return match[2] === 'us' ? value / 1_000 : match[2] === 's' ? value * 1_000 : value;
}

/** Each request's range `n % 1000` ms later than the body's (`n`: the request's number): the same second. */
function movingRangeScript(body: string): string[] {
  const { range } = JSON.parse(body) as { range: { from: number; to: number } };
  if (range.from % 1_000 !== 0 || range.to % 1_000 !== 0) throw new Error('the moving range starts on whole seconds');
  const [head, tail] = body.split(`"range":{"from":${range.from},"to":${range.to}}`);
  const quoted = (text: string) => JSON.stringify(text).replaceAll('%', '%%');
  return [
    'counter = 0',
    'request = function()',
    '  counter = counter + 1',
    '  local ms = counter % 1000',
    `  local body = string.format(${quoted(`${head}"range":{"from":${range.from / 1_000}`)} .. "%03d" .. ${quoted(`,"to":${range.to / 1_000}`)} .. "%03d" .. ${quoted(`}${tail}`)}, ms, ms)`,
    '  return wrk.format(nil, nil, nil, body)',
    'end',
  ];
}

async function loadWithWrk(wrk: string, url: string, body: string, connections: number, options: WrkOptions = {}): Promise<LoadFigures> {
  const { threads = 1, movingRange = false, cpu } = options;
  const dir = await mkdtemp(join(tmpdir(), 'nodescope-wrk-'));
  try {
    const script = join(dir, 'post.lua');
    await writeFile(
      script,
      [
        'wrk.method = "POST"',
        `wrk.body = ${JSON.stringify(body)}`,
        'wrk.headers["content-type"] = "application/json"',
        `wrk.headers["authorization"] = "Bearer ${API_KEY}"`,
        ...(movingRange ? movingRangeScript(body) : []),
      ].join('\n')
    );
    const output = await new Promise<string>((resolve, reject) => {
      const args = [`-t${threads}`, `-c${connections}`, `-d${SECONDS}s`, '--latency', '-s', script, `${url}/api/query`];
      execFile(
        cpu === undefined ? wrk : TASKSET!,
        cpu === undefined ? args : ['-c', cpu, wrk, ...args],
        { timeout: (SECONDS + 30) * 1_000 },
        (error, stdout) => (error ? reject(error) : resolve(stdout))
      );
    });
    const latency = (percent: string) => wrkMs(new RegExp(`^\\s*${percent}%\\s+(\\S+)`, 'm').exec(output)?.[1]);
    const count = (pattern: RegExp) => Number(pattern.exec(output)?.[1] ?? 0);
    return {
      connections,
      rps: Math.round(count(/Requests\/sec:\s+([\d.]+)/)),
      p50: latency('50'),
      p99: latency('99'),
      errors: count(/Non-2xx or 3xx responses: (\d+)/) + count(/timeout (\d+)/) + count(/connect (\d+)/),
      requests: count(/(\d+) requests in/),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface SweepRun extends LoadFigures {
  server: 'bare' | 'nodeHttp' | 'proxy';
  placement: 'unpinned' | 'pinned';
  wrk: string;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/**
 * The sweep's medians per placement, wrk setting and server, with Little's law's mean latency
 * (connections / throughput), the floor under p50 and p99 that no server code can lower.
 */
function sweepTable(runs: SweepRun[]) {
  const groups = new Map<string, SweepRun[]>();
  for (const run of runs) {
    const key = `${run.placement} ${run.wrk} ${run.server}`;
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  return [...groups.values()].map((group) => {
    const { placement, wrk, server, connections } = group[0]!;
    const rps = median(group.map((r) => r.rps));
    const requests = group.reduce((n, r) => n + r.requests, 0);
    const cpuUs = group.reduce((n, r) => n + (r.cpuUsPerRequest ?? NaN) * r.requests, 0) / requests;
    return {
      placement,
      wrk,
      server,
      rps,
      p50Ms: median(group.map((r) => r.p50)),
      p99Ms: median(group.map((r) => r.p99)),
      p99BestMs: Math.min(...group.map((r) => r.p99)),
      littleMeanMs: Number(((connections / rps) * 1_000).toFixed(2)),
      cpuUsPerRequest: Number(cpuUs.toFixed(1)),
      errors: group.reduce((n, r) => n + r.errors, 0),
    };
  });
}

/** Waits until a counter has not moved for 500 ms (at most 15 s). */
async function settled(count: () => number): Promise<void> {
  const deadline = Date.now() + 15_000;
  let last = -1;
  while (Date.now() < deadline) {
    const now = count();
    if (now === last) return;
    last = now;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export async function runQueryBench(): Promise<BenchResult[]> {
  if (!WRK) {
    console.log(
      'query bench skipped: wrk is not installed (run scripts/system-deps.sh as root, or apt-get install wrk)'
    );
    return [];
  }
  const wrk = WRK;
  const load = (url: string, body: string, connections: number, options: WrkOptions = {}) =>
    loadWithWrk(wrk, url, body, connections, options);
  const dir = await mkdtemp(join(tmpdir(), 'nodescope-bench-'));
  const simulator = await startBitcoinSimulator({ network: 'regtest', initialMempool: 2_000, seed: 7 });
  const proxyConfig = (cache: 'on' | 'off') => ({
    server: { host: '127.0.0.1', port: 0, apiKey: API_KEY, logLevel: 'warn', cache, cacheTtlMs: 60_000 },
    sources: [
      {
        id: 'btc',
        kind: 'bitcoin',
        network: 'regtest',
        rpc: { url: simulator.rpcUrl, cookieFile: simulator.cookieFile ?? undefined },
        // no background polling: every upstream call in the run is caused by the load
        pollSeconds: 3_600,
        slowPollSeconds: 3_600,
      },
    ],
  });
  const body = JSON.stringify({
    queries: [{ refId: 'A', sourceId: 'btc', query: 'chain.info' }],
    range: { from: 1_700_000_000_000, to: 1_700_003_600_000 },
  });
  const figures: Record<'on' | 'off', LoadFigures[]> = { on: [], off: [] };
  const coalesced: Record<'on' | 'off', number> = { on: 0, off: 0 };
  type Round = { proxy: LoadFigures; bare: LoadFigures };
  const rounds: Round[] = [];
  /** the same rounds with the range moving per request */
  const movingRounds: Round[] = [];
  let responseBytes = 0;
  const sweep: SweepRun[] = [];
  // e.g. BENCH_PROXY_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the proxy under load
  const nodeArgs = (process.env.BENCH_PROXY_NODE_ARGS ?? '').split(' ').filter(Boolean);
  try {
    for (const mode of ['on', 'off'] as const) {
      const proxy = await startProxyProcess(proxyConfig(mode), dir, `proxy-cache-${mode}`, nodeArgs);
      try {
        // 100 identical concurrent queries once start-up polling has settled: how many RPC
        // calls reach bitcoind
        await settled(() => simulator.received.length);
        const before = simulator.received.length;
        await Promise.all(
          Array.from({ length: 100 }, () =>
            fetch(`${proxy.url}/api/query`, {
              method: 'POST',
              headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
              body,
            }).then((r) => r.arrayBuffer())
          )
        );
        coalesced[mode] = simulator.received.length - before;
        for (const connections of CONCURRENCY) figures[mode].push(await load(proxy.url, body, connections));
        if (mode === 'on') {
          // the same bytes from a bare fastify route, rounds alternating with the proxy's
          const reply = await fetch(`${proxy.url}/api/query`, {
            method: 'POST',
            headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
            body,
          });
          const bytes = Buffer.from(await reply.arrayBuffer());
          responseBytes = bytes.length;
          const bare = await startServerProcess(
            [BARE_SERVER, bytes.toString('base64'), reply.headers.get('content-type') ?? ''],
            'bare fastify'
          );
          try {
            const check = await fetch(`${bare.url}/api/query`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body,
            });
            if (!bytes.equals(Buffer.from(await check.arrayBuffer())))
              throw new Error('the bare route does not answer the same bytes');
            const withCpu = async (server: { url: string; child: { pid?: number } }, movingRange = false, options: WrkOptions & { connections?: number } = {}) => {
              const cpu0 = processCpuSeconds(server.child.pid);
              const figures = await load(server.url, body, options.connections ?? 64, { ...options, movingRange });
              const cpuUs = (processCpuSeconds(server.child.pid) - cpu0) * 1e6;
              return { ...figures, cpuUsPerRequest: Number((cpuUs / figures.requests).toFixed(1)) };
            };
            for (let round = 0; round < ROUNDS; round++) {
              const bareFigures = await withCpu(bare);
              rounds.push({ bare: bareFigures, proxy: await withCpu(proxy) });
              const bareMoving = await withCpu(bare, true);
              movingRounds.push({ bare: bareMoving, proxy: await withCpu(proxy, true) });
            }
            if (PIN) {
              const nodeHttp = await startServerProcess(
                [BARE_SERVER, bytes.toString('base64'), reply.headers.get('content-type') ?? '', 'node:http'],
                'bare node:http'
              );
              try {
                const servers = { bare, nodeHttp, proxy };
                for (let round = 0; round < P99_ROUNDS; round++) {
                  for (const placement of ['unpinned', 'pinned'] as const) {
                    for (const server of Object.values(servers)) pin(server.child.pid, placement === 'pinned' ? SERVER_CPU : ALL_CPUS);
                    for (const setting of WRK_SETTINGS) {
                      for (const [name, server] of Object.entries(servers) as Array<[keyof typeof servers, typeof bare]>) {
                        const figures = await withCpu(server, false, {
                          ...setting,
                          ...(placement === 'pinned' ? { cpu: WRK_CPU } : {}),
                        });
                        sweep.push({ server: name, placement, wrk: `-t${setting.threads} -c${setting.connections}`, ...figures });
                      }
                    }
                  }
                }
              } finally {
                for (const server of [bare, proxy]) pin(server.child.pid, ALL_CPUS);
                await nodeHttp.stop();
              }
            }
          } finally {
            await bare.stop();
          }
        }
      } finally {
        await proxy.stop();
      }
    }
  } finally {
    await simulator.close();
    await rm(dir, { recursive: true, force: true });
  }

  const table = Object.fromEntries(
    (['on', 'off'] as const).map((mode) => [mode === 'on' ? 'cached' : 'uncached', figures[mode]])
  );
  const at64 = (mode: 'on' | 'off') => figures[mode].find((f) => f.connections === 64)!;
  const sum = (pick: (r: Round) => number, over: Round[] = rounds) => over.reduce((n, r) => n + pick(r), 0);
  const proxyRps = sum((r) => r.proxy.rps) / rounds.length;
  const bareRps = sum((r) => r.bare.rps) / rounds.length;
  const proxyP99 = [...rounds.map((r) => r.proxy.p99)].sort((a, b) => a - b)[Math.floor(rounds.length / 2)]!;
  const bareP99 = [...rounds.map((r) => r.bare.p99)].sort((a, b) => a - b)[Math.floor(rounds.length / 2)]!;
  const loadAverage = loadavg().map((l) => Number(l.toFixed(2)));
  const cpuPerRequest = (pick: (r: Round) => LoadFigures, over: Round[] = rounds) =>
    sum((r) => (pick(r).cpuUsPerRequest ?? NaN) * pick(r).requests, over) / sum((r) => pick(r).requests, over);
  const medianP99 = (pick: (r: Round) => LoadFigures, over: Round[]) =>
    [...over.map((r) => pick(r).p99)].sort((a, b) => a - b)[Math.floor(over.length / 2)]!;
  const p99Results: BenchResult[] = [];
  if (sweep.length > 0) {
    const table = sweepTable(sweep);
    console.log(`\np99 at c=64, medians of ${P99_ROUNDS} rounds (pinned: wrk on cpu ${WRK_CPU}, server on cpu ${SERVER_CPU}; unpinned: both anywhere); load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    console.log('placement  wrk          server     req/s    p50 ms  p99 ms  best p99  64/rps ms  CPU µs/req');
    for (const row of table) {
      console.log(
        `${row.placement.padEnd(10)} ${row.wrk.padEnd(12)} ${row.server.padEnd(9)} ${String(row.rps).padStart(7)}  ${row.p50Ms.toFixed(2).padStart(6)}  ${row.p99Ms.toFixed(2).padStart(6)}  ${row.p99BestMs.toFixed(2).padStart(8)}  ${row.littleMeanMs.toFixed(2).padStart(9)}  ${row.cpuUsPerRequest.toFixed(1).padStart(10)}`
      );
    }
    // the figure: the best wrk setting's median p99, pinned, ours against the bare fastify route's
    const pinned = (server: SweepRun['server']) => table.filter((r) => r.placement === 'pinned' && r.server === server);
    const best = (rows: ReturnType<typeof sweepTable>) => rows.reduce((a, b) => (b.p99Ms < a.p99Ms ? b : a));
    const ours = best(pinned('proxy'));
    const bare = best(pinned('bare'));
    p99Results.push({
      name: 'query.p99_c64_pinned_ms',
      value: ours.p99Ms,
      unit: 'ms',
      goal: '<= 2 ms at c=64 (wrk); the mean alone is 64 / req/s, so it needs >= 32,000 req/s',
      baseline: { what: `bare fastify route, pinned the same way (${bare.wrk})`, value: bare.p99Ms },
      ratio: ratio(ours.p99Ms, bare.p99Ms, true),
      details: { oursWrk: ours.wrk, rounds: P99_ROUNDS, seconds: SECONDS, table, loadAverage: loadavg().map((l) => Number(l.toFixed(2))) },
    });
  }
  // chain.info is one batch of two methods (getblockchaininfo + getnetworkhashps)
  return [
    ...p99Results,
    {
      name: 'query.cached_vs_bare_fastify',
      value: Math.round(proxyRps),
      unit: 'req/s',
      goal: '>= 0.7x a bare fastify route answering the same bytes, c=64; p99 <= 2 ms',
      baseline: { what: 'bare fastify route, same response bytes, own process', value: Math.round(bareRps) },
      ratio: ratio(proxyRps, bareRps, false),
      details: {
        loadGenerator: LOAD_GENERATOR,
        seconds: SECONDS,
        responseBytes,
        proxyP99MedianMs: proxyP99,
        bareP99MedianMs: bareP99,
        // load-independent: CPU time each server spent per request (the throughput ratio a quiet core would show)
        cpuUsPerRequest: {
          proxy: Number(cpuPerRequest((r) => r.proxy).toFixed(1)),
          bare: Number(cpuPerRequest((r) => r.bare).toFixed(1)),
        },
        cpuRatio: ratio(
          cpuPerRequest((r) => r.proxy),
          cpuPerRequest((r) => r.bare),
          true
        ),
        // the body Grafana sends: its range moves with every refresh (same cache key, other bytes)
        movingRange: {
          rps: { proxy: Math.round(sum((r) => r.proxy.rps, movingRounds) / movingRounds.length), bare: Math.round(sum((r) => r.bare.rps, movingRounds) / movingRounds.length) },
          p99MedianMs: { proxy: medianP99((r) => r.proxy, movingRounds), bare: medianP99((r) => r.bare, movingRounds) },
          cpuUsPerRequest: {
            proxy: Number(cpuPerRequest((r) => r.proxy, movingRounds).toFixed(1)),
            bare: Number(cpuPerRequest((r) => r.bare, movingRounds).toFixed(1)),
          },
          cpuRatio: ratio(cpuPerRequest((r) => r.proxy, movingRounds), cpuPerRequest((r) => r.bare, movingRounds), true),
          rounds: movingRounds,
        },
        rounds,
        loadAverage,
      },
    },
    {
      name: 'query.cached_p99_ms',
      value: at64('on').p99,
      unit: 'ms',
      goal: '<= 5 ms at concurrency 64',
      baseline: { what: 'cache off (every request to bitcoind)', value: at64('off').p99 },
      ratio: ratio(at64('on').p99, at64('off').p99, true),
      details: { loadGenerator: LOAD_GENERATOR, ...table },
    },
    {
      name: 'query.cached_throughput_rps',
      value: at64('on').rps,
      unit: 'req/s',
      goal: '>= 10,000 req/s at concurrency 64',
      baseline: { what: 'cache off (every request to bitcoind)', value: at64('off').rps },
      ratio: ratio(at64('on').rps, at64('off').rps, false),
      details: { loadGenerator: LOAD_GENERATOR, ...table },
    },
    {
      name: 'query.coalesced_upstream_calls',
      value: coalesced.on,
      unit: 'RPC methods',
      goal: '100 identical concurrent queries -> 1 upstream call (2 methods in one batch)',
      baseline: { what: 'cache and coalescing off', value: coalesced.off },
      ratio: ratio(coalesced.on, coalesced.off, true),
    },
  ];
}
