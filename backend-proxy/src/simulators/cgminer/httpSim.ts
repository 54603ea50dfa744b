// The HTTP plumbing the HTTP-speaking miner simulators (AxeOS, VNish, ePIC) share: count each
// request by method and path, delay the reply when the fleet injects latency, track sockets so the
// fleet can close them, and cut JSON in half under the 'garbage'/'brokenJson' faults. Each
// simulator only routes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { SimMinerState } from './flavours.js';

export interface HttpSimHooks {
  now: () => number;
  onPoll: () => void;
  sockets: Set<Socket>;
  delayMs: () => number;
}

/** How fleet.ts starts a one-port HTTP miner (AxeOS, VNish). */
export type ListenHttpMiner = (
  host: string,
  port: number,
  state: SimMinerState,
  received: Map<string, number>,
  hooks: HttpSimHooks
) => Promise<{ server: Server; port: number }>;

/** One request as a route sees it: `key` is "METHOD /path" (no query string). */
export interface HttpSimRequest {
  key: string;
  res: ServerResponse;
  /** Answers 200 with `body` as JSON, truncated when the miner has a garbage fault. */
  json: (body: unknown) => void;
}

/** Listens on host:port (0 = any) and hands each request, after the injected delay, to `route`. */
export function listenHttpSim(
  host: string,
  port: number,
  state: SimMinerState,
  received: Map<string, number>,
  hooks: HttpSimHooks,
  route: (req: HttpSimRequest) => void
): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const key = `${req.method ?? 'GET'} ${(req.url ?? '/').split('?')[0]}`;
      received.set(key, (received.get(key) ?? 0) + 1);
      req.resume();
      const json = (body: unknown) => {
        let text = JSON.stringify(body);
        if (state.faults.has('garbage') || state.faults.has('brokenJson'))
          text = text.slice(0, Math.floor(text.length / 2));
        res.writeHead(200, { 'content-type': 'application/json' }).end(text);
      };
      const send = () => route({ key, res, json });
      const delay = hooks.delayMs();
      if (delay > 0) setTimeout(send, delay);
      else send();
    });
    server.on('connection', (socket: Socket) => {
      hooks.sockets.add(socket);
      socket.on('close', () => hooks.sockets.delete(socket));
    });
    server.once('error', reject);
    server.listen({ host, port, backlog: 511 }, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/** The port a listening server got. */
export function portOf(server: Server): number {
  return (server.address() as { port: number }).port;
}
