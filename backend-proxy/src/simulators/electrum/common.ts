import type { IncomingMessage, ServerResponse } from 'node:http';
import { DroppableListener } from '../listener.js';

/** what the Electrum simulators need from a node: its tip and mempool */
export interface ChainView {
  tipHeight(): number;
  tipHash(): string;
  hashAt?(height: number): string | undefined;
  mempoolEntries?(): Map<string, { vsize: number; fee: number }>;
  network?: string;
}

export type ElectrumFault = { kind: 'down' } | { kind: 'http500' } | null;

export interface ElectrumSimulatorBase {
  url: string;
  /** index height = node tip - lag, never below 0 */
  setLag(blocks: number): void;
  /** freeze the index at its current height (a stuck indexer), or release it */
  setStalled(stalled: boolean): void;
  indexHeight(): number;
  setFault(fault: ElectrumFault): void;
  /** resolves once the listener follows the current fault */
  faultApplied(): Promise<void>;
  /** number of scrapes served */
  requests(): number;
  close(): Promise<void>;
}

export interface ElectrumSimulatorOptions {
  bitcoin: ChainView;
  host?: string;
  port?: number;
  lagBlocks?: number;
  /** connected Electrum clients (Fulcrum reports them; electrs has no such metric) */
  clients?: number;
  seed?: number;
  now?: () => number;
}

/** shared lag / stall / fault plumbing of both simulators */
export class IndexState {
  lag: number;
  stalledAt: number | null = null;
  fault: ElectrumFault = null;
  served = 0;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly bitcoin: ChainView,
    lag: number
  ) {
    this.lag = Math.max(0, lag);
  }

  height(): number {
    if (this.stalledAt !== null) return this.stalledAt;
    return Math.max(0, this.bitcoin.tipHeight() - this.lag);
  }

  base(listener: DroppableListener, url: string): ElectrumSimulatorBase {
    return {
      url,
      setLag: (blocks) => {
        this.lag = Math.max(0, Math.floor(blocks));
      },
      setStalled: (stalled) => {
        this.stalledAt = stalled ? this.height() : null;
      },
      indexHeight: () => this.height(),
      setFault: (fault) => {
        this.fault = fault;
        this.chain = this.chain.then(async () => {
          if (this.fault?.kind === 'down' && listener.listening) await listener.close();
          else if (this.fault?.kind !== 'down' && !listener.listening) await listener.listen(listener.port);
        });
      },
      faultApplied: () => this.chain,
      requests: () => this.served,
      close: async () => {
        await this.chain.catch(() => {});
        await listener.close();
      },
    };
  }
}

/** deterministic per-name rate so counters grow with time at a stable pace */
export function rateFor(name: string, min: number, max: number, seed: number): number {
  let h = seed >>> 0;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return min + (h / 4294967296) * (max - min);
}

/** What one scrape renders from: the seed, seconds since the simulator started, the index height. */
export interface Scrape {
  seed: number;
  elapsed: number;
  height: number;
}

/**
 * The HTTP side electrs' and Fulcrum's simulators share: every request is counted, an http500
 * fault is answered by `refuse`, anything else by `answer` with this moment's scrape and the port.
 */
export async function startIndexServer(
  options: ElectrumSimulatorOptions,
  refuse: (res: ServerResponse) => void,
  answer: (req: IncomingMessage, res: ServerResponse, scrape: Scrape, port: number) => void
): Promise<ElectrumSimulatorBase> {
  const now = options.now ?? Date.now;
  const startMs = now();
  const state = new IndexState(options.bitcoin, options.lagBlocks ?? 0);
  const host = options.host ?? '127.0.0.1';
  const listener = new DroppableListener(host, (req, res) => {
    req.resume();
    state.served++;
    if (state.fault?.kind === 'http500') return refuse(res);
    const scrape = { seed: options.seed ?? 1, elapsed: Math.max(0, (now() - startMs) / 1000), height: state.height() };
    answer(req, res, scrape, listener.port);
  });
  const port = await listener.listen(options.port ?? 0);
  return state.base(listener, `http://${host}:${port}/`);
}
