// I/O only. The node's RPC can be asked for three read-only paths and nothing else; the check
// runs before any socket opens, whatever a caller passes. Error messages name the path, never the
// configured URL (which may carry user:password@).
import { BodyTooLargeError, readBodyText } from '../../core/body.js';
import { BudgetExceededError, chargeUpstream } from '../../core/budget.js';
import type { SelfMetrics } from '../../core/metrics.js';
import { UpstreamError } from '../types.js';

export const STACKS_RPC_PATHS = ['/v2/info', '/v2/neighbors', '/v3/health'] as const;
export type StacksRpcPath = (typeof STACKS_RPC_PATHS)[number];

export interface HttpGetOptions {
  timeoutMs: number;
  sourceId: string;
  upstream: string;
  self?: SelfMetrics;
}

/** GETs a URL from the server config; resolves to status + body text, or throws UpstreamError. */
export async function httpGet(url: string, what: string, options: HttpGetOptions): Promise<{ status: number; body: string; contentType: string }> {
  const started = performance.now();
  const labels = { source: options.sourceId, upstream: options.upstream, method: what };
  const { target, headers } = withoutCredentials(url);
  try {
    chargeUpstream(1, `${options.upstream} ${what}`);
    const response = await fetch(target, { signal: AbortSignal.timeout(options.timeoutMs), headers });
    const body = await readBodyText(response);
    options.self?.upstreamLatency.observe(labels, (performance.now() - started) / 1000);
    return { status: response.status, body, contentType: response.headers.get('content-type') ?? '' };
  } catch (error) {
    if (error instanceof BudgetExceededError) throw error; // the request's, not the upstream's
    const reason = error instanceof BodyTooLargeError ? 'too_large' : errorReason(error);
    options.self?.upstreamErrors.inc({ source: options.sourceId, upstream: options.upstream, reason });
    throw new UpstreamError(`${options.upstream} ${what}: ${error instanceof BodyTooLargeError ? error.message : reason}`, reason);
  }
}

/**
 * fetch refuses URLs with user:password@ (and its error repeats the URL), so credentials in a
 * configured URL move into an Authorization header. The caller registers them with the scrubber.
 */
export function withoutCredentials(url: string): { target: string; headers: Record<string, string> } {
  const headers: Record<string, string> = { accept: 'application/json, text/plain' };
  const parsed = new URL(url);
  if (parsed.username || parsed.password) {
    const user = decodeURIComponent(parsed.username);
    const password = decodeURIComponent(parsed.password);
    headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    parsed.username = '';
    parsed.password = '';
  }
  return { target: parsed.toString(), headers };
}

/** The secrets a configured URL carries (user:password@), for the log scrubber. */
export function urlSecrets(url: string | undefined): string[] {
  if (!url) return [];
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  const user = decodeURIComponent(parsed.username);
  return [password, user && password ? Buffer.from(`${user}:${password}`).toString('base64') : ''].filter(Boolean);
}

export function errorReason(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'timeout';
  const cause = (error as { cause?: { code?: string } }).cause;
  if (cause?.code) return cause.code;
  return error instanceof Error ? error.message : String(error);
}

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
    private readonly options: HttpGetOptions
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
    return httpGet(url, path, this.options);
  }

  private parse(path: StacksRpcPath, status: number, body: string): unknown {
    if (status !== 200) {
      this.options.self?.upstreamErrors.inc({ source: this.options.sourceId, upstream: this.options.upstream, reason: `http_${status}` });
      throw new UpstreamError(`stacks rpc ${path}: HTTP ${status} ${body.slice(0, 120)}`, status);
    }
    try {
      return JSON.parse(body) as unknown;
    } catch {
      this.options.self?.upstreamErrors.inc({ source: this.options.sourceId, upstream: this.options.upstream, reason: 'malformed' });
      throw new UpstreamError(`stacks rpc ${path}: malformed JSON (${body.length} bytes)`, 'malformed');
    }
  }
}

/** Fetches a Prometheus text endpoint (node :9153, signer :30001). */
export async function fetchMetricsText(url: string, options: HttpGetOptions): Promise<string> {
  const { status, body } = await httpGet(url, 'metrics', options);
  if (status !== 200) throw new UpstreamError(`${options.upstream} metrics: HTTP ${status}`, status);
  return body;
}
