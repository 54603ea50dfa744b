// The upstream HTTP client every source's client builds on: credentials out of the URL, the
// request's budget charged, one deadline, a bounded body, `nodescope_upstream_*` metrics, and an
// UpstreamError whose message names the call, never the configured URL. The sources' clients
// keep only what is theirs: the allow-list, the payload, the meaning of an answer.
import { BodyTooLargeError, readBodyText } from './body.js';
import { BudgetExceededError, chargeUpstream } from './budget.js';
import { UpstreamError } from './errors.js';
import type { SelfMetrics } from './metrics.js';

/** Which upstream of which source a call goes to, for metrics and messages. */
export interface UpstreamTarget {
  sourceId: string;
  /** the `upstream` label: stacks-rpc, geth-metrics, freqtrade … */
  upstream: string;
  timeoutMs: number;
  self?: SelfMetrics | undefined;
}

export interface UpstreamRequest {
  /** the `method` label and the second word of an error message: a path, an RPC method */
  what: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  redirect?: 'follow' | 'error';
  /** first word of an error message; the upstream label by default */
  label?: string;
  /** false when the caller charged the request's budget itself (a batch, before a queue) */
  charge?: boolean;
  maxBytes?: number;
  /** the error to throw when the exchange fails (network, timeout, too large); `${label} ${what}: ${reason}` by default */
  failure?: (error: unknown, reason: string) => UpstreamError;
}

export interface UpstreamReply {
  status: number;
  body: string;
  contentType: string;
}

/** One exchange; resolves to status + body text whatever the status, or throws UpstreamError. */
export async function upstreamFetch(url: string, request: UpstreamRequest, target: UpstreamTarget): Promise<UpstreamReply> {
  const started = performance.now();
  const { target: href, headers } = withoutCredentials(url);
  try {
    if (request.charge !== false) chargeUpstream(1, `${target.upstream} ${request.what}`);
    const response = await fetch(href, {
      method: request.method ?? 'GET',
      headers: { ...headers, ...request.headers },
      ...(request.body !== undefined ? { body: request.body } : {}),
      ...(request.redirect ? { redirect: request.redirect } : {}),
      signal: AbortSignal.timeout(target.timeoutMs),
    });
    const body = await readBodyText(response, request.maxBytes);
    observeUpstream(target, request.what, started);
    return { status: response.status, body, contentType: response.headers.get('content-type') ?? '' };
  } catch (error) {
    if (error instanceof BudgetExceededError) throw error; // the request's, not the upstream's
    const reason = error instanceof BodyTooLargeError ? 'too_large' : errorReason(error);
    countUpstreamError(target, reason);
    if (request.failure) throw request.failure(error, reason);
    const detail = error instanceof BodyTooLargeError ? error.message : reason;
    throw new UpstreamError(`${request.label ?? target.upstream} ${request.what}: ${detail}`, reason);
  }
}

/** Records a call's latency (nodescope_upstream_request_seconds), from `started` (performance.now()). */
export function observeUpstream(target: UpstreamTarget, what: string, started: number): void {
  target.self?.upstreamLatency.observe(
    { source: target.sourceId, upstream: target.upstream, method: what },
    (performance.now() - started) / 1000
  );
}

/** Counts a failed call (nodescope_upstream_errors_total): network, timeout, http_503, malformed … */
export function countUpstreamError(target: UpstreamTarget, reason: string): void {
  target.self?.upstreamErrors.inc({ source: target.sourceId, upstream: target.upstream, reason });
}

/** Fetches a Prometheus text endpoint (stacks node :9153, signer :30001, geth /debug/metrics/prometheus). */
export async function fetchMetricsText(url: string, target: UpstreamTarget): Promise<string> {
  const { status, body } = await upstreamFetch(url, { what: 'metrics' }, target);
  if (status !== 200) throw new UpstreamError(`${target.upstream} metrics: HTTP ${status}`, status);
  return body;
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

/** The metrics reason of a failed fetch: timeout, the socket's code (ECONNREFUSED …), or the message. */
export function errorReason(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'timeout';
  const cause = (error as { cause?: { code?: string } }).cause;
  if (cause?.code) return cause.code;
  return error instanceof Error ? error.message : String(error);
}
