// Miners whose firmware answers over HTTP instead of the CGMiner TCP API (AxeOS, ePIC, VNish):
// GET only, to a path on the family's allow-list (checked before a socket opens), through the
// proxy's one upstream HTTP client (core/upstream.ts: bounded body, one deadline, no redirects).
// A reply other than 2xx means the miner answered but refused: CgminerStatusError, so the poller
// keeps it online and loses only the sample, as with a refused CGMiner command.
import { upstreamFetch } from '../../core/upstream.js';
import { UpstreamError } from '../types.js';
import { CgminerStatusError, type ClientOptions, type MinerEndpoint } from './client.js';
import { PrivilegedCommandError } from './commands.js';

export const HTTP_APIS = ['axeos', 'epic', 'vnish'] as const;
export type HttpApi = (typeof HTTP_APIS)[number];

/** The port each firmware serves its API on when the config gives none. */
export const HTTP_DEFAULT_PORT: Record<HttpApi, number> = {
  // ESP-Miner's httpd on 80 (bitaxeorg/ESP-Miner@5c27713:main/http_server/http_server.c:1850-1890)
  axeos: 80,
  // ePIC's HTTP API listens on 4028 (pyasic@0.79.0:pyasic/web/epic.py:36 `self.port = 4028`; factory.py:1486 ":4028/capabilities")
  epic: 4028,
  // VNish's web server (pyasic@0.79.0:pyasic/web/vnish.py builds http://{ip}:{port}/api/v1/… on BaseWebAPI's port 80)
  vnish: 80,
};

/** Each family's GET paths; nothing else is ever requested. */
export const HTTP_READS: Record<HttpApi, readonly string[]> = {
  // GET handlers of ESP-Miner (http_server.c:1885-1944); POST/PATCH/PUT ones (restart, pause,
  // resume, identify, settings, pools, OTA) are never sent
  axeos: ['/api/system/info', '/api/system/asic'],
  // ePIC's reads as pyasic sends them (GET when no parameters: pyasic@0.79.0:pyasic/web/epic.py:47-79,
  // 141-160): summary, capabilities, temps, network, hashrate; every POST (reboot, miner Stop, coin, fanspeed …) is a write
  epic: ['/summary', '/capabilities', '/temps', '/network', '/hashrate'],
  // VNish reads its OpenAPI document serves without a token (GET /info, /model, /status, /summary,
  // /perf-summary: api-doc v1.3.4 `paths`, checked in cgminer-vnish.test.ts); /settings, /unlock
  // and every POST/PATCH never
  vnish: ['/api/v1/info', '/api/v1/model', '/api/v1/status', '/api/v1/summary', '/api/v1/perf-summary'],
};

const MAX_BYTES = 4 * 1024 * 1024;

/** Throws unless `path` is one of the family's reads. */
export function assertHttpRead(api: HttpApi, path: string): void {
  if (!HTTP_READS[api].includes(path)) {
    const shown = /^[A-Za-z0-9/_.-]{1,60}$/.test(path) ? `"${path}"` : 'a non-path string';
    throw new PrivilegedCommandError(`refused ${shown}: only ${api} reads are sent (${HTTP_READS[api].join(', ')})`);
  }
}

/** One allow-listed GET; resolves to the parsed JSON body of a 2xx reply. */
export async function httpRead(
  api: HttpApi,
  endpoint: MinerEndpoint,
  path: string,
  options: ClientOptions & { sourceId?: string; headers?: Record<string, string> }
): Promise<unknown> {
  assertHttpRead(api, path); // before any socket exists
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  const reply = await upstreamFetch(
    `http://${host}:${endpoint.port}${path}`,
    {
      what: path,
      label: `${endpoint.host}:${endpoint.port}`,
      redirect: 'error',
      maxBytes: options.maxBytes ?? MAX_BYTES,
      headers: { accept: 'application/json', ...options.headers },
    },
    { sourceId: options.sourceId ?? 'cgminer', upstream: `miner-${api}`, timeoutMs: options.timeoutMs }
  );
  if (reply.status < 200 || reply.status > 299) {
    throw new CgminerStatusError(`${path}: miner replied HTTP ${reply.status}`, reply.status, 'E');
  }
  try {
    return JSON.parse(reply.body) as unknown;
  } catch {
    throw new UpstreamError(`${path}: the reply is not JSON`, 'bad-json');
  }
}
