import { intParam, startControlServer as startSimulatorControl } from '../control.js';
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
 * Demo control endpoint (not part of bitcoind), on the simulators' one control server:
 * POST /fault, /mine?count=, /reorg?depth=, /restart, /transactions?count=, /remove?txid=, and GET /state.
 */
export async function startControlServer(sim: BitcoinSimulator, port: number, host: string): Promise<ControlServer> {
  const int = (query: URLSearchParams, name: string) => intParam(query, name, 1, 100_000, 1);
  const server = await startSimulatorControl(
    {
      get: {
        state: () => ({
          tipHeight: sim.tipHeight(),
          tipHash: sim.tipHash(),
          mempoolSize: sim.mempoolTxids().length,
          mempoolSequence: sim.mempoolSequence(),
          fault: sim.currentFault(),
          rpcUrl: sim.rpcUrl,
          zmq: sim.zmqSequenceEndpoint,
        }),
      },
      post: {
        fault: (_query, body) => {
          const fault = parseFault(body);
          sim.setFault(fault);
          return { fault };
        },
        mine: (query) => ({ hashes: Array.from({ length: int(query, 'count') }, () => sim.mineBlock()), height: sim.tipHeight() }),
        reorg: (query) => ({ hashes: sim.reorg(int(query, 'depth')), height: sim.tipHeight() }),
        restart: async () => {
          await sim.restart();
          return { restarted: true, cookieFile: sim.cookieFile };
        },
        transactions: (query) => ({ txids: sim.addTransactions(int(query, 'count')) }),
        remove: (query) => {
          const txid = query.get('txid') ?? '';
          sim.removeTransaction(txid);
          return { removed: txid };
        },
      },
    },
    port,
    host
  );
  return { url: server.url('/'), close: () => server.close() };
}
