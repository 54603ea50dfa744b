// I/O only: Freqtrade's REST API v1 over HTTP with Basic or JWT auth. Every request is checked
// against a read-only allow-list before a socket is opened, so no query can ever reach
// forceenter/forceexit/start/stop/reload_config/blacklist writes or deletes.
import { BodyTooLargeError } from '../../core/body.js';
import { chargeUpstream } from '../../core/budget.js';
import type { SelfMetrics } from '../../core/metrics.js';
import { countUpstreamError, upstreamFetch, type UpstreamTarget } from '../../core/upstream.js';
import { UpstreamError } from '../types.js';
import type {
  BalanceResponse,
  CountResponse,
  DailyResponse,
  HealthResponse,
  LocksResponse,
  LogsResponse,
  OpenTradeJson,
  PerformanceEntry,
  PingResponse,
  ProfitResponse,
  ShowConfigResponse,
  StatsResponse,
  TokenLoginResponse,
  TokenRefreshResponse,
  TradesPageResponse,
  VersionResponse,
  WhitelistResponse,
} from './api.js';
import { SingleFlight } from '../../core/singleFlight.js';

const API = '/api/v1';

/** Read-only GET endpoints and the query parameters each may carry. */
export const READ_ENDPOINTS = {
  ping: { path: `${API}/ping`, params: [] },
  version: { path: `${API}/version`, params: [] },
  show_config: { path: `${API}/show_config`, params: [] },
  status: { path: `${API}/status`, params: [] },
  count: { path: `${API}/count`, params: [] },
  profit: { path: `${API}/profit`, params: [] },
  balance: { path: `${API}/balance`, params: [] },
  daily: { path: `${API}/daily`, params: ['timescale'] },
  performance: { path: `${API}/performance`, params: [] },
  trades: { path: `${API}/trades`, params: ['limit', 'offset'] },
  health: { path: `${API}/health`, params: [] },
  locks: { path: `${API}/locks`, params: [] },
  whitelist: { path: `${API}/whitelist`, params: [] },
  // read-only GETs in freqtrade 2026.9: api_trading.py:103-105 (rpc._rpc_stats) and api_v1.py:113-115
  // (RPC._rpc_get_logs(limit): the last records of the bot's in-memory log buffer); ftmetric reads both
  stats: { path: `${API}/stats`, params: [] },
  logs: { path: `${API}/logs`, params: ['limit'] },
} as const satisfies Record<string, { path: string; params: readonly string[] }>;

export type ReadEndpoint = keyof typeof READ_ENDPOINTS;

/** The message websocket (a GET upgrade); it only pushes, and the source only subscribes. */
export const MESSAGE_SOCKET_PATH = `${API}/message/ws`;

/** The only POSTs: obtaining tokens. They change nothing on the bot. */
const AUTH_POSTS = { login: `${API}/token/login`, refresh: `${API}/token/refresh` } as const;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

/** Decides whether a request may leave the proxy: allow-listed GET reads and the two token POSTs. */
export function isAllowedRequest(method: string, path: string, query: Record<string, string | number> = {}): boolean {
  if (method === 'POST') return Object.keys(query).length === 0 && Object.values(AUTH_POSTS).some((p) => p === path);
  if (method !== 'GET') return false;
  const endpoint = Object.values(READ_ENDPOINTS).find((e) => e.path === path);
  if (!endpoint) return false;
  const allowedParams: readonly string[] = endpoint.params;
  return Object.entries(query).every(
    ([key, value]) => allowedParams.includes(key) && Number.isInteger(Number(value)) && Number(value) >= 0
  );
}

/** The one websocket upgrade allowed: the message stream, which the proxy only subscribes to. */
export function isAllowedUpgrade(path: string): boolean {
  return path === MESSAGE_SOCKET_PATH;
}

export interface FreqtradeClientOptions {
  /** base URL of the bot's API server, without /api/v1 */
  url: string;
  username: string;
  password: string;
  auth: 'jwt' | 'basic';
  timeoutMs: number;
  now?: () => number;
  /** renew the access token this long before it expires */
  refreshMarginMs?: number;
  /** called with every credential the client comes to hold (Basic header, tokens) */
  onSecret?: (secret: string) => void;
  /** for nodescope_upstream_* metrics (upstream "freqtrade", method = the endpoint) */
  sourceId?: string;
  self?: SelfMetrics;
}

interface Token {
  value: string;
  /** ms since epoch */
  expiresAt: number;
}

export class FreqtradeClient {
  private readonly base: string;
  private readonly basicHeader: string;
  private readonly now: () => number;
  private readonly refreshMarginMs: number;
  private access: Token | null = null;
  private refresh: Token | null = null;
  private readonly renewing = new SingleFlight<void>();
  /** counts of auth round trips, exposed for tests and health */
  readonly authStats = { logins: 0, refreshes: 0, retriesAfter401: 0 };

  private readonly target: UpstreamTarget;

  constructor(private readonly options: FreqtradeClientOptions) {
    this.target = { sourceId: options.sourceId ?? 'freqtrade', upstream: 'freqtrade', timeoutMs: options.timeoutMs, self: options.self };
    this.base = options.url.replace(/\/+$/, '');
    this.basicHeader = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`;
    this.now = options.now ?? Date.now;
    this.refreshMarginMs = options.refreshMarginMs ?? 60_000;
    options.onSecret?.(options.password);
    options.onSecret?.(this.basicHeader.slice('Basic '.length));
  }

  ping = () => this.get<PingResponse>('ping');
  version = () => this.get<VersionResponse>('version');
  showConfig = () => this.get<ShowConfigResponse>('show_config');
  status = () => this.get<OpenTradeJson[]>('status');
  count = () => this.get<CountResponse>('count');
  profit = () => this.get<ProfitResponse>('profit');
  balance = () => this.get<BalanceResponse>('balance');
  daily = (timescale: number) => this.get<DailyResponse>('daily', { timescale });
  performance = () => this.get<PerformanceEntry[]>('performance');
  trades = (limit: number, offset: number) => this.get<TradesPageResponse>('trades', { limit, offset });
  health = () => this.get<HealthResponse>('health');
  locks = () => this.get<LocksResponse>('locks');
  whitelist = () => this.get<WhitelistResponse>('whitelist');
  stats = () => this.get<StatsResponse>('stats');
  /** the whole buffer (1,000 records at most), as ftmetric reads it: the level counts need all */
  logs = () => this.get<LogsResponse>('logs');

  /** Forgets the tokens (next call logs in again). */
  logout(): void {
    this.access = null;
    this.refresh = null;
  }

  get hasAccessToken(): boolean {
    return this.access !== null;
  }

  /** A valid access token (logging in or refreshing as needed), for the message websocket. */
  async accessToken(): Promise<string> {
    if (this.options.auth !== 'jwt') throw new UpstreamError('freqtrade: no access token in basic auth mode', 'auth', false);
    return (await this.authorization()).slice('Bearer '.length);
  }

  private async get<T>(endpoint: ReadEndpoint, query: Record<string, number> = {}): Promise<T> {
    const path = READ_ENDPOINTS[endpoint].path;
    if (endpoint === 'ping') return (await this.call('GET', path, query, null)) as T;
    const authorization = await this.authorization();
    try {
      return (await this.call('GET', path, query, authorization)) as T;
    } catch (error) {
      // an access token the bot no longer accepts (expired early, bot restarted with a new
      // jwt_secret_key): get a fresh one and try exactly once more
      if (this.options.auth === 'jwt' && error instanceof UpstreamError && error.code === 401) {
        this.authStats.retriesAfter401++;
        this.access = null;
        return (await this.call('GET', path, query, await this.authorization())) as T;
      }
      throw error;
    }
  }

  private async authorization(): Promise<string> {
    if (this.options.auth === 'basic') return this.basicHeader;
    if (!this.access || this.access.expiresAt - this.now() <= this.refreshMarginMs) {
      await this.renewing.run(() => this.renew());
    }
    if (!this.access) throw new UpstreamError('freqtrade: no access token after login', 'auth', true);
    return `Bearer ${this.access.value}`;
  }

  /** Refreshes with the refresh token while it is valid, else (or when refused) logs in. */
  private async renew(): Promise<void> {
    if (this.refresh && this.refresh.expiresAt - this.now() > this.refreshMarginMs) {
      try {
        this.authStats.refreshes++;
        const body = (await this.call('POST', AUTH_POSTS.refresh, {}, `Bearer ${this.refresh.value}`)) as TokenRefreshResponse;
        this.access = this.token(body.access_token, 15 * 60_000);
        return;
      } catch (error) {
        if (!(error instanceof UpstreamError && error.code === 401)) throw error;
        this.refresh = null;
      }
    }
    this.authStats.logins++;
    let body: TokenLoginResponse;
    try {
      body = (await this.call('POST', AUTH_POSTS.login, {}, this.basicHeader)) as TokenLoginResponse;
    } catch (error) {
      if (error instanceof UpstreamError && error.code === 401) {
        throw new UpstreamError('freqtrade: login refused (HTTP 401): check username and password', 401, false);
      }
      throw error;
    }
    if (typeof body?.access_token !== 'string' || typeof body.refresh_token !== 'string') {
      throw new UpstreamError('freqtrade: login answer has no access_token/refresh_token', 'auth', false);
    }
    this.access = this.token(body.access_token, 15 * 60_000);
    this.refresh = this.token(body.refresh_token, 30 * 24 * 3_600_000);
  }

  private token(value: string, fallbackTtlMs: number): Token {
    this.options.onSecret?.(value);
    // lifetime (exp - iat) counted on our clock, so a bot whose clock is off does not make
    // every token look expired (or valid for too long)
    const lifetime = jwtLifetimeMs(value);
    return { value, expiresAt: this.now() + (lifetime ?? fallbackTtlMs) };
  }

  /**
   * Sends one request. The allow-list check comes first, so a refused call never opens a
   * socket. Error messages name the path and status, never a header or a token.
   */
  async call(method: HttpMethod, path: string, query: Record<string, number | string>, authorization: string | null): Promise<unknown> {
    if (!isAllowedRequest(method, path, query)) {
      throw new UpstreamError(`freqtrade: ${method} ${path} refused: not an allow-listed read-only call`, 'not-allowed', false);
    }
    chargeUpstream(1, `freqtrade ${path}`);
    const search = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString();
    const url = `${this.base}${path}${search ? `?${search}` : ''}`;
    const label = path.slice(API.length + 1);
    const where = `freqtrade ${method} ${path}`;
    const reply = await upstreamFetch(
      url,
      {
        what: label,
        method,
        headers: { accept: 'application/json', ...(authorization ? { authorization } : {}) },
        redirect: 'error',
        charge: false,
        failure: (error) =>
          error instanceof BodyTooLargeError
            ? new UpstreamError(`${where}: ${error.message}`, 'too_large', false)
            : new UpstreamError(`${where}: ${describeNetworkError(error, this.options.timeoutMs)}`, 'network', true),
      },
      this.target
    );
    if (reply.status < 200 || reply.status > 299) {
      countUpstreamError(this.target, `http_${reply.status}`);
      const detail = errorDetail(reply.body);
      throw new UpstreamError(
        `${where}: HTTP ${reply.status}${detail ? `: ${detail}` : ''}`,
        reply.status,
        reply.status >= 500 || reply.status === 429
      );
    }
    try {
      return JSON.parse(reply.body) as unknown;
    } catch {
      countUpstreamError(this.target, 'malformed');
      throw new UpstreamError(`${where}: answer is not JSON (${reply.body.length} bytes)`, 'malformed', true);
    }
  }
}

function jwtClaims(token: string): { exp?: unknown; iat?: unknown } | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    return typeof claims === 'object' && claims !== null ? (claims as { exp?: unknown; iat?: unknown }) : null;
  } catch {
    return null;
  }
}

/** `exp` of a JWT (ms), or null when the token is not a readable JWT. */
export function jwtExpiry(token: string): number | null {
  const claims = jwtClaims(token);
  return typeof claims?.exp === 'number' ? claims.exp * 1000 : null;
}

/** `exp - iat` of a JWT (ms), or null when either is missing. */
export function jwtLifetimeMs(token: string): number | null {
  const claims = jwtClaims(token);
  return typeof claims?.exp === 'number' && typeof claims.iat === 'number' ? (claims.exp - claims.iat) * 1000 : null;
}

/** Freqtrade answers errors as {detail} (FastAPI) or {error} (RPCException -> 502). */
function errorDetail(text: string): string {
  try {
    const body = JSON.parse(text) as { detail?: unknown; error?: unknown };
    const detail = typeof body.error === 'string' ? body.error : typeof body.detail === 'string' ? body.detail : '';
    return detail.slice(0, 300);
  } catch {
    return '';
  }
}

function describeNetworkError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `timed out after ${timeoutMs} ms`;
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : 'request failed');
}
