// I/O only: lnd's REST gateway and Core Lightning's clnrest. Only the read calls below can leave
// the proxy; the check runs before any socket opens.
//  - lnd: GET paths of the grpc-gateway mapping (lightningnetwork/lnd@90ea05d5a7f9:lnrpc/lightning.yaml:10-58),
//    plus POST /v1/switch, which is ForwardingHistory (lightning.yaml:125-126; a read: rpcserver.go:493-496
//    grants it to offchain:read, which readonly.macaroon holds). The macaroon goes in the
//    Grpc-Metadata-macaroon header as hex (itest/lnd_rest_api_test.go:798).
//  - cln: clnrest is a JSON-RPC transport: POST /v1/<method> with the params as the JSON body and
//    the rune in a `Rune` header (ElementsProject/lightning@090f4b0e6981:plugins/rest-plugin/src/handlers.rs:125-150).
//    Success is HTTP 201 with the result (shared.rs generate_response); errors are the RpcError
//    object {code, message} with 401/403/404/500 (handlers.rs:36-46, shared.rs verify_rune).
import http from 'node:http';
import https from 'node:https';
import { DEFAULT_MAX_BODY_BYTES } from '../../core/body.js';
import { chargeUpstream, ConcurrencyLimit } from '../../core/budget.js';
import type { SelfMetrics } from '../../core/metrics.js';
import { countUpstreamError, observeUpstream, type UpstreamTarget } from '../../core/upstream.js';
import { UpstreamError } from '../types.js';

export const LND_READ_CALLS = {
  getinfo: { method: 'GET', path: '/v1/getinfo' },
  channels: { method: 'GET', path: '/v1/channels' },
  pendingChannels: { method: 'GET', path: '/v1/channels/pending' },
  channelBalance: { method: 'GET', path: '/v1/balance/channels' },
  walletBalance: { method: 'GET', path: '/v1/balance/blockchain' },
  forwardingHistory: { method: 'POST', path: '/v1/switch' },
} as const;
export type LndCall = keyof typeof LND_READ_CALLS;

export const CLN_READ_METHODS = ['getinfo', 'listpeerchannels', 'listfunds', 'listforwards'] as const;
export type ClnMethod = (typeof CLN_READ_METHODS)[number];

export interface LightningClientOptions {
  url: string;
  timeoutMs: number;
  sourceId: string;
  /** PEM text of the node's certificate, trusted for an https url */
  ca?: string;
  self?: SelfMetrics;
}

/** An error answer of the node (lnd's gateway status, clnrest's RpcError). */
export class LightningApiError extends UpstreamError {
  override name = 'LightningApiError';
  constructor(
    message: string,
    readonly httpStatus: number,
    readonly apiCode: number | null
  ) {
    // 401/403: a wrong macaroon or rune does not heal by retrying
    super(message, apiCode ?? httpStatus, httpStatus !== 401 && httpStatus !== 403);
  }
}

interface RawReply {
  status: number;
  text: string;
}

/** One HTTP exchange with a bounded body and an overall timeout; node:http(s) so a self-signed cert can be trusted. */
function exchange(
  url: URL,
  method: 'GET' | 'POST',
  headers: Record<string, string>,
  body: string | null,
  options: LightningClientOptions
): Promise<RawReply> {
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(
      url,
      {
        method,
        headers: {
          accept: 'application/json',
          ...headers,
          ...(body !== null ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}),
        },
        ...(url.protocol === 'https:' && options.ca ? { ca: options.ca } : {}),
        timeout: options.timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > DEFAULT_MAX_BODY_BYTES) {
            request.destroy(
              new UpstreamError(`reply larger than ${DEFAULT_MAX_BODY_BYTES / 1_048_576} MiB; not read`, 'too_large')
            );
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') })
        );
        response.on('error', reject);
      }
    );
    // the socket timeout covers silence; this one covers a reply that trickles forever
    const overall = setTimeout(
      () => request.destroy(Object.assign(new Error('timeout'), { name: 'TimeoutError' })),
      options.timeoutMs
    );
    request.on('close', () => clearTimeout(overall));
    request.on('timeout', () => request.destroy(Object.assign(new Error('timeout'), { name: 'TimeoutError' })));
    request.on('error', reject);
    request.end(body ?? undefined);
  });
}

function reasonOf(error: unknown): string {
  if (error instanceof UpstreamError && error.code === 'too_large') return 'too_large';
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'timeout';
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
}

abstract class JsonHttpClient {
  protected readonly base: URL;
  /** one node, a few calls at once: a dashboard's burst should not queue up on the node */
  private readonly slots = new ConcurrencyLimit(4);
  private readonly target: UpstreamTarget;

  constructor(
    protected readonly options: LightningClientOptions,
    private readonly upstream: string
  ) {
    this.base = new URL(options.url);
    this.target = { sourceId: options.sourceId, upstream, timeoutMs: options.timeoutMs, self: options.self };
  }

  protected async send(
    what: string,
    method: 'GET' | 'POST',
    path: string,
    headers: Record<string, string>,
    body: string | null
  ): Promise<unknown> {
    chargeUpstream(1, what);
    return this.slots.run(async () => {
      const started = performance.now();
      let reply: RawReply;
      try {
        reply = await exchange(new URL(path, this.base), method, headers, body, this.options);
        observeUpstream(this.target, what, started);
      } catch (error) {
        const reason = reasonOf(error);
        countUpstreamError(this.target, reason);
        throw new UpstreamError(`${this.upstream} ${what}: ${reason}`, reason);
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(reply.text);
      } catch {
        countUpstreamError(this.target, 'malformed');
        throw new UpstreamError(
          `${this.upstream} ${what}: malformed JSON (HTTP ${reply.status}, ${reply.text.length} bytes)`,
          'malformed'
        );
      }
      if (reply.status < 200 || reply.status > 299) {
        const error = (parsed ?? {}) as { code?: unknown; message?: unknown };
        const message = typeof error.message === 'string' ? error.message.slice(0, 300) : `HTTP ${reply.status}`;
        countUpstreamError(this.target, `http_${reply.status}`);
        throw new LightningApiError(
          `${this.upstream} ${what}: ${message} (HTTP ${reply.status})`,
          reply.status,
          typeof error.code === 'number' ? error.code : null
        );
      }
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new UpstreamError(`${this.upstream} ${what}: expected a JSON object`, 'malformed');
      }
      return parsed;
    });
  }
}

export class LndRestClient extends JsonHttpClient {
  constructor(
    options: LightningClientOptions,
    private readonly macaroonHex: string
  ) {
    super(options, 'lnd-rest');
  }

  async call(name: LndCall, body?: Record<string, unknown>): Promise<unknown> {
    const spec = (LND_READ_CALLS as Record<string, { method: 'GET' | 'POST'; path: string } | undefined>)[name];
    if (!spec || !Object.hasOwn(LND_READ_CALLS, name)) {
      throw new UpstreamError(`lnd: ${String(name)} is not on the read-only allow-list`, 'forbidden', false);
    }
    if (spec.method === 'GET' && body !== undefined)
      throw new UpstreamError(`lnd: ${name} takes no body`, 'forbidden', false);
    return this.send(
      name,
      spec.method,
      spec.path,
      { 'Grpc-Metadata-macaroon': this.macaroonHex },
      spec.method === 'POST' ? JSON.stringify(body ?? {}) : null
    );
  }
}

export class ClnRestClient extends JsonHttpClient {
  private readonly allowed = new Set<string>(CLN_READ_METHODS);

  constructor(
    options: LightningClientOptions,
    private readonly rune: string
  ) {
    super(options, 'clnrest');
  }

  async call(method: ClnMethod, params: Record<string, unknown> = {}): Promise<unknown> {
    if (!this.allowed.has(method))
      throw new UpstreamError(`cln: method ${String(method)} is not on the read-only allow-list`, 'forbidden', false);
    return this.send(method, 'POST', `/v1/${method}`, { Rune: this.rune }, JSON.stringify(params));
  }
}
