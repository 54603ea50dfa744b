// Live streams over real sockets: several queries on one connection (the datasource's
// liveStreams.ts protocol), one upstream subscription per distinct query however many clients
// follow it, and many clients with slow ones among them.
import { connect, type Socket } from 'node:net';
import { recordFrame } from '@nodescope/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load.js';
import type { SourceConfig } from '../src/config/schema.js';
import type { SourceContext } from '../src/core/context.js';
import { startServer } from '../src/http/server.js';
import type { Source, StreamEmit } from '../src/sources/types.js';
import { LogCapture, waitFor } from './helpers.js';

const API_KEY = 'stream-api-key-0123456789';

interface TickSource extends Source {
  subscribers: Set<StreamEmit>;
  subscriptions: number;
  tick(frame?: ReturnType<typeof recordFrame>): void;
  /** logs followers only */
  tickMempool(frame: ReturnType<typeof recordFrame>): void;
}

function tickSource(config: SourceConfig, _context: SourceContext): TickSource {
  const subscribers = new Set<StreamEmit>();
  const mempool = new Set<StreamEmit>();
  const source: TickSource = {
    id: config.id,
    // a stacks source: its `logs` stream takes params (the catalog checks them before subscribing)
    kind: 'stacks',
    name: config.id,
    subscribers,
    subscriptions: 0,
    queries: {},
    streams: {
      'node.info': (emit) => {
        source.subscriptions++;
        subscribers.add(emit);
        return () => subscribers.delete(emit);
      },
      'logs': (emit, params) => {
        source.subscriptions++;
        const tagged: StreamEmit = (frame) => emit({ ...frame, schema: { ...frame.schema, name: `mempool-${String(params.limit ?? 'all')}` } });
        subscribers.add(tagged);
        mempool.add(tagged);
        return () => {
          subscribers.delete(tagged);
          mempool.delete(tagged);
        };
      },
    },
    health: () => ({ status: 'ok', message: 'ok', lastSuccess: null }),
    start: async () => {},
    stop: async () => {},
    tick: (frame = recordFrame('chain', { height: 1 })) => {
      for (const emit of [...subscribers]) emit(frame);
    },
    tickMempool: (frame) => {
      for (const emit of [...mempool]) emit(frame);
    },
  };
  return source;
}

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function started() {
  const logs = new LogCapture();
  const config = parseConfig(`server: { port: 0, apiKey: ${API_KEY}, logLevel: info }\nsources:\n  - { id: btc-main, kind: bitcoin, network: regtest }`, 's.yaml', {});
  const proxy = await startServer(config, { port: 0, createSource: tickSource, logDestination: logs });
  closers.push(() => proxy.close());
  const { port } = proxy.app.server.address() as { port: number };
  return { proxy, port, logs, source: () => proxy.sources.get('btc-main') as TickSource };
}

/** An SSE client on a raw socket that collects what it reads. */
function sseClient(port: number, target: string) {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (text += chunk));
  socket.on('error', () => undefined);
  socket.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${API_KEY}\r\n\r\n`);
  closers.push(() => void socket.destroy());
  return { socket, text: () => text };
}

/** `data:` payloads of events named `event` in an SSE text. */
function events(text: string, event: string): unknown[] {
  return text
    .split('\n\n')
    .filter((block) => block.split('\n').includes(`event: ${event}`))
    .map((block) => JSON.parse(block.split('\n').find((line) => line.startsWith('data: '))!.slice(6)));
}

describe('several live queries on one connection (streams=[…])', () => {
  it('wraps each frame with its key and reports a stream it cannot follow as a stream-error, not a failed connection', async () => {
    const { port, source } = await started();
    const streams = JSON.stringify([
      { key: 'A', sourceId: 'btc-main', query: 'node.info' },
      { key: 'B', sourceId: 'btc-main', query: 'logs', params: { limit: 5 } },
      { key: 'C', sourceId: 'btc-main', query: 'constructor' },
      { key: 'D', sourceId: 'nosuch', query: 'node.info' },
    ]);
    const client = sseClient(port, `/api/stream?streams=${encodeURIComponent(streams)}`);
    await waitFor(() => source().subscribers.size === 2, 'two subscriptions');
    source().tick();
    await waitFor(() => events(client.text(), 'frame').length === 2, 'two frames');
    expect(client.text()).toMatch(/^HTTP\/1.1 200/);
    const frames = events(client.text(), 'frame') as Array<{ key: string; frame: { schema: { name: string } } }>;
    expect(frames.map((f) => [f.key, f.frame.schema.name]).sort()).toEqual([
      ['A', 'chain'],
      ['B', 'mempool-5'],
    ]);
    const errors = events(client.text(), 'stream-error') as Array<{ key: string; error: string }>;
    expect(errors.map((e) => e.key).sort()).toEqual(['C', 'D']);
    expect(errors.find((e) => e.key === 'C')!.error).toContain('cannot stream "constructor"');
  });

  it("checks a stream's params by the catalog: one stream is a 400 naming the param, one of several a stream-error", async () => {
    const { proxy, port, source } = await started();
    const res = await fetch(`${proxy.url}/api/stream?sourceId=btc-main&query=logs&params=${encodeURIComponent('{"window":5}')}`, {
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe(
      'query.params: logs: unknown parameter "window" (allowed: level, search, service, component, limit)'
    );
    const streams = JSON.stringify([
      { key: 'A', sourceId: 'btc-main', query: 'logs', params: { limit: 0 } },
      { key: 'B', sourceId: 'btc-main', query: 'node.info' },
    ]);
    const client = sseClient(port, `/api/stream?streams=${encodeURIComponent(streams)}`);
    await waitFor(() => events(client.text(), 'stream-error').length === 1, 'a stream-error');
    expect(events(client.text(), 'stream-error')).toEqual([{ key: 'A', error: 'btc-main logs: logs: limit must be an integer from 1 to 5000' }]);
    expect(source().subscribers.size).toBe(1);
  });

  it('refuses malformed stream lists with a 400 before opening (the datasource then falls back to one query per connection)', async () => {
    const { proxy } = await started();
    const ask = (search: string) => fetch(`${proxy.url}/api/stream?${search}`, { headers: { authorization: `Bearer ${API_KEY}` } });
    for (const search of [
      'streams=not-json',
      `streams=${encodeURIComponent('[]')}`,
      `streams=${encodeURIComponent(JSON.stringify([{ key: 'A', sourceId: 'x', query: 'y' }, { key: 'A', sourceId: 'x', query: 'z' }]))}`,
      `streams=${encodeURIComponent(JSON.stringify(Array.from({ length: 33 }, (_, i) => ({ key: `K${i}`, sourceId: 'x', query: 'y' }))))}`,
      `streams=${encodeURIComponent('[{"key":"A"}]')}&sourceId=btc-main&query=node.info`,
    ]) {
      const res = await ask(search);
      expect(res.status, search).toBe(400);
      expect(((await res.json()) as { error: string }).error.length).toBeGreaterThan(5);
    }
  });
});

describe('one upstream subscription per distinct live query', () => {
  it('shares it among clients, with params in any order, and ends it when the last client leaves', async () => {
    const { port, source } = await started();
    const a = sseClient(port, '/api/stream?sourceId=btc-main&query=node.info');
    const b = sseClient(port, '/api/stream?sourceId=btc-main&query=node.info');
    const c = sseClient(port, `/api/stream?sourceId=btc-main&query=logs&params=${encodeURIComponent('{"limit":5,"search":"y"}')}`);
    const d = sseClient(port, `/api/stream?sourceId=btc-main&query=logs&params=${encodeURIComponent('{"search":"y","limit":"5"}')}`);
    await waitFor(() => source().subscribers.size === 2, 'the two topics subscribed');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(source().subscriptions).toBe(2);
    source().tick();
    await waitFor(() => [a, b, c, d].every((client) => events(client.text(), 'frame').length === 1), 'every client a frame');
    a.socket.destroy();
    c.socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(source().subscribers.size).toBe(2);
    b.socket.destroy();
    d.socket.destroy();
    await waitFor(() => source().subscribers.size === 0, 'both topics unsubscribed');
  });
});

describe('many live clients, some never reading (load held)', () => {
  const CLIENTS = 2_000;
  const SLOW = 20;

  it(`${CLIENTS.toLocaleString('en-US')} clients follow one query; ${SLOW} that never read are dropped, the others get every frame`, async () => {
    const { port, source, logs } = await started();
    const fast: Array<ReturnType<typeof sseClient>> = [];
    const slow: Socket[] = [];
    for (let i = 0; i < CLIENTS; i++) {
      const client =
        i < SLOW
          ? sseClient(port, '/api/stream?sourceId=btc-main&query=logs')
          : sseClient(port, '/api/stream?sourceId=btc-main&query=node.info');
      if (i < SLOW) {
        client.socket.pause();
        slow.push(client.socket);
      } else fast.push(client);
      if (i % 200 === 199) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await waitFor(() => fast.every((client) => client.text().includes('retry: 3000')) && source().subscriptions === 2, 'every client connected', 30_000, 50);
    // the slow clients' topic sends 256 KiB frames: their kernel buffers fill, then 4 MiB of the
    // server's, and they are dropped; the fast clients' topic meanwhile ticks on
    const big = recordFrame('mempool', { blob: 'x'.repeat(256 * 1024) });
    const frames = 100;
    for (let i = 0; i < frames; i++) {
      source().tick();
      source().tickMempool(big);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await waitFor(() => logs.lines.filter((line) => line.includes('stream client too slow; dropped')).length === SLOW, 'the slow clients dropped', 30_000, 50);
    await waitFor(() => fast.every((client) => events(client.text(), 'frame').length === frames), 'every fast client every frame', 30_000, 200);
    // the slow clients' topic ended with its last client; the fast one goes on
    expect(source().subscribers.size).toBe(1);
  }, 120_000);
});
