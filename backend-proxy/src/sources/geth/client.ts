// I/O only: JSON-RPC 2.0 over HTTP to geth. Only the read-only methods below can be sent; the
// check runs before any socket opens, for single calls and for every member of a batch.
import { ConcurrencyLimit, chargeUpstream } from '../../core/budget.js';
import type { SelfMetrics } from '../../core/metrics.js';
import { countUpstreamError, upstreamFetch, type UpstreamTarget } from '../../core/upstream.js';
import { UpstreamError } from '../types.js';

export const GETH_READ_METHODS = [
  'eth_blockNumber',
  'eth_getBlockByNumber',
  'eth_syncing',
  'eth_chainId',
  'eth_gasPrice',
  'eth_maxPriorityFeePerGas',
  'eth_feeHistory',
  'net_peerCount',
  'net_version',
  'net_listening',
  'web3_clientVersion',
  'txpool_status',
] as const;
/** Opt-in (config adminPeers): read-only, but it lists every peer's enode id and address. */
export const GETH_ADMIN_READ_METHODS = ['admin_peers'] as const;

export type GethMethod = (typeof GETH_READ_METHODS)[number] | (typeof GETH_ADMIN_READ_METHODS)[number];

export interface GethCall {
  method: GethMethod;
  params?: unknown[];
}

/** A JSON-RPC error object answered by geth (code -32601: method/namespace not available). */
export class GethRpcError extends UpstreamError {
  override name = 'GethRpcError';
  constructor(
    readonly method: string,
    readonly rpcCode: number,
    rpcMessage: string
  ) {
    super(`geth ${method}: ${rpcMessage} (${rpcCode})`, rpcCode, rpcCode !== -32601 && rpcCode !== -32602);
  }
}

export interface GethClientOptions {
  url: string;
  timeoutMs: number;
  sourceId: string;
  allowAdmin: boolean;
  self?: SelfMetrics;
}

export class GethRpcClient {
  private nextId = 1;
  private readonly allowed: Set<string>;
  /** geth answers HTTP JSON-RPC concurrently, but one client's burst should not fill it */
  private readonly slots = new ConcurrencyLimit(4);
  private readonly target: UpstreamTarget;

  constructor(private readonly options: GethClientOptions) {
    this.target = { sourceId: options.sourceId, upstream: 'geth-rpc', timeoutMs: options.timeoutMs, self: options.self };
    this.allowed = new Set<string>([...GETH_READ_METHODS, ...(options.allowAdmin ? GETH_ADMIN_READ_METHODS : [])]);
  }

  async call<T = unknown>(method: GethMethod, params: unknown[] = []): Promise<T> {
    const [result] = await this.batch([{ method, params }]);
    return result as T;
  }

  /** Sends several calls in one JSON-RPC batch; resolves to their results in order, or throws the first error. */
  async batch(calls: GethCall[]): Promise<unknown[]> {
    for (const call of calls) {
      if (!this.allowed.has(call.method)) {
        throw new UpstreamError(`geth: method ${String(call.method)} is not on the read-only allow-list`, 'forbidden', false);
      }
    }
    const what = calls.length === 1 ? (calls[0]?.method ?? 'call') : `batch(${calls.length})`;
    // counted against the asking request's budget, then sent a few at a time (one request's
    // fan-out waits its turn instead of crowding out the others')
    chargeUpstream(calls.length, what);
    return this.slots.run(() => this.send(calls, what));
  }

  private async send(calls: GethCall[], what: string): Promise<unknown[]> {
    const requests = calls.map((call) => ({ jsonrpc: '2.0', id: this.nextId++, method: call.method, params: call.params ?? [] }));
    const body = calls.length === 1 ? requests[0] : requests;
    const { status, body: text } = await upstreamFetch(
      this.options.url,
      { what, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), label: 'geth', charge: false },
      this.target
    );
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      countUpstreamError(this.target, 'malformed');
      throw new UpstreamError(`geth ${what}: malformed JSON (HTTP ${status}, ${text.length} bytes)`, 'malformed');
    }
    const responses = Array.isArray(parsed) ? parsed : [parsed];
    const byId = new Map<unknown, { result?: unknown; error?: { code?: number; message?: string } }>();
    for (const response of responses) {
      if (response && typeof response === 'object' && 'id' in response) byId.set((response as { id: unknown }).id, response as never);
    }
    return requests.map((request) => {
      const response = byId.get(request.id) ?? (requests.length === 1 && responses.length === 1 ? (responses[0] as never) : undefined);
      if (!response) throw new UpstreamError(`geth ${request.method}: no response in the reply (HTTP ${status})`, 'malformed');
      if (response.error) {
        // -32601 is the node saying a namespace is not enabled (modules.ts): an answer, not an upstream error
        if (response.error.code !== -32601) {
          countUpstreamError(this.target, `rpc_${response.error.code ?? 'error'}`);
        }
        throw new GethRpcError(request.method, Number(response.error.code ?? -32000), String(response.error.message ?? 'error'));
      }
      if (!('result' in response)) throw new UpstreamError(`geth ${request.method}: response has neither result nor error`, 'malformed');
      return response.result;
    });
  }
}
