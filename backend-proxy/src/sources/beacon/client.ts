// I/O only: the standard Beacon API (ethereum/beacon-APIs@7a58b5a44ceb:beacon-node-oapi.yaml).
// Eight GET paths can leave the proxy and nothing else: no POST, no validator or debug route, no
// path built from a caller's input; the check runs before any socket opens. Errors name the path,
// never the configured URL.
import { upstreamFetch, type UpstreamTarget } from '../../core/upstream.js';
import { UpstreamError } from '../types.js';

/** Read-only paths (beacon-node-oapi.yaml:68-183), the state and block ids fixed to `head`. */
export const BEACON_READ_PATHS = [
  '/eth/v1/node/syncing',
  '/eth/v1/node/health',
  '/eth/v1/node/peer_count',
  '/eth/v1/node/version',
  '/eth/v1/beacon/headers/head',
  '/eth/v1/beacon/states/head/finality_checkpoints',
  '/eth/v1/beacon/genesis',
  '/eth/v1/config/spec',
] as const;
export type BeaconPath = (typeof BEACON_READ_PATHS)[number];

/** An error answer of the node: ErrorMessage {code, message} (types/http.yaml:21-43). */
export class BeaconApiError extends UpstreamError {
  override name = 'BeaconApiError';
  constructor(
    message: string,
    readonly httpStatus: number
  ) {
    super(message, httpStatus, httpStatus >= 500);
  }
}

export class BeaconApiClient {
  private readonly base: URL;

  constructor(
    url: string,
    private readonly target: UpstreamTarget
  ) {
    this.base = new URL(url);
  }

  private href(path: BeaconPath): string {
    if (!(BEACON_READ_PATHS as readonly string[]).includes(path))
      throw new UpstreamError(`beacon ${String(path)}: not an allowed read`, 'refused', false);
    // keep a base path the node sits under (a reverse proxy's /beacon/), credentials included
    const url = new URL(this.base.href);
    url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
    url.search = '';
    return url.href;
  }

  /** A JSON GET whose 200 answer is returned parsed; any other status throws. */
  async get(path: Exclude<BeaconPath, '/eth/v1/node/health'>): Promise<unknown> {
    const reply = await upstreamFetch(
      this.href(path),
      { what: path, label: 'beacon', redirect: 'error', headers: { accept: 'application/json' } },
      this.target
    );
    if (reply.status !== 200)
      throw new BeaconApiError(`beacon ${path}: ${errorText(reply.status, reply.body)}`, reply.status);
    try {
      return JSON.parse(reply.body) as unknown;
    } catch {
      throw new UpstreamError(`beacon ${path}: the answer is not JSON`, 'malformed');
    }
  }

  /** GET /eth/v1/node/health: the answer is its status code (apis/node/health.yaml:16-24), no body. */
  async health(): Promise<number> {
    const path = '/eth/v1/node/health';
    const reply = await upstreamFetch(this.href(path), { what: path, label: 'beacon', redirect: 'error' }, this.target);
    return reply.status;
  }
}

/** "HTTP 503: Beacon node is currently syncing" from an ErrorMessage body, or the status alone. */
function errorText(status: number, body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === 'string' && parsed.message) return `HTTP ${status}: ${parsed.message.slice(0, 200)}`;
  } catch {
    // not JSON: the status says enough
  }
  return `HTTP ${status}`;
}
