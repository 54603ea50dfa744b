import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BitcoinFault, BitcoinSimulator } from './index.js';

export interface ControlServer {
  url: string;
  close(): Promise<void>;
}

const FAULT_KINDS = new Set(['down', 'slow', 'warmup', 'workQueue', 'zmqSilent', 'zmqDrop', 'clockSkew']);

/** parse a fault body: {"kind":"slow","delayMs":500}, {"kind":null} or {} clears */
export function parseFault(body: unknown): BitcoinFault | null {
  if (body === null || typeof body !== 'object') throw new Error('body must be a JSON object');
  const raw = body as Record<string, unknown>;
  if (raw.kind === undefined || raw.kind === null || raw.kind === 'none') return null;
  if (typeof raw.kind !== 'string' || !FAULT_KINDS.has(raw.kind))
    throw new Error(`unknown fault kind ${String(raw.kind)}`);
  if (raw.kind === 'slow') {
    if (typeof raw.delayMs !== 'number' || raw.delayMs < 0) throw new Error('slow needs delayMs >= 0');
    return { kind: 'slow', delayMs: raw.delayMs };
  }
  if (raw.kind === 'zmqDrop') {
    if (typeof raw.count !== 'number' || raw.count < 1) throw new Error('zmqDrop needs count >= 1');
    return { kind: 'zmqDrop', count: raw.count };
  }
  if (raw.kind === 'clockSkew') {
    if (typeof raw.seconds !== 'number' || !Number.isInteger(raw.seconds)) throw new Error('clockSkew needs whole seconds');
    return { kind: 'clockSkew', seconds: raw.seconds };
  }
  if (raw.kind === 'warmup')
    return typeof raw.message === 'string' ? { kind: 'warmup', message: raw.message } : { kind: 'warmup' };
  return { kind: raw.kind } as BitcoinFault;
}

/**
 * Demo control endpoint (not part of bitcoind): POST /fault, /mine?count=, /reorg?depth=,
 * /restart, /transactions?count=, /remove?txid=, and GET /state.
 */
export async function startControlServer(sim: BitcoinSimulator, port: number, host: string): Promise<ControlServer> {
  const server = http.createServer((req, res) => {
    void handle(req, res).catch((error: unknown) =>
      send(res, 400, { error: error instanceof Error ? error.message : String(error) })
    );
  });
  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://control');
    const body = await readJson(req);
    const int = (name: string, fallback: number) => {
      const raw = url.searchParams.get(name);
      const value = raw === null ? fallback : Number(raw);
      if (!Number.isInteger(value) || value < 1 || value > 100_000)
        throw new Error(`${name} must be an integer 1..100000`);
      return value;
    };
    if (req.method === 'GET' && url.pathname === '/state') {
      return send(res, 200, {
        tipHeight: sim.tipHeight(),
        tipHash: sim.tipHash(),
        mempoolSize: sim.mempoolTxids().length,
        mempoolSequence: sim.mempoolSequence(),
        fault: sim.currentFault(),
        rpcUrl: sim.rpcUrl,
        zmq: sim.zmqSequenceEndpoint,
      });
    }
    if (req.method !== 'POST') return send(res, 405, { error: 'POST only (GET /state)' });
    switch (url.pathname) {
      case '/fault': {
        const fault = parseFault(body ?? {});
        sim.setFault(fault);
        return send(res, 200, { fault });
      }
      case '/mine': {
        const hashes = Array.from({ length: int('count', 1) }, () => sim.mineBlock());
        return send(res, 200, { hashes, height: sim.tipHeight() });
      }
      case '/reorg':
        return send(res, 200, { hashes: sim.reorg(int('depth', 1)), height: sim.tipHeight() });
      case '/restart':
        await sim.restart();
        return send(res, 200, { restarted: true, cookieFile: sim.cookieFile });
      case '/transactions':
        return send(res, 200, { txids: sim.addTransactions(int('count', 1)) });
      case '/remove': {
        const txid = url.searchParams.get('txid') ?? '';
        sim.removeTransaction(txid);
        return send(res, 200, { removed: txid });
      }
      default:
        return send(res, 404, { error: 'unknown control route' });
    }
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(`${JSON.stringify(body)}\n`);
}

function readJson(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8').trim();
      if (text === '') return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new Error('body is not JSON'));
      }
    });
    req.on('error', reject);
  });
}
