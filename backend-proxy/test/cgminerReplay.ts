// A TCP stand-in that answers with replies captured from real miners
// (test/fixtures/miners/<folder>/<command>.reply), byte for byte, one request per connection,
// NUL-terminated, as cgminer does. A `+` request is answered the way cgminer's api.c joins
// replies: {"cmd1":[reply1],"cmd2":[reply2],"id":1}, a command without a capture getting its
// own "Invalid command" (ckolivas/cgminer@b8491c6:api.c:5172-5180, the `!did` branch), so
// one missing capture costs only that member.
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HistoryStore } from '../src/core/history.js';
import { FleetPoller, type PollerOptions, type PollHooks } from '../src/sources/cgminer/poller.js';
import { TEST_CLOCK_START } from './helpers.js';

export const CAPTURES = fileURLToPath(new URL('./fixtures/miners/', import.meta.url));

/** A poller that reads one miner at a time on a fixed clock (TEST_CLOCK_START), as the capture tests poll; `options` changes some. */
export function testPoller(sourceId: string, hooks?: PollHooks, options: Partial<PollerOptions> = {}): FleetPoller {
  return new FleetPoller({
    sourceId,
    client: { connectTimeoutMs: 2_000, timeoutMs: 2_000 },
    concurrency: 1,
    jitterMs: 0,
    historySize: 10,
    history: new HistoryStore(),
    now: () => TEST_CLOCK_START,
    ...(hooks ? { hooks } : {}),
    ...options,
  });
}

export function loadCaptures(folder: string): Map<string, string> {
  const dir = join(CAPTURES, folder);
  const replies = new Map<string, string>();
  for (const file of readdirSync(dir)) {
    if (file.endsWith('.reply')) replies.set(file.slice(0, -'.reply'.length), readFileSync(join(dir, file), 'utf8').trimEnd());
  }
  return replies;
}

export interface ReplayMiner {
  host: string;
  port: number;
  /** every command received, in order (members of a `+` request one by one) */
  received: string[];
  close(): Promise<void>;
}

function invalidCommand(): string {
  return '{"STATUS":[{"STATUS":"E","When":0,"Code":14,"Msg":"Invalid command","Description":"replay"}],"id":1}';
}

export async function startReplayMiner(folder: string, host = '127.0.0.1', port = 0): Promise<ReplayMiner> {
  const replies = loadCaptures(folder);
  const received: string[] = [];
  const sockets = new Set<Socket>();
  const answer = (request: string): string => {
    const commands = request.split('+');
    received.push(...commands);
    if (commands.length === 1) return replies.get(commands[0]!) ?? invalidCommand();
    const parts = commands.map((c) => `${JSON.stringify(c)}:[${replies.get(c) ?? invalidCommand()}]`);
    return `{${parts.join(',')},"id":1}`;
  };
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffer = '';
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let command: string;
      try {
        const parsed = JSON.parse(buffer) as { command?: unknown };
        command = typeof parsed.command === 'string' ? parsed.command : '';
      } catch {
        return; // incomplete request: wait for more
      }
      socket.end(Buffer.concat([Buffer.from(answer(command), 'utf8'), Buffer.from([0])]));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => resolve());
  });
  const address = server.address() as { port: number };
  return {
    host,
    port: address.port,
    received,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * A Whatsminer API v3 stand-in: 4-byte little-endian length + JSON each way, one request per
 * connection, as asic-rs's client speaks it (256foundation/asic-rs@fdcd101:asic-rs-firmwares/
 * whatsminer/src/backends/v3/rpc.rs:120-160). `{"cmd":"get.miner.status","param":"summary"}` is
 * answered with `get_miner_status_summary.reply`; `deviceInfo` picks the get.device.info file.
 * A read without a capture gets `{"code":-1,"msg":"invalid cmd"}`.
 */
export async function startReplayV3(folder: string, options: { deviceInfo?: string; host?: string } = {}): Promise<ReplayMiner> {
  const replies = loadCaptures(folder);
  const received: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (buffer.length < 4 || buffer.length < 4 + buffer.readUInt32LE(0)) return;
      const request = JSON.parse(buffer.subarray(4, 4 + buffer.readUInt32LE(0)).toString('utf8')) as { cmd: string; param?: string };
      received.push(request.param ? `${request.cmd}:${request.param}` : request.cmd);
      const file = request.cmd === 'get.device.info' ? (options.deviceInfo ?? 'get_device_info') : `${request.cmd}_${request.param ?? ''}`.replace(/[.]/g, '_');
      const body = Buffer.from(replies.get(file) ?? '{"code":-1,"msg":"invalid cmd"}', 'utf8');
      const header = Buffer.alloc(4);
      header.writeUInt32LE(body.length, 0);
      socket.end(Buffer.concat([header, body]));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: options.host ?? '127.0.0.1', port: 0 }, () => resolve());
  });
  return {
    host: options.host ?? '127.0.0.1',
    port: (server.address() as { port: number }).port,
    received,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
