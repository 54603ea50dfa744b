// JSON-RPC over HTTP to bitcoind: I/O only. The read-only allow-list is checked here, before
// any socket is opened, so no query, param or future code path can reach a wallet or admin call.
import { Buffer, isAscii } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { chargeUpstream } from '../../core/budget.js';
import { CircuitOpenError, UpstreamHealth } from '../../core/circuit.js';
import type { SecretScrubber } from '../../core/logger.js';
import type { SelfMetrics } from '../../core/metrics.js';
import { withRetry } from '../../core/retry.js';
import { countUpstreamError, observeUpstream, type UpstreamTarget } from '../../core/upstream.js';
import { QueryInputError, UpstreamError } from '../types.js';
import type { BitcoinNetwork, BitcoinSourceConfig } from './config.js';

/**
 * Every RPC the proxy may send. All are read-only in Bitcoin Core 28: no wallet, no
 * `setban`/`addnode`/`stop`/`invalidateblock`, nothing that broadcasts or changes state.
 */
export const READ_ONLY_METHODS: ReadonlySet<string> = new Set([
  'getblockchaininfo',
  'getnetworkinfo',
  'getmempoolinfo',
  'getnettotals',
  'getpeerinfo',
  'getconnectioncount',
  'getblockcount',
  'getbestblockhash',
  'getblockhash',
  'getblockheader',
  'getblock',
  'getblockstats',
  'getchaintips',
  'getchaintxstats',
  'getdifficulty',
  'getnetworkhashps',
  'getmininginfo',
  'estimatesmartfee',
  'getrawmempool',
  'getmempoolentry',
  'getmempoolancestors',
  'getmempooldescendants',
  'getzmqnotifications',
  'getmemoryinfo',
  'getrpcinfo',
  'getindexinfo',
  'getdeploymentinfo',
  'listbanned',
  'uptime',
]);

/** A method outside the allow-list was asked for: refused locally, never sent. */
export class MethodNotAllowedError extends QueryInputError {
  override name = 'MethodNotAllowedError';
  constructor(readonly method: string) {
    super(`RPC method "${method}" is not on the read-only allow-list`);
  }
}

/** Bitcoin Core's RPC error codes the client treats specially (src/rpc/protocol.h). */
export const RPC_IN_WARMUP = -28;
export const RPC_METHOD_NOT_FOUND = -32601;

export class RpcError extends UpstreamError {
  override name = 'RpcError';
  constructor(
    message: string,
    code: number | string,
    /** the node's own message, without the method prefix */
    readonly detail: string = message
  ) {
    super(message, code, false);
  }
}

export interface RpcCall {
  method: string;
  params?: unknown[];
}

/** `count` calls of one method, each call's params made when its batch is sent (no object per call up front) */
export interface RpcCallList {
  method: string;
  count: number;
  params(index: number): unknown[];
}

/** One answer of a batch: a result, or the node's error for that item alone. */
export type RpcOutcome<T = unknown> = { ok: true; result: T } | { ok: false; error: RpcError };

const NETWORK_SUBDIR: Record<BitcoinNetwork, string> = {
  mainnet: '',
  testnet: 'testnet3',
  testnet4: 'testnet4',
  signet: 'signet',
  regtest: 'regtest',
};

const DEFAULT_RPC_PORT: Record<BitcoinNetwork, number> = {
  mainnet: 8332,
  testnet: 18332,
  testnet4: 48332,
  signet: 38332,
  regtest: 18443,
};

/** The chain name getblockchaininfo reports for each configured network. */
export const CHAIN_NAME: Record<BitcoinNetwork, string> = {
  mainnet: 'main',
  testnet: 'test',
  testnet4: 'testnet4',
  signet: 'signet',
  regtest: 'regtest',
};

export type RpcAuth = { kind: 'cookie'; file: string } | { kind: 'password'; user: string; password: string };

export interface RpcTarget {
  url: URL;
  auth: RpcAuth;
}

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

/** Where to connect and how to authenticate, with bitcoind's defaults per network. */
export function resolveRpcTarget(network: BitcoinNetwork, rpc: BitcoinSourceConfig['rpc']): RpcTarget {
  const url = new URL(rpc.url ?? `http://127.0.0.1:${DEFAULT_RPC_PORT[network]}`);
  let auth: RpcAuth;
  if (rpc.user !== undefined && rpc.password !== undefined) {
    auth = { kind: 'password', user: rpc.user, password: rpc.password };
  } else if (url.username || url.password) {
    auth = { kind: 'password', user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
  } else {
    const datadir = expandHome(rpc.datadir ?? '~/.bitcoin');
    const file = rpc.cookieFile ? expandHome(rpc.cookieFile) : join(datadir, NETWORK_SUBDIR[network], '.cookie');
    auth = { kind: 'cookie', file };
  }
  // credentials never travel in the URL (they would end up in error messages)
  url.username = '';
  url.password = '';
  return { url, auth };
}

export interface BitcoinRpcOptions {
  sourceId: string;
  target: RpcTarget;
  timeoutMs: number;
  maxBatch: number;
  retries?: number;
  retryBaseMs?: number;
  health: UpstreamHealth;
  secrets: SecretScrubber;
  self?: SelfMetrics;
  logger?: Logger;
  /** requests on the wire at once, 1..MAX_IN_FLIGHT (default DEFAULT_IN_FLIGHT) */
  maxInFlight?: number;
}

interface HttpReply {
  status: number;
  body: string;
}

/** Errors worth another try: a busy or restarting node, not a wrong method or bad params. */
function isRetryable(error: unknown): boolean {
  return error instanceof UpstreamError && error.retryable && !(error instanceof CircuitOpenError);
}

/**
 * Largest reply read: `getrawmempool false true` of a 1,000,000-transaction mempool is ~67 MB
 * (txids of 64 hex digits, quoted, comma-separated); batches of getmempoolentry are far smaller.
 */
export const MAX_REPLY_BYTES = 256 * 1024 * 1024;

/**
 * Requests on the wire to one node at once (the agent's sockets, and batchEach's chunks).
 * bitcoind runs -rpcthreads requests at a time (DEFAULT_HTTP_THREADS=4) and queues up to
 * -rpcworkqueue more (DEFAULT_HTTP_WORKQUEUE=16) before it answers 503 "Work queue depth
 * exceeded" (bitcoin/bitcoin@0011534a9a25db20c8f830a18ef3f8b336906e7e:src/httpserver.h:12-13).
 * The default is its thread count: 8 was tried for the 1M resync (threads busy while a reply
 * travels) and did not help against the simulator (A/B in one run, load 3.6-4.5: wall no
 * better, proxy CPU 3.1-3.7 -> 3.3-4.3 s with twice the replies held at once). maxInFlight may
 * raise it up to MAX_IN_FLIGHT, half the work queue.
 */
export const DEFAULT_IN_FLIGHT = 4;
export const MAX_IN_FLIGHT = 8;

export class BitcoinRpc {
  private readonly agent: Agent;
  private readonly isHttps: boolean;
  /** requests on the wire at once (the agent's sockets) */
  readonly maxInFlight: number;
  private authHeader: string | null = null;
  private nextId = 1;
  /** the node's own warm-up message while it answers -28, else null */
  warmup: string | null = null;

  constructor(private readonly options: BitcoinRpcOptions) {
    this.isHttps = options.target.url.protocol === 'https:';
    this.maxInFlight = Math.max(1, Math.min(MAX_IN_FLIGHT, Math.floor(options.maxInFlight ?? DEFAULT_IN_FLIGHT)));
    // the sockets bound every caller together (a resync, live fetches and queries share them)
    this.agent = this.isHttps
      ? new HttpsAgent({ keepAlive: true, maxSockets: this.maxInFlight })
      : new Agent({ keepAlive: true, maxSockets: this.maxInFlight });
    if (options.target.auth.kind === 'password') {
      const { user, password } = options.target.auth;
      this.setAuth(`${user}:${password}`);
      options.secrets.add(password);
    }
  }

  get health(): UpstreamHealth {
    return this.options.health;
  }

  /**
   * Calls one method; throws RpcError with the node's code on a JSON-RPC error. `scan` may read
   * a large reply's raw text faster than JSON.parse ([result], or null to parse it as usual).
   */
  async call<T = unknown>(
    method: string,
    params: unknown[] = [],
    options: { scan?: (body: string, ids: readonly number[]) => T[] | null } = {}
  ): Promise<T> {
    assertAllowed(method);
    const [outcome] = await this.send([{ method, params }], method, options.scan);
    if (!outcome) throw new UpstreamError(`${method}: empty reply`);
    if (!outcome.ok) throw outcome.error;
    return outcome.result as T;
  }

  /**
   * Sends calls as JSON-RPC batches of at most `maxBatch` (bitcoind runs one batch on one
   * work-queue slot); each item answers alone, so one bad item does not fail the others.
   */
  async batch<T = unknown>(calls: RpcCall[], options: { concurrency?: number } = {}): Promise<Array<RpcOutcome<T>>> {
    const results: Array<Array<RpcOutcome<T>>> = [];
    await this.batchEach<T>(calls, options, (outcomes, chunkIndex) => {
      results[chunkIndex] = outcomes;
    });
    return results.flat();
  }

  /**
   * Like batch, but hands each chunk's outcomes to `onChunk` as soon as it arrives (in any
   * order; `offset` is its first call's index), so a caller reading 300k mempool entries holds
   * only the chunks in flight, and the next chunks are already on the wire while it works.
   * An exception from `onChunk` stops further chunks and rejects.
   */
  async batchEach<T = unknown>(
    calls: RpcCall[] | RpcCallList,
    options: {
      concurrency?: number;
      /** calls per HTTP request when fewer than maxBatch suit the replies better */
      batchSize?: number;
      /**
       * a fast reader of the raw reply (every item a result, in order), or null to parse it
       * with JSON.parse as usual: for replies whose full objects cost more than they are worth
       */
      scan?: (body: string, ids: readonly number[]) => T[] | null;
    },
    onChunk: (outcomes: Array<RpcOutcome<T>>, chunkIndex: number, offset: number) => void
  ): Promise<void> {
    const list = Array.isArray(calls) ? null : calls;
    if (list) assertAllowed(list.method);
    else for (const call of calls as RpcCall[]) assertAllowed(call.method);
    const total = list ? list.count : (calls as RpcCall[]).length;
    const size = Math.max(1, Math.min(this.options.maxBatch, options.batchSize ?? Infinity));
    const chunkCount = Math.ceil(total / size);
    const chunkAt = (offset: number): RpcCall[] =>
      list
        ? Array.from({ length: Math.min(size, total - offset) }, (_, k) => ({ method: list.method, params: list.params(offset + k) }))
        : (calls as RpcCall[]).slice(offset, offset + size);
    // up to `concurrency` chunks in flight, never more than maxInFlight (see DEFAULT_IN_FLIGHT)
    let next = 0;
    let failed = false;
    const worker = async () => {
      while (next < chunkCount && !failed) {
        const index = next++;
        const offset = index * size;
        try {
          const outcomes = await this.send(chunkAt(offset), 'batch', options.scan);
          if (!failed) onChunk(outcomes as Array<RpcOutcome<T>>, index, offset);
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    };
    const workers = Math.max(1, Math.min(options.concurrency ?? 1, this.maxInFlight, chunkCount));
    await Promise.all(Array.from({ length: workers }, worker));
  }

  /** Like batch, but throws the first item error (for calls that only make sense together). */
  async batchAll<T extends unknown[]>(calls: RpcCall[]): Promise<T> {
    const outcomes = await this.batch(calls);
    return outcomes.map((o) => {
      if (!o.ok) throw o.error;
      return o.result;
    }) as T;
  }

  close(): void {
    this.agent.destroy();
  }

  private async send(calls: RpcCall[], label: string, scan?: (body: string, ids: readonly number[]) => unknown[] | null): Promise<RpcOutcome[]> {
    // before anything is counted as an upstream call: an over-budget request is the client's problem
    // (the agent's maxInFlight sockets are the concurrency limit, see DEFAULT_IN_FLIGHT)
    chargeUpstream(calls.length, label === 'batch' ? `${calls[0]?.method ?? 'batch'} ×${calls.length}` : label);
    const started = performance.now();
    const single = label !== 'batch';
    try {
      const outcomes = await this.options.health.call(() =>
        withRetry(() => this.post(calls, single, scan), {
          retries: this.options.retries ?? 3,
          baseMs: this.options.retryBaseMs ?? 100,
          maxMs: 2_000,
          retryable: isRetryable,
        })
      );
      this.observe(label, started);
      const warming = outcomes.find((o) => !o.ok && o.error.code === RPC_IN_WARMUP);
      if (warming && !warming.ok) {
        // the node is up and says why it cannot answer yet: a status, not a failure
        this.warmup = warming.error.detail;
        this.options.health.report('starting', `node warming up: ${warming.error.detail}`);
      } else if (this.warmup !== null) {
        this.warmup = null;
        this.options.health.report(null);
      }
      return outcomes;
    } catch (error) {
      this.observe(label, started);
      countUpstreamError(this.target, reasonOf(error));
      throw error;
    }
  }

  private observe(label: string, started: number): void {
    observeUpstream(this.target, label, started);
  }

  private get target(): UpstreamTarget {
    return { sourceId: this.options.sourceId, upstream: 'rpc', timeoutMs: this.options.timeoutMs, self: this.options.self };
  }

  private async post(
    calls: RpcCall[],
    single: boolean,
    scan?: (body: string, ids: readonly number[]) => unknown[] | null
  ): Promise<RpcOutcome[]> {
    const ids = calls.map(() => this.nextId++);
    // what JSON.stringify of the request objects writes, without making an object per call
    // (a 1M-entry resync sends 1M of them), in one string with each run of one method quoted
    // once rather than an array of item strings joined (1M calls: ~800 -> ~640 ms, load 4)
    let body = single ? '' : '[';
    let method = '';
    let methodJson = '';
    for (let i = 0; i < calls.length; i++) {
      const c = calls[i]!;
      if (i === 0 || c.method !== method) {
        method = c.method;
        methodJson = JSON.stringify(method);
      }
      body += `${i > 0 ? ',' : ''}{"jsonrpc":"2.0","id":${ids[i]},"method":${methodJson},"params":${JSON.stringify(c.params ?? [])}}`;
    }
    if (!single) body += ']';
    let reply = await this.http(body, false);
    if (reply.status === 401 && this.options.target.auth.kind === 'cookie') {
      // bitcoind writes a new cookie on every start: read it again and retry once
      reply = await this.http(body, true);
    }
    if (scan && reply.status === 200) {
      const results = scan(reply.body, ids);
      if (results) return results.map((result) => ({ ok: true, result }));
    }
    return parseReply(reply, ids, calls);
  }

  private async authorization(forceReload: boolean): Promise<string> {
    if (this.authHeader && !forceReload) return this.authHeader;
    const auth = this.options.target.auth;
    if (auth.kind === 'password') return this.authHeader!;
    let cookie: string;
    try {
      cookie = (await readFile(auth.file, 'utf8')).trim();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      // ENOENT while bitcoind starts (the cookie is written once the RPC server is up)
      throw new UpstreamError(`cannot read RPC cookie file ${auth.file} (${code})`, 'cookie', code === 'ENOENT');
    }
    const colon = cookie.indexOf(':');
    if (colon < 0) throw new UpstreamError(`RPC cookie file ${auth.file} is not "user:password"`, 'cookie', false);
    this.options.secrets.add(cookie.slice(colon + 1), cookie);
    this.setAuth(cookie);
    return this.authHeader!;
  }

  private setAuth(userPassword: string): void {
    const encoded = Buffer.from(userPassword).toString('base64');
    this.options.secrets.add(encoded);
    this.authHeader = `Basic ${encoded}`;
  }

  private async http(body: string, reloadAuth: boolean): Promise<HttpReply> {
    const authorization = await this.authorization(reloadAuth);
    const url = this.options.target.url;
    const request = this.isHttps ? httpsRequest : httpRequest;
    const timeoutMs = this.options.timeoutMs;
    return new Promise<HttpReply>((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        fn();
      };
      const req = request(
        url,
        {
          method: 'POST',
          agent: this.agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            authorization,
          },
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          let received = 0;
          res.on('data', (chunk: Buffer) => {
            received += chunk.length;
            // a reply no RPC we send can produce (a broken or hostile endpoint): stop reading it
            if (received > MAX_REPLY_BYTES) {
              const error = new UpstreamError(`RPC reply from ${url.host} larger than ${MAX_REPLY_BYTES / 1_048_576} MiB; not read`, 'too_large', false);
              settle(() => reject(error));
              req.destroy(error);
              return;
            }
            chunks.push(chunk);
          });
          res.on('end', () => settle(() => resolve({ status: res.statusCode ?? 0, body: decodeReply(Buffer.concat(chunks)) })));
          res.on('error', (error) => settle(() => reject(networkError(error, url))));
          // a node that stops mid-reply closes the socket without 'end' or 'error'
          res.on('close', () => {
            if (!res.complete)
              settle(() =>
                reject(new UpstreamError(`RPC connection to ${url.host} closed mid-reply`, 'ECONNRESET', true))
              );
          });
        }
      );
      // one deadline for the whole call, including the wait for a pooled socket
      const deadline = setTimeout(() => {
        const error = new UpstreamError(`RPC timeout after ${timeoutMs} ms (${url.host})`, 'timeout', false);
        settle(() => reject(error));
        req.destroy(error);
      }, timeoutMs);
      req.on('error', (error) =>
        settle(() => reject(error instanceof UpstreamError ? error : networkError(error, url)))
      );
      req.on('close', () =>
        settle(() => reject(new UpstreamError(`RPC connection to ${url.host} closed`, 'ECONNRESET', true)))
      );
      req.end(body);
    });
  }
}

function assertAllowed(method: string): void {
  if (!READ_ONLY_METHODS.has(method)) throw new MethodNotAllowedError(method);
}

function networkError(error: Error, url: URL): UpstreamError {
  const code = (error as NodeJS.ErrnoException).code ?? 'network';
  // refused/reset: the node is restarting or down; worth a short retry
  const retryable = ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ECONNABORTED'].includes(code);
  return new UpstreamError(`RPC connection to ${url.host} failed (${code})`, code, retryable);
}

function reasonOf(error: unknown): string {
  if (error instanceof CircuitOpenError) return 'circuit_open';
  if (error instanceof UpstreamError && error.code !== undefined) return String(error.code);
  return 'error';
}

interface JsonRpcReply {
  id?: unknown;
  result?: unknown;
  error?: { code?: unknown; message?: unknown } | null;
}

function parseReply(reply: HttpReply, ids: number[], calls: RpcCall[]): RpcOutcome[] {
  if (reply.status === 401) {
    throw new UpstreamError('RPC authentication failed (401): check rpc user/password or the cookie file', 401, false);
  }
  if (reply.status === 403) throw new UpstreamError('RPC access forbidden (403): check rpcallowip', 403, false);
  if (reply.status === 503) {
    // "Work queue depth exceeded": bitcoind is busy, back off and try again
    throw new UpstreamError('RPC work queue full (503)', 503, true);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(reply.body);
  } catch {
    throw new UpstreamError(`RPC reply is not JSON (HTTP ${reply.status})`, reply.status, reply.status >= 500);
  }
  const items: JsonRpcReply[] = Array.isArray(parsed) ? (parsed as JsonRpcReply[]) : [parsed as JsonRpcReply];
  // bitcoind answers a batch in order; match by id only if a reply is out of place
  let byId: Map<unknown, JsonRpcReply> | undefined;
  const lookup = (id: number): JsonRpcReply | undefined => {
    if (!byId) {
      byId = new Map();
      for (const item of items) if (item && typeof item === 'object') byId.set(item.id, item);
    }
    return byId.get(id);
  };
  return ids.map((id, i) => {
    const inPlace = items[i];
    // a JSON-RPC 1.0-style error reply to a single call may come back with id null
    const item =
      (inPlace && typeof inPlace === 'object' && inPlace.id === id ? inPlace : lookup(id)) ??
      (items.length === 1 && ids.length === 1 ? items[0] : undefined);
    const method = calls[i]?.method ?? '?';
    if (!item) return { ok: false, error: new RpcError(`${method}: no reply for this call`, 'missing') };
    if (item.error) {
      const code = typeof item.error.code === 'number' ? item.error.code : 'rpc';
      const message = typeof item.error.message === 'string' ? item.error.message : 'unknown error';
      return { ok: false, error: new RpcError(`${method}: ${message} (code ${code})`, code, message) };
    }
    return { ok: true, result: item.result };
  });
}

/**
 * The reply as text. bitcoind's JSON is ASCII unless a string holds more (a label, a message):
 * ASCII read as latin1 is the same text, made a third of the UTF-8 decoder's time (a 1M-entry
 * resync reads ~500 MB of getmempoolentry replies).
 */
function decodeReply(bytes: Buffer): string {
  return bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
}
