// Starts a real geth (`geth --dev`, v1.17.10 from the Go module proxy) on loopback with ephemeral
// ports, for the tests that hold the geth source and the geth simulator against the real thing.
// The binary is where scripts/go-deps.sh installs it: $NODESCOPE_TOOLS, else
// ~/.cache/nodescope/bin. Missing, it is an error that names the install command, never a skip.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, supervise, toolPath } from './realBinary.js';

export const GETH_VERSION = '1.17.10';
export const GETH_BIN = toolPath('geth');

/** Throws, naming what to run, unless the geth scripts/go-deps.sh installs is there in the pinned version. */
export function requireGeth(): string {
  const install = `run scripts/go-deps.sh (GOBIN=${join(GETH_BIN, '..')} go install github.com/ethereum/go-ethereum/cmd/geth@v${GETH_VERSION})`;
  if (!existsSync(GETH_BIN)) throw new Error(`geth not found at ${GETH_BIN}: ${install}`);
  const version = spawnSync(GETH_BIN, ['version'], { encoding: 'utf8' }).stdout ?? '';
  if (!version.split('\n').includes(`Version: ${GETH_VERSION}-stable`)) {
    throw new Error(`${GETH_BIN} is not geth ${GETH_VERSION} (${version.split('\n').find((l) => l.startsWith('Version')) ?? 'no version'}): ${install}`);
  }
  return GETH_BIN;
}

export interface GethDev {
  rpcUrl: string;
  /** null unless started with metrics */
  metricsUrl: string | null;
  /** everything geth wrote to stderr so far (its log) */
  log(): string;
  /** a raw JSON-RPC call (no allow-list: tests may send transactions to the dev chain) */
  rpc<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  stop(): Promise<void>;
}

export async function startGethDev(options: { httpApi?: string[]; metrics?: boolean; periodSeconds?: number } = {}): Promise<GethDev> {
  const bin = requireGeth();
  const dataDir = await mkdtemp(join(tmpdir(), 'nodescope-geth-'));
  // geth's metrics server logs the address it was given, not the one bound: hand it a free port
  const metricsPort = options.metrics ? await freePort() : null;
  const args = [
    '--dev',
    '--dev.period', String(options.periodSeconds ?? 1),
    '--datadir', dataDir,
    '--ipcdisable',
    '--nodiscover',
    '--port', '0',
    '--authrpc.addr', '127.0.0.1',
    '--authrpc.port', '0',
    '--http',
    '--http.addr', '127.0.0.1',
    '--http.port', '0',
    // no --http.api unless asked: the stock modules are the point
    ...(options.httpApi ? ['--http.api', options.httpApi.join(',')] : []),
    ...(metricsPort !== null ? ['--metrics', '--metrics.addr', '127.0.0.1', '--metrics.port', String(metricsPort)] : []),
  ];
  const child: ChildProcess = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr += chunk;
  });
  const { exited, stop } = supervise(child, dataDir, 10_000);

  try {
    // node/rpcstack.go logs `HTTP server started endpoint=127.0.0.1:PORT` once it listens
    const endpoint = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`geth --dev did not start its HTTP server within 60 s:\n${stderr.slice(-2_000)}`)), 60_000);
      const check = () => {
        const m = /HTTP server started\s+endpoint=(127\.0\.0\.1:\d+)/.exec(stderr);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      child.stderr!.on('data', check);
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`geth --dev exited (${code}):\n${stderr.slice(-2_000)}`));
      });
      check();
    });
    const rpcUrl = `http://${endpoint}`;
    let nextId = 1;
    const rpc = async <T>(method: string, params: unknown[] = []): Promise<T> => {
      const response = await fetch(rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params }),
      });
      const body = (await response.json()) as { result?: T; error?: { code: number; message: string } };
      if (body.error) throw new Error(`${method}: ${body.error.message} (${body.error.code})`);
      return body.result as T;
    };
    const metricsUrl = metricsPort !== null ? `http://127.0.0.1:${metricsPort}/debug/metrics/prometheus` : null;
    // the first block of the dev chain, and the metrics server answering
    const deadline = Date.now() + 30_000;
    for (;;) {
      const head = await rpc<string>('eth_blockNumber').catch(() => '0x0');
      const metricsUp = metricsUrl === null || (await fetch(metricsUrl).then((r) => r.ok, () => false));
      if (head !== '0x0' && metricsUp) break;
      if (Date.now() > deadline) throw new Error(`geth --dev made no block or metrics within 30 s:\n${stderr.slice(-2_000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    return { rpcUrl, metricsUrl, log: () => stderr, rpc, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
