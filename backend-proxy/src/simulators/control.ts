// The one control server of the simulators (not part of any upstream): faults, mining, state,
// for the demo and the tests. `GET /<name>` and `POST /<name>` routes with query parameters and/or
// a JSON body, JSON answers; a route that throws answers 400 with {error} (a ControlError may say
// another status), an unknown route 404 naming the routes. It runs on a ToggleServer on
// 127.0.0.1 unless told otherwise. Used by bitcoin, cgminer, geth, market and stacks; freqtrade's
// /_sim/ routes stay on the bot's own port, as its cli documents.
import { sendJson, ToggleServer } from './stacks/toggleServer.js';

export type ControlRoute = (query: URLSearchParams, body: Record<string, unknown>) => unknown | Promise<unknown>;

export interface ControlRoutes {
  get?: Record<string, (query: URLSearchParams) => unknown>;
  post?: Record<string, ControlRoute>;
}

/** A control request the simulator refuses with a status of its own (404: no such miner). */
export class ControlError extends Error {
  constructor(
    message: string,
    readonly status = 400
  ) {
    super(message);
  }
}

export async function startControlServer(routes: ControlRoutes, port = 0, host = '127.0.0.1'): Promise<ToggleServer> {
  const own = <T>(table: Record<string, T> | undefined, name: string): T | undefined =>
    table && Object.hasOwn(table, name) ? table[name] : undefined;
  const list = [
    ...Object.keys(routes.get ?? {}).map((n) => `GET /${n}`),
    ...Object.keys(routes.post ?? {}).map((n) => `POST /${n}`),
  ].join(', ');
  const server = new ToggleServer(async (req, res, body) => {
    const url = new URL(req.url ?? '/', 'http://control');
    const name = url.pathname.slice(1);
    try {
      const get = req.method === 'GET' ? own(routes.get, name) : undefined;
      if (get) return sendJson(res, 200, await get(url.searchParams));
      const post = req.method === 'POST' ? own(routes.post, name) : undefined;
      if (!post) return sendJson(res, 404, { error: `routes: ${list}` });
      let parsed: Record<string, unknown> = {};
      if (body.trim() !== '') {
        try {
          parsed = JSON.parse(body) as Record<string, unknown>;
        } catch {
          throw new ControlError('body is not JSON');
        }
      }
      return sendJson(res, 200, (await post(url.searchParams, parsed)) ?? { ok: true });
    } catch (error) {
      return sendJson(res, error instanceof ControlError ? error.status : 400, {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }, host);
  await server.listen(port);
  return server;
}

/** Reads an integer from a control query string (bounded, so a typo cannot stall the demo). */
export function intParam(query: URLSearchParams, name: string, fallback: number, max = 100_000, min = 0): number {
  const raw = query.get(name);
  const value = raw === null ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(`${name} must be an integer ${min}..${max}`);
  return value;
}

/**
 * POST /fault {fault, target?, …}: `fault` must be one of `faults` (default 'none'), `target`
 * defaults to 'all'; `apply` reads the kind's own extras (delayMs, lag …) from the body.
 */
export function faultRoute<F extends string>(
  faults: readonly F[],
  apply: (fault: F, target: string, body: Record<string, unknown>) => Promise<void>
): ControlRoute {
  return async (_query, body) => {
    const fault = String(body.fault ?? 'none') as F;
    if (!faults.includes(fault)) throw new Error(`fault must be one of ${faults.join(', ')}`);
    const target = body.target === undefined ? 'all' : String(body.target);
    await apply(fault, target, body);
    return { fault, target };
  };
}
