// 10,000 live clients on one proxy process: what they cost in memory, and how long one frame
// takes to reach all of them, beside the same proxy with a single client. The proxy follows the
// bitcoind simulator's chain and streams `chain.info` (a frame per poll); clients are raw
// sockets in this process, the proxy runs in its own.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBitcoinSimulator } from '../src/simulators/bitcoin/index.js';
import { percentile, ratio, type BenchResult } from './lib.js';
import { startProxyProcess } from './proxyProcess.js';

const API_KEY = 'bench-api-key-0123456789';
const CLIENTS = Number(process.env.BENCH_SSE_CLIENTS ?? 10_000);
const FRAMES = 5;

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
}

interface Client {
  socket: Socket;
  frames: number[];
}

function openClient(url: URL): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    const client: Client = { socket, frames: [] };
    let opened = false;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      if (!opened && chunk.includes('retry: 3000')) {
        opened = true;
        resolve(client);
      }
      // one timestamp per frame event in the chunk
      for (let at = chunk.indexOf('event: frame'); at >= 0; at = chunk.indexOf('event: frame', at + 1)) client.frames.push(performance.now());
    });
    socket.on('error', (error) => (opened ? undefined : reject(error)));
    socket.write(`GET /api/stream?sourceId=btc&query=chain.info HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer ${API_KEY}\r\n\r\n`);
  });
}

/** For each frame index seen by every client: the time from the first client's receipt to the last's. */
function spreads(clients: Client[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < FRAMES; i++) {
    const times = clients.map((c) => c.frames[i]).filter((t): t is number => t !== undefined);
    if (times.length === clients.length) out.push(Math.max(...times) - Math.min(...times));
  }
  return out.sort((a, b) => a - b);
}

async function run(clients: number, dir: string, rpcUrl: string, cookieFile: string | null) {
  const proxy = await startProxyProcess(
    {
      server: { host: '127.0.0.1', port: 0, apiKey: API_KEY, logLevel: 'warn' },
      sources: [{ id: 'btc', kind: 'bitcoin', network: 'regtest', rpc: { url: rpcUrl, cookieFile: cookieFile ?? undefined }, pollSeconds: 1, slowPollSeconds: 3_600 }],
    },
    dir,
    `streams-${clients}`
  );
  try {
    const url = new URL(proxy.url);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const idle = await rssMiB(proxy.child.pid!);
    const started = performance.now();
    const open: Client[] = [];
    for (let i = 0; i < clients; i += 500) open.push(...(await Promise.all(Array.from({ length: Math.min(500, clients - i) }, () => openClient(url)))));
    const connectMs = performance.now() - started;
    for (const client of open) client.frames.length = 0;
    const deadline = Date.now() + (FRAMES + 10) * 1_000;
    while (Date.now() < deadline && open.some((c) => c.frames.length < FRAMES)) await new Promise((resolve) => setTimeout(resolve, 100));
    const loaded = await rssMiB(proxy.child.pid!);
    const spread = spreads(open);
    const complete = open.filter((c) => c.frames.length >= FRAMES).length;
    for (const client of open) client.socket.destroy();
    return { clients, connectMs, idleMiB: idle, loadedMiB: loaded, perClientKiB: ((loaded - idle) * 1024) / clients, spreadP50: percentile(spread, 50), spreadMax: spread.at(-1) ?? NaN, complete };
  } finally {
    await proxy.stop();
  }
}

export async function runStreamsBench(): Promise<BenchResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'nodescope-bench-streams-'));
  const simulator = await startBitcoinSimulator({ network: 'regtest', initialMempool: 100, seed: 11, blockIntervalMs: 1_000 });
  try {
    const one = await run(1, dir, simulator.rpcUrl, simulator.cookieFile);
    const many = await run(CLIENTS, dir, simulator.rpcUrl, simulator.cookieFile);
    const details = { one, many, framesPerClient: FRAMES };
    return [
      {
        name: 'streams.sse_10k_rss_mib',
        value: Number(many.loadedMiB.toFixed(1)),
        unit: 'MiB',
        goal: 'memory bounded (figure in README)',
        baseline: { what: 'the same proxy with 1 client', value: Number(one.loadedMiB.toFixed(1)) },
        ratio: ratio(many.loadedMiB, one.loadedMiB, true),
        details,
      },
      {
        name: 'streams.sse_10k_fanout_ms',
        value: Number(many.spreadMax.toFixed(1)),
        unit: 'ms',
        goal: 'one frame reaches every client (first to last receipt)',
        baseline: null,
        ratio: null,
        details: { complete: many.complete, clients: many.clients, spreadP50: many.spreadP50 },
      },
    ];
  } finally {
    await simulator.close();
    await rm(dir, { recursive: true, force: true });
  }
}
