// A small Loki push receiver (POST /loki/api/v1/push, JSON body) for tests and the demo: it
// records accepted lines, can answer with an error status (503 while "starting", 429, 400), and
// can be stopped and restarted on the same port like a restarted Loki.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export class LokiReceiver {
  lines: string[] = [];
  requests: Array<{ path: string; headers: IncomingMessage['headers']; body: unknown }> = [];
  status = 204;
  port = 0;
  private server: Server | null = null;
  private waiters: Array<{ count: number; resolve: () => void }> = [];

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { streams: Array<{ values: Array<[string, string]> }> };
        this.requests.push({ path: req.url ?? '', headers: req.headers, body });
        if (this.status === 204) {
          for (const stream of body.streams) for (const [, line] of stream.values) this.lines.push(line);
          this.waiters = this.waiters.filter((w) => (this.lines.length >= w.count ? (w.resolve(), false) : true));
        }
        res.writeHead(this.status, { 'content-type': 'text/plain' }).end(this.status === 204 ? '' : `error ${this.status}`);
      });
    });
    server.listen(this.port, '127.0.0.1');
    await once(server, 'listening');
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  waitFor(count: number): Promise<void> {
    if (this.lines.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
}
