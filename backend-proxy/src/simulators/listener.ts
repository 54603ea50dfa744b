// An HTTP listener a simulator can drop and reopen on the same port, as a node that dies and
// comes back would (fault "down"): closing it also destroys every open connection, so clients
// see resets rather than a polite goodbye.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export class DroppableListener {
  private server: http.Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(
    private readonly host: string,
    private readonly handler: Handler,
    private readonly options: { keepAliveTimeoutMs?: number } = {}
  ) {}

  get listening(): boolean {
    return this.server !== null;
  }

  /** Listens on `port` (0: any); a port just released may stay busy a moment, so it retries for ~2 s. */
  async listen(port: number): Promise<number> {
    const server = http.createServer(this.handler);
    if (this.options.keepAliveTimeoutMs !== undefined) server.keepAliveTimeout = this.options.keepAliveTimeoutMs;
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    for (let attempt = 0; ; attempt++) {
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, this.host, () => {
            server.off('error', reject);
            resolve();
          });
        });
        break;
      } catch (error) {
        if (attempt >= 40 || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this.port;
  }

  /** Stops listening and drops every open connection, as a dead process would. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }
}
