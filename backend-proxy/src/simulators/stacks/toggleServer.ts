// An HTTP server on 127.0.0.1 that can go down and come back on the same port, so clients see
// what a stopped daemon gives them (ECONNREFUSED), not a hung socket. Shared by the Stacks and
// Geth simulators. A request body larger than `maxBodyBytes` is answered 413 without reaching the
// handler, so no client can make a simulator hold an unbounded body.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readRequestBody } from '../requestBody.js';

/** far above any request the proxy, the tests or the demo send (a Loki push of 500 lines is ~100 KB) */
export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;

export type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void | Promise<void>;

export class ToggleServer {
  private server: Server | null = null;
  port = 0;

  constructor(
    private readonly handler: Handler,
    private readonly host = '127.0.0.1',
    private readonly maxBodyBytes = DEFAULT_MAX_BODY_BYTES
  ) {}

  async listen(port = this.port): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => {
      readRequestBody(req, this.maxBodyBytes)
        .then((body) => (body === null ? sendText(res, 413, 'request body too large', 'text/plain') : this.handler(req, res, body)))
        .catch((error: unknown) => {
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(String(error));
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
