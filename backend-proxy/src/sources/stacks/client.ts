// I/O only. The node's RPC can be asked for three read-only paths and nothing else; the check
// runs before any socket opens, whatever a caller passes. Error messages name the path, never the
// configured URL (which may carry user:password@).
import { countUpstreamError, upstreamFetch, type UpstreamTarget } from '../../core/upstream.js';
import { UpstreamError } from '../types.js';

export const STACKS_RPC_PATHS = ['/v2/info', '/v2/neighbors', '/v3/health'] as const;
export type StacksRpcPath = (typeof STACKS_RPC_PATHS)[number];

/**
 * What GET /v3/health gave: the health, no such endpoint (404: before 3.1.0.0.13), or the node's
 * own "unable to determine health" answer. stacks-core 3.1.0.0.13 to 3.2.0.0.1 answer that with
 * HTTP 500 and a text/plain message (HttpServerError, stacks-network/stacks-core@3.2.0.0.1:
 * stackslib/src/net/api/gethealth.rs:183,208,221,246; text/plain: stackslib/src/net/http/mod.rs:167);
 * from 3.2.0.0.2 the endpoint always answers 200.
 */
export type HealthAnswer = { kind: 'absent' } | { kind: 'ok'; body: unknown } | { kind: 'unavailable'; message: string };

export class StacksRpcClient {
  constructor(
    private readonly baseUrl: string,
    private readonly options: UpstreamTarget
  ) {}

  /** Returns the parsed JSON, or null when the node does not serve the path (404: an older version). */
  async get(path: StacksRpcPath): Promise<unknown> {
    const { status, body } = await this.fetch(path);
    if (status === 404) return null;
    return this.parse(path, status, body);
  }

  /** GET /v3/health; the node's own 500 + message is an answer, not a failed call. */
  async health(): Promise<HealthAnswer> {
    const { status, body, contentType } = await this.fetch('/v3/health');
    if (status === 404) return { kind: 'absent' };
    if (status === 500 && /^text\/plain\b/i.test(contentType)) return { kind: 'unavailable', message: body.trim().slice(0, 300) };
    return { kind: 'ok', body: this.parse('/v3/health', status, body) };
  }

  private async fetch(path: StacksRpcPath) {
    if (!(STACKS_RPC_PATHS as readonly string[]).includes(path)) {
      throw new UpstreamError(`stacks rpc: path ${String(path)} is not on the read-only allow-list`, 'forbidden', false);
    }
    // relative to the base so a node behind a path prefix (https://host/stacks/) keeps it
    const url = new URL(path.slice(1), this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`).toString();
    return upstreamFetch(url, { what: path }, this.options);
  }

  private parse(path: StacksRpcPath, status: number, body: string): unknown {
    if (status !== 200) {
      countUpstreamError(this.options, `http_${status}`);
      throw new UpstreamError(`stacks rpc ${path}: HTTP ${status} ${body.slice(0, 120)}`, status);
    }
    try {
      return JSON.parse(body) as unknown;
    } catch {
      countUpstreamError(this.options, 'malformed');
      throw new UpstreamError(`stacks rpc ${path}: malformed JSON (${body.length} bytes)`, 'malformed');
    }
  }
}
