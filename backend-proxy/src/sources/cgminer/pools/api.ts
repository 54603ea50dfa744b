// I/O only: the pools' read APIs. Every request is a GET to a path on the allow-list below, with
// the account token in the header the pool documents; the check runs before any socket opens.
//  - Braiins Pool: `Pool-Auth-Token` (the Braiins Academy monitoring page; the older
//    `SlushPool-Auth-Token` is the same token, help.braiins.com API configuration guide), as
//    shadowylab/braiinspool@51f3456:src/builder.rs:59-63 sends it. The doc asks for about one
//    request per five seconds: the poll interval is at least 30 s, three requests each.
//  - Luxor: `authorization: <api key>` (docs.luxor.tech, "Authorization ... In: header").
import type { SelfMetrics } from '../../../core/metrics.js';
import { countUpstreamError, upstreamFetch, type UpstreamTarget } from '../../../core/upstream.js';
import { UpstreamError } from '../../types.js';
import type { PoolKind } from './model.js';

/** The only requests sent to a pool: GET, these paths, these query names. */
export const POOL_READ_CALLS = {
  braiins: {
    profile: { path: '/accounts/profile/json/btc/', query: [] },
    workers: { path: '/accounts/workers/json/btc/', query: [] },
    rewards: { path: '/accounts/rewards/json/btc/', query: [] },
  },
  luxor: {
    summary: { path: '/v1/pool/summary/BTC', query: ['subaccount_names'] },
    workers: { path: '/v1/pool/workers/BTC', query: ['subaccount_names', 'page_number', 'page_size'] },
  },
} as const satisfies Record<PoolKind, Record<string, { path: string; query: readonly string[] }>>;

export const POOL_DEFAULT_URL: Record<PoolKind, string> = {
  braiins: 'https://pool.braiins.com',
  luxor: 'https://app.luxor.tech/api',
};

export class PoolApiError extends UpstreamError {
  override name = 'PoolApiError';
  constructor(
    message: string,
    readonly httpStatus: number
  ) {
    // a refused token does not heal by retrying
    super(message, httpStatus, httpStatus !== 401 && httpStatus !== 403);
  }
}

export class PoolCallRefused extends Error {
  override name = 'PoolCallRefused';
}

/** The request URL of an allow-listed call; throws for anything else. */
export function poolRequestUrl(kind: PoolKind, baseUrl: string, call: string, query: Record<string, string> = {}): URL {
  const calls = POOL_READ_CALLS[kind] as Record<string, { path: string; query: readonly string[] }>;
  const spec = Object.hasOwn(calls, call) ? calls[call] : undefined;
  if (!spec) throw new PoolCallRefused(`refused ${kind} call: only ${Object.keys(calls).join(', ')} are read`);
  for (const name of Object.keys(query)) {
    if (!spec.query.includes(name)) throw new PoolCallRefused(`refused ${kind} ${call} query parameter: only ${spec.query.join(', ') || 'none'}`);
  }
  const base = new URL(baseUrl);
  // the base may carry a path prefix (Luxor's /api); the call's path is appended to it
  const url = new URL(base.pathname.replace(/\/+$/, '') + spec.path, base);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  return url;
}

export interface PoolClientOptions {
  kind: PoolKind;
  baseUrl: string;
  token: string;
  timeoutMs: number;
  /** the cgminer source's id: the `source` label of nodescope_upstream_* (the pool kind when absent) */
  sourceId?: string | undefined;
  /** where the call's latency and failures are counted, as for every other upstream */
  self?: SelfMetrics | undefined;
}

/** One allow-listed GET; the body is read up to the proxy's limit and parsed as JSON. */
export async function poolGet(options: PoolClientOptions, call: string, query: Record<string, string> = {}): Promise<unknown> {
  const url = poolRequestUrl(options.kind, options.baseUrl, call, query);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.kind === 'braiins') headers['Pool-Auth-Token'] = options.token;
  else headers.authorization = options.token;
  const target: UpstreamTarget = { sourceId: options.sourceId ?? options.kind, upstream: `pool-${options.kind}`, timeoutMs: options.timeoutMs, self: options.self };
  const reply = await upstreamFetch(
    url.toString(),
    {
      what: call,
      headers,
      redirect: 'error',
      label: options.kind,
      failure: (error) => {
        const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
        return new UpstreamError(timedOut ? `${options.kind} ${call}: no answer within ${options.timeoutMs} ms` : `${options.kind} ${call}: ${error instanceof Error ? error.message : String(error)}`, timedOut ? 'timeout' : 'unreachable');
      },
    },
    target
  );
  const text = reply.body;
  // upstreamFetch counts only failed exchanges; a refusal or a garbled answer is counted here
  if (reply.status < 200 || reply.status > 299) {
    countUpstreamError(target, `http_${reply.status}`);
    throw new PoolApiError(`${options.kind} ${call}: HTTP ${reply.status}`, reply.status);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    countUpstreamError(target, 'malformed');
    throw new UpstreamError(`${options.kind} ${call}: the reply is not JSON`, 'bad-json');
  }
}
