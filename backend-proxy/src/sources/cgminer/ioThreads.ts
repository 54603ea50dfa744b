// The poller's CGMiner exchanges on I/O threads: at tens of thousands of miners a cycle, the
// connect, write and close of each connection (on loopback the whole TCP handshake runs inside
// connect) were about half of the poll's CPU, all on the thread that also parses and keeps
// the state. Here N worker threads own the sockets (ioWorker.ts, the same nulExchangeBytes as the
// in-process path); this thread sends each request and receives each reply's bytes, in batches,
// and decodes and parses them as before. The protocol is unchanged: one request per
// connection, the reply up to the NUL, timeouts and errors as the in-process exchange gives them.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { UpstreamError } from '../../core/errors.js';
import { FLUSH_ENTRIES, FLUSH_MS, REPLY_FIELDS, REQUEST_FIELDS, type ReplyBatch, type RequestBatch } from './ioProtocol.js';
import { nulExchange, type Exchange, type ExchangeOptions, type MinerEndpoint } from './tcp.js';

/** The fleet size from which `ioThreads: auto` polls through threads (below it one thread is not the limit). */
export const AUTO_MIN_MINERS = 2_000;

/** Threads for a setting: `auto` leaves one CPU to the main thread, at most 4; none on one CPU. */
export function ioThreadCount(setting: number | 'auto', cpus = availableParallelism()): number {
  if (setting !== 'auto') return setting;
  return Math.max(0, Math.min(4, cpus - 1));
}

// Run from source (vitest): the worker is TypeScript that imports `./tcp.js`; Node strips the
// types, and this hook resolves a missing `.js` sibling to its `.ts`
const TS_RESOLVE_HOOK = `data:text/javascript,${encodeURIComponent(`
import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
export async function resolve(specifier, context, next) {
  if (specifier.startsWith('.') && specifier.endsWith('.js') && context.parentURL?.endsWith('.ts')) {
    const ts = new URL(specifier.slice(0, -3) + '.ts', context.parentURL);
    if (existsSync(fileURLToPath(ts))) return next(ts.href, context);
  }
  return next(specifier, context);
}\`));`)}`;

interface Pending {
  resolve(reply: { text: string; bytes: number }): void;
  reject(error: Error): void;
  lane: Lane;
  endpoint: MinerEndpoint;
  request: string;
  options: ExchangeOptions;
}

interface Lane {
  worker: Worker;
  outbox: RequestBatch;
  /** requests sent and not answered: the worker keeps the process alive only while this is > 0 */
  inFlight: number;
  /** the thread has sent back a batch: it started */
  answered: boolean;
}

function errorFrom(message: string, code: number | string | null, name: string): Error {
  if (name === 'UpstreamError') return new UpstreamError(message, code ?? undefined);
  const error = Object.assign(new Error(message), code !== null ? { code } : {});
  error.name = name || 'Error';
  return error;
}

export class IoThreads {
  private lanes: Lane[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private turn = 0;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;

  /** why the threads could not start (one ended before its first answer): exchanges then run on this thread */
  unavailable: string | null = null;

  constructor(
    readonly threads: number,
    /** the worker's module (tests name a broken one) */
    private readonly workerUrl?: URL
  ) {
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`IoThreads needs at least one thread, got ${threads}`);
  }

  /** A drop-in for nulExchange: the same reply or error, from a worker thread's socket. */
  readonly exchange: Exchange = (endpoint, request, options) => {
    // a worker that cannot start (its file missing from a build) must not cost the poll
    if (this.unavailable !== null) return nulExchange(endpoint, request, options);
    return new Promise((resolve, reject) => {
      if (this.lanes.length < this.threads) {
        try {
          this.spawn();
        } catch (error) {
          this.unavailable = error instanceof Error ? error.message : String(error);
          nulExchange(endpoint, request, options).then(resolve, reject);
          return;
        }
      }
      const lane = this.lanes[this.turn++ % this.lanes.length]!;
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject, lane, endpoint, request, options });
      if (lane.inFlight++ === 0) lane.worker.ref();
      lane.outbox.push(id, endpoint.host, endpoint.port, request, options.connectTimeoutMs, options.timeoutMs, options.maxBytes ?? 0);
      if (lane.outbox.length >= FLUSH_ENTRIES * REQUEST_FIELDS) this.immediate ??= setImmediate(this.flush);
      else this.timer ??= setTimeout(this.flush, FLUSH_MS);
    });
  };

  private readonly flush = (): void => {
    clearTimeout(this.timer);
    clearImmediate(this.immediate);
    this.timer = this.immediate = undefined;
    for (const lane of this.lanes) {
      if (lane.outbox.length === 0) continue;
      lane.worker.postMessage(lane.outbox);
      lane.outbox = [];
    }
  };

  /** Starts the threads missing (all at first, one that died later). */
  private spawn(): void {
    const source = import.meta.url.endsWith('.ts');
    const url = this.workerUrl ?? new URL(source ? './ioWorker.ts' : './ioWorker.js', import.meta.url);
    while (this.lanes.length < this.threads) {
      const worker = new Worker(url, source ? { execArgv: ['--experimental-transform-types', '--no-warnings', '--import', TS_RESOLVE_HOOK] } : {});
      const lane: Lane = { worker, outbox: [], inFlight: 0, answered: false };
      worker.unref();
      worker.on('message', (batch: ReplyBatch) => {
        lane.answered = true;
        this.settle(batch);
      });
      // a thread that dies takes its exchanges with it: they fail, the next request starts a new one
      worker.on('error', (error) => this.lost(lane, `I/O thread failed: ${error.message}`));
      worker.on('exit', (code) => this.lost(lane, `I/O thread exited (${code})`));
      this.lanes.push(lane);
    }
  }

  private settle({ entries, data }: ReplyBatch): void {
    const bytes = Buffer.from(data);
    for (let i = 0; i < entries.length; i += REPLY_FIELDS) {
      const id = entries[i] as number;
      const entry = this.pending.get(id);
      if (!entry) continue;
      this.pending.delete(id);
      if (--entry.lane.inFlight === 0) entry.lane.worker.unref();
      if (entries[i + 1] === 1) {
        const start = entries[i + 2] as number;
        const end = entries[i + 3] as number;
        entry.resolve({ text: bytes.toString('utf8', start, end), bytes: end - start });
      } else entry.reject(errorFrom(entries[i + 2] as string, entries[i + 3] as number | string | null, entries[i + 4] as string));
    }
  }

  private lost(lane: Lane, message: string): void {
    if (!this.lanes.includes(lane)) return;
    this.lanes = this.lanes.filter((l) => l !== lane);
    if (!lane.answered) this.unavailable ??= message;
    for (const [id, entry] of this.pending) {
      if (entry.lane !== lane) continue;
      this.pending.delete(id);
      // the thread never started: the exchange has not begun, so it runs here instead
      if (this.unavailable !== null) void nulExchange(entry.endpoint, entry.request, entry.options).then(entry.resolve, entry.reject);
      else entry.reject(new UpstreamError(message, 'io-thread'));
    }
  }

  /** The threads' V8 heaps (used bytes, summed): memory the process holds beside the main thread's. */
  async heapUsed(): Promise<number> {
    // Worker#getHeapStatistics: Node 22.16+ (0 before)
    const heaps = await Promise.all(this.lanes.map((lane) => (typeof lane.worker.getHeapStatistics === 'function' ? lane.worker.getHeapStatistics() : undefined)));
    return heaps.reduce((sum, heap) => sum + (heap?.used_heap_size ?? 0), 0);
  }

  /** Ends the threads; exchanges still in flight fail. The next exchange starts new threads. */
  async close(): Promise<void> {
    const lanes = this.lanes;
    this.lanes = [];
    for (const [id, entry] of this.pending) {
      if (!lanes.includes(entry.lane)) continue;
      this.pending.delete(id);
      entry.reject(new UpstreamError('I/O threads stopped', 'stopped'));
    }
    await Promise.all(lanes.map((lane) => lane.worker.terminate()));
  }
}
