import http from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { DroppableListener } from '../listener.js';
import { readRequestBody } from '../requestBody.js';
import { RPC, RpcError } from './errors.js';
import { PreWritten, writeUniValue } from './univalue.js';

export type JsonRpcVersion = '1.0' | '2.0';

export interface ReceivedRequest {
  method: string;
  /** what the server did with it */
  outcome: 'executed' | 'unauthorized' | 'work-queue' | 'warmup';
  version: JsonRpcVersion;
}

export interface RpcServerHooks {
  /** current "user:password" accepted by the server */
  credentials: () => string;
  /** runs one method; throws RpcError */
  execute: (method: string, params: unknown) => unknown;
  /** non-null while the node is warming up (-28 with this message) */
  warmupMessage: () => string | null;
  /** current injected delay and work-queue state */
  delayMs: () => number;
  workQueueFull: () => boolean;
  /** -rpcthreads + -rpcworkqueue: requests beyond this many in flight get 503 (unset: unlimited) */
  maxInFlight?: number;
  /** refuse at once (the listener is being closed) */
  isDown: () => boolean;
  authFailureDelayMs: number;
  onReceived: (request: ReceivedRequest) => void;
  /**
   * a batch of one JSON-RPC 2.0 method answered from the raw body, or null for the general
   * path; it must write what the general path writes for the same body (rpc/mempool.ts
   * entryBatchReply for a resync's getmempoolentry batches)
   */
  fastBatch?: (body: string) => { method: string; count: number; body: Buffer } | null;
}

/** libevent's default content type for replies bitcoind writes without one */
const LIBEVENT_CONTENT_TYPE = 'text/html; charset=ISO-8859-1';
const WWW_AUTHENTICATE = 'Basic realm="jsonrpc"';
/** MAX_SIZE from serialize.h, which bitcoind passes to evhttp_set_max_body_size */
const MAX_BODY = 0x02000000;

interface ParsedRequest {
  id: unknown;
  hasId: boolean;
  version: JsonRpcVersion;
  method: string;
  params: unknown;
}

/** JSONRPCReplyObj from rpc/request.cpp */
function replyObject(
  result: unknown,
  error: RpcError | null,
  id: unknown,
  hasId: boolean,
  version: JsonRpcVersion
): Record<string, unknown> {
  const reply: Record<string, unknown> = {};
  if (version === '2.0') reply.jsonrpc = '2.0';
  if (error === null) {
    reply.result = result === undefined ? null : result;
    if (version === '1.0') reply.error = null;
  } else {
    if (version === '1.0') reply.result = null;
    reply.error = error.toJSON();
  }
  if (hasId) reply.id = id;
  return reply;
}

/**
 * JSONRPCRequest::parse. The request object is shared across a batch in bitcoind, so a
 * non-object element keeps the previous element's id and version: `state` carries them.
 */
function parseRequest(value: unknown, state: { id: unknown; hasId: boolean; version: JsonRpcVersion }): ParsedRequest {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new RpcError(RPC.INVALID_REQUEST, 'Invalid Request object');
  const request = value as Record<string, unknown>;
  if ('id' in request) {
    state.id = request.id;
    state.hasId = true;
  } else {
    state.id = undefined;
    state.hasId = false;
  }
  state.version = '1.0';
  const jsonrpc = request.jsonrpc;
  if (jsonrpc !== undefined && jsonrpc !== null) {
    if (typeof jsonrpc !== 'string') throw new RpcError(RPC.INVALID_REQUEST, 'jsonrpc field must be a string');
    if (jsonrpc === '2.0') state.version = '2.0';
    else if (jsonrpc !== '1.0') throw new RpcError(RPC.INVALID_REQUEST, 'JSON-RPC version not supported');
  }
  const method = request.method;
  if (method === undefined || method === null) throw new RpcError(RPC.INVALID_REQUEST, 'Missing method');
  if (typeof method !== 'string') throw new RpcError(RPC.INVALID_REQUEST, 'Method must be a string');
  const params = request.params;
  if (params !== undefined && params !== null && typeof params !== 'object')
    throw new RpcError(RPC.INVALID_REQUEST, 'Params must be an array or object');
  return { id: state.id, hasId: state.hasId, version: state.version, method, params: params ?? [] };
}

function errorStatus(error: RpcError): number {
  if (error.code === RPC.INVALID_REQUEST) return 400;
  if (error.code === RPC.METHOD_NOT_FOUND) return 404;
  return 500;
}

function toRpcError(error: unknown): RpcError {
  if (error instanceof RpcError) return error;
  return new RpcError(RPC.MISC_ERROR, error instanceof Error ? error.message : String(error));
}

/** method names in a body, best effort, for the `received` log of requests bitcoind refused early */
function methodsIn(body: string): Array<{ method: string; version: JsonRpcVersion }> {
  try {
    const value = JSON.parse(body) as unknown;
    const items = Array.isArray(value) ? value : [value];
    return items
      .filter(
        (r): r is Record<string, unknown> =>
          r !== null && typeof r === 'object' && typeof (r as Record<string, unknown>).method === 'string'
      )
      .map((r) => ({ method: r.method as string, version: r.jsonrpc === '2.0' ? '2.0' : '1.0' }));
  } catch {
    return [];
  }
}

function checkAuth(header: string, expected: string): boolean {
  if (!header.startsWith('Basic ')) return false;
  const given = Buffer.from(Buffer.from(header.slice(6).trim(), 'base64').toString('utf8'));
  const want = Buffer.from(expected);
  return given.length === want.length && timingSafeEqual(given, want);
}

/**
 * bitcoind's HTTP JSON-RPC front (httpserver.cpp + httprpc.cpp of Core 28) on a node:http server.
 */
export class RpcHttpServer {
  private readonly listener: DroppableListener;
  inFlight = 0;

  constructor(
    host: string,
    private readonly hooks: RpcServerHooks
  ) {
    this.listener = new DroppableListener(
      host,
      (req, res) => {
        void this.handle(req, res).catch(() => {
          if (!res.headersSent) res.writeHead(500).end();
        });
      },
      { keepAliveTimeoutMs: 30_000 }
    );
  }

  get listening(): boolean {
    return this.listener.listening;
  }

  get port(): number {
    return this.listener.port;
  }

  listen(port: number): Promise<number> {
    return this.listener.listen(port);
  }

  /** stop listening and drop every open connection, as a dead process would */
  close(): Promise<void> {
    return this.listener.close();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (this.hooks.isDown()) {
      req.socket.destroy();
      return;
    }
    const body = await readRequestBody(req, MAX_BODY);
    if (body === null) {
      textReply(res, 413, '');
      return;
    }
    this.inFlight++;
    res.on('close', () => this.inFlight--);
    const url = req.url ?? '/';
    const pathOnly = url.split('?')[0] ?? '/';
    // the work queue is checked before any handler runs (http_request_cb)
    const limit = this.hooks.maxInFlight;
    if (this.hooks.workQueueFull() || (limit !== undefined && this.inFlight > limit)) {
      for (const m of methodsIn(body)) this.hooks.onReceived({ ...m, outcome: 'work-queue' });
      textReply(res, 503, 'Work queue depth exceeded');
      return;
    }
    if (pathOnly !== '/' && !pathOnly.startsWith('/wallet/')) {
      textReply(res, 404, '');
      return;
    }
    if (req.method !== 'POST') {
      textReply(res, 405, 'JSONRPC server handles only POST requests');
      return;
    }
    const auth = req.headers.authorization;
    if (auth === undefined || !checkAuth(auth, this.hooks.credentials())) {
      for (const m of methodsIn(body)) this.hooks.onReceived({ ...m, outcome: 'unauthorized' });
      // bitcoind sleeps 250 ms to deter brute-forcing, but only for a wrong password
      if (auth !== undefined && this.hooks.authFailureDelayMs > 0) await sleep(this.hooks.authFailureDelayMs);
      res.writeHead(401, {
        'WWW-Authenticate': WWW_AUTHENTICATE,
        'Content-Type': LIBEVENT_CONTENT_TYPE,
        'Content-Length': '0',
      });
      res.end();
      return;
    }
    const delay = this.hooks.delayMs();
    if (delay > 0) await sleep(delay);
    const { status, text } = this.process(body);
    if (status === 204) {
      res.writeHead(204).end();
      return;
    }
    const payload = typeof text === 'string' ? Buffer.from(text) : text;
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(payload.length) });
    res.end(payload);
  }

  /** HTTPReq_JSONRPC after authorization */
  process(body: string): { status: number; text: string | Buffer } {
    if (this.hooks.fastBatch && this.hooks.warmupMessage() === null) {
      const fast = this.hooks.fastBatch(body);
      if (fast) {
        const received: ReceivedRequest = { method: fast.method, version: '2.0', outcome: 'executed' };
        for (let i = 0; i < fast.count; i++) this.hooks.onReceived(received);
        return { status: 200, text: fast.body };
      }
    }
    const state = { id: null as unknown, hasId: true, version: '1.0' as JsonRpcVersion };
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      return errorReply(new RpcError(RPC.PARSE_ERROR, 'Parse error'), state);
    }
    if (Array.isArray(value)) {
      const replies: Array<Record<string, unknown>> = [];
      for (const element of value) {
        let reply: Record<string, unknown>;
        try {
          const request = parseRequest(element, state);
          // batches never raise HTTP errors: each element carries its own error object
          reply = this.execute(request, true);
        } catch (error) {
          reply = replyObject(null, toRpcError(error), state.id, state.hasId, state.version);
        }
        const notification = !state.hasId && state.version === '2.0';
        if (!notification) replies.push(reply);
      }
      if (value.length > 0 && replies.length === 0) return { status: 204, text: '' };
      // what writeUniValue(replies) writes, each reply on its own (a result may be pre-written)
      return { status: 200, text: `[${replies.map(writeReply).join(',')}]\n` };
    }
    if (value === null || typeof value !== 'object') {
      return errorReply(new RpcError(RPC.PARSE_ERROR, 'Top-level object parse error'), state);
    }
    let request: ParsedRequest;
    try {
      request = parseRequest(value, state);
    } catch (error) {
      return errorReply(toRpcError(error), state);
    }
    // JSON-RPC 2.0 catches errors into a 200 reply; 1.0/1.1 turns them into HTTP errors
    let reply: Record<string, unknown>;
    try {
      reply = this.execute(request, request.version === '2.0');
    } catch (error) {
      return errorReply(toRpcError(error), state);
    }
    if (!request.hasId && request.version === '2.0') return { status: 204, text: '' };
    return { status: 200, text: `${writeReply(reply)}\n` };
  }

  /** JSONRPCExec */
  private execute(request: ParsedRequest, catchErrors: boolean): Record<string, unknown> {
    const warmup = this.hooks.warmupMessage();
    this.hooks.onReceived({
      method: request.method,
      version: request.version,
      outcome: warmup === null ? 'executed' : 'warmup',
    });
    try {
      // CRPCTable::execute answers -28 before it even looks the method up
      if (warmup !== null) throw new RpcError(RPC.IN_WARMUP, warmup);
      const result = this.hooks.execute(request.method, request.params);
      return replyObject(result, null, request.id, request.hasId, request.version);
    } catch (error) {
      if (!catchErrors) throw error;
      return replyObject(null, toRpcError(error), request.id, request.hasId, request.version);
    }
  }
}

/** A reply object as JSON; a pre-written result goes in as it is, the other keys in their order. */
function writeReply(reply: Record<string, unknown>): string {
  const result = reply.result;
  if (!(result instanceof PreWritten)) return writeUniValue(reply);
  let out = '';
  for (const key in reply) {
    const value = reply[key];
    // a numeric id (the usual) and the version are written as JSON writes them, without a call into it
    const text =
      key === 'result'
        ? result.text
        : typeof value === 'number' && Number.isFinite(value)
          ? String(value)
          : value === '2.0'
            ? '"2.0"'
            : writeUniValue(value);
    out += `${out === '' ? '{' : ','}"${key}":${text}`;
  }
  return `${out}}`;
}

/** JSONErrorReply */
function errorReply(
  error: RpcError,
  state: { id: unknown; hasId: boolean; version: JsonRpcVersion }
): { status: number; text: string } {
  return {
    status: errorStatus(error),
    text: `${writeUniValue(replyObject(null, error, state.id, state.hasId, state.version))}\n`,
  };
}

function textReply(res: http.ServerResponse, status: number, text: string): void {
  const payload = Buffer.from(text);
  res.writeHead(status, { 'Content-Type': LIBEVENT_CONTENT_TYPE, 'Content-Length': String(payload.length) });
  res.end(payload);
}

/** unref'd: a delayed answer must not keep a closed simulator's process alive */
function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
