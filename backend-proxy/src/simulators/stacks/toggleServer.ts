// An HTTP server on 127.0.0.1 that can go down and come back on the same port, so clients see
// what a stopped daemon gives them (ECONNREFUSED), not a hung socket. Shared by the Stacks and
// Geth simulators.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void | Promise<void>;

export class ToggleServer {
  private server: Server | null = null;
  port = 0;

  constructor(
    private readonly handler: Handler,
    private readonly host = '127.0.0.1'
  ) {}

  async listen(port = this.port): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        Promise.resolve(this.handler(req, res, Buffer.concat(chunks).toString('utf8'))).catch((error: unknown) => {
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(String(error));
        });
      });
    });
    server.listen(port, this.host);
    await once(server, 'listening');
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get listening(): boolean {
    return this.server !== null;
  }

  url(path = ''): string {
    return `http://${this.host}:${this.port}${path}`;
  }
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

export function sendText(res: ServerResponse, status: number, body: string, type = 'text/plain; version=0.0.4; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type }).end(body);
}

/** Deterministic hex of a given length derived from a seed (hashes, keys) without crypto noise in tests. */
export function fakeHex(seed: number | string, length: number): string {
  let h = 2166136261;
  const text = String(seed);
  let out = '';
  let i = 0;
  while (out.length < length) {
    h ^= text.charCodeAt(i % Math.max(1, text.length)) + i;
    h = Math.imul(h, 16777619) >>> 0;
    out += h.toString(16).padStart(8, '0');
    i++;
  }
  return out.slice(0, length);
}

export type ControlRoute = (query: URLSearchParams, body: Record<string, unknown>) => unknown | Promise<unknown>;

/**
 * A demo control API (not part of any upstream): `GET /state` and `POST /<route>` with query
 * parameters and/or a JSON body. Answers 400 with `{error}` when a route throws.
 */
export async function startControlServer(routes: { state: () => unknown; post: Record<string, ControlRoute> }, port = 0): Promise<ToggleServer> {
  const server = new ToggleServer(async (req, res, body) => {
    const url = new URL(req.url ?? '/', 'http://control');
    try {
      if (req.method === 'GET' && url.pathname === '/state') return sendJson(res, 200, routes.state());
      const route = routes.post[url.pathname.slice(1)];
      if (req.method !== 'POST' || !route) return sendJson(res, 404, { error: `routes: GET /state, POST /${Object.keys(routes.post).join(', /')}` });
      const parsed = body.trim() === '' ? {} : (JSON.parse(body) as Record<string, unknown>);
      return sendJson(res, 200, (await route(url.searchParams, parsed)) ?? { ok: true });
    } catch (error) {
      return sendJson(res, 400, { error: error instanceof Error ? error.message : String(error) });
    }
  });
  await server.listen(port);
  return server;
}

/** Reads an integer from a control query string (bounded, so a typo cannot stall the demo). */
export function intParam(query: URLSearchParams, name: string, fallback: number, max = 100_000): number {
  const raw = query.get(name);
  const value = raw === null ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > max) throw new Error(`${name} must be an integer 0..${max}`);
  return value;
}
