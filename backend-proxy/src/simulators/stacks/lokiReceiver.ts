// A small Loki push receiver (POST /loki/api/v1/push, JSON body) for tests and the demo: it
// records accepted lines, can answer with an error status (503 while "starting", 429, 400), and
// can be stopped and restarted on the same port like a restarted Loki.
import type { IncomingMessage } from 'node:http';
import { ToggleServer } from './toggleServer.js';

export class LokiReceiver {
  lines: string[] = [];
  requests: Array<{ path: string; headers: IncomingMessage['headers']; body: unknown }> = [];
  status = 204;
  private waiters: Array<{ count: number; resolve: () => void }> = [];
  private readonly server = new ToggleServer((req, res, text) => {
    let body: { streams: Array<{ values: Array<[string, string]> }> };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      // Loki answers 400 to a push it cannot parse (grafana/loki@01b5e3466b4b:pkg/distributor/http.go:49-61)
      res.writeHead(400, { 'content-type': 'text/plain' }).end('push body is not JSON');
      return;
    }
    this.requests.push({ path: req.url ?? '', headers: req.headers, body });
    if (this.status === 204) {
      for (const stream of body.streams) for (const [, line] of stream.values) this.lines.push(line);
      this.waiters = this.waiters.filter((w) => (this.lines.length >= w.count ? (w.resolve(), false) : true));
    }
    res.writeHead(this.status, { 'content-type': 'text/plain' }).end(this.status === 204 ? '' : `error ${this.status}`);
  });

  /** 0 until the first start picks a port; a restart reuses it */
  get port(): number {
    return this.server.port;
  }

  start(): Promise<void> {
    return this.server.listen();
  }

  stop(): Promise<void> {
    return this.server.close();
  }

  waitFor(count: number): Promise<void> {
    if (this.lines.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  get url(): string {
    return this.server.url();
  }
}
