// The attacks of a hostile review, each replayed against a running proxy over real sockets
// (SECURITY.md lists them with this file's tests). Paths are sent byte for byte with node:http,
// because fetch() would normalise `/x/../api` and never sends an absolute-form target.
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { recordFrame } from '@nodescope/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load.js';
import { chargeUpstream } from '../src/core/budget.js';
import type { SourceConfig } from '../src/config/schema.js';
import type { SourceContext } from '../src/core/context.js';
import { startServer } from '../src/http/server.js';
import { QueryInputError, UpstreamError, type Source, type StreamEmit } from '../src/sources/types.js';
import { LogCapture, waitFor } from './helpers.js';

const API_KEY = 'security-api-key-0123456789';
const UPSTREAM_SECRET = 'the-freqtrade-password-42';

/** Names every JavaScript object answers through its prototype. */
export const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', '__defineGetter__'];

interface TestSource extends Source {
  subscribers: Set<StreamEmit>;
  unsubscribed: number;
}

/** A source with one of everything, whose stream can be told to misbehave. */
function testSource(config: SourceConfig, context: SourceContext): TestSource {
  const subscribers = new Set<StreamEmit>();
  context.secrets.add(UPSTREAM_SECRET);
  const source: TestSource = {
    id: config.id,
    kind: config.kind,
    name: config.id,
    subscribers,
    unsubscribed: 0,
    queries: {
      'chain.info': async () => [recordFrame('chain', { height: 1 })],
      // as a client would: one upstream call per block asked for
      'blocks.recent': async (input) => {
        chargeUpstream(Number(input.params.count), 'getblockstats');
        return [recordFrame('blocks', { count: Number(input.params.count) })];
      },
      // an upstream error that names the node's address, as bitcoind's client does
      'fees.estimates': async () => {
        throw new UpstreamError('RPC connection to 10.1.2.3:8332 failed (ECONNREFUSED); also tried http://node1.lan:8332/');
      },
      'mempool.summary': async (input) => {
        if (Object.keys(input.params).some((name) => name !== 'window')) throw new QueryInputError('unknown parameter');
        return [recordFrame('mempool', { txs: 1 })];
      },
    },
    variables: {
      pools: async (params) => {
        if (params.miner === 'nosuch') throw new QueryInputError('unknown miner "nosuch"');
        return [{ text: 'pool', value: 'pool' }];
      },
    },
    annotations: { blocks: async () => [] },
    streams: {
      'chain.info': (emit) => {
        subscribers.add(emit);
        return () => {
          subscribers.delete(emit);
          source.unsubscribed++;
          throw new Error('unsubscribe exploded'); // must not reach the process
        };
      },
      'mempool.summary': () => {
        throw new Error('subscribe exploded');
      },
    },
    health: () => ({ status: 'down', message: 'RPC connection to 10.1.2.3:8332 failed; node1.lan unreachable', lastSuccess: null }),
    start: async () => {},
    stop: async () => {},
  };
  return source;
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function started() {
  const logs = new LogCapture();
  const config = parseConfig(
    `server: { port: 0, apiKey: ${API_KEY}, logLevel: info }
sources:
  - { id: btc-main, kind: bitcoin, network: regtest, rpc: { url: "http://node1.lan:8332", user: rpcuser, password: pw-pw-pw-pw } }`,
    'security.yaml',
    {}
  );
  const proxy = await startServer(config, { port: 0, createSource: testSource, logDestination: logs });
  closers.push(() => proxy.close());
  const { port } = proxy.app.server.address() as { port: number };
  /** sends `target` verbatim as the request target */
  const raw = (method: string, target: string, options: { body?: unknown; key?: string | null } = {}) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const body = options.body === undefined ? undefined : JSON.stringify(options.body);
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method,
          path: target,
          headers: {
            ...(options.key === null ? {} : { authorization: `Bearer ${options.key ?? API_KEY}` }),
            ...(body ? { 'content-type': 'application/json' } : {}),
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        }
      );
      req.on('error', reject);
      req.end(body);
    });
  return { proxy, raw, logs, port, source: () => proxy.sources.get('btc-main') as TestSource };
}

const QUERY = { queries: [{ refId: 'A', sourceId: 'btc-main', query: 'chain.info' }] };

describe('auth is decided on the route the router matched (review item 1)', () => {
  // every spelling a router decodes or normalises to an /api route, and the absolute form
  const SPELLINGS = [
    ['GET', '/%61pi/health'],
    ['GET', '/a%70i/sources'],
    ['GET', '/ap%69/health'],
    ['GET', '/%61%70%69/health'],
    ['GET', '/api/%68ealth'],
    ['GET', '//api/health'],
    ['GET', '/api//health'],
    ['GET', '/x/../api/health'],
    ['GET', '/./api/health'],
    ['GET', '/api/health?x=/healthz'],
    ['GET', '/api/health#/healthz'],
    ['GET', '/API/health'],
    ['GET', 'http://x/api/health'],
    ['GET', 'http://127.0.0.1/%61pi/sources'],
    ['POST', '/%61pi/query'],
    ['POST', 'http://x/api/query'],
    ['GET', '/%61pi/variables?name=sources'],
    ['GET', '/%61pi/stream?sourceId=btc-main&query=chain.info'],
    ['GET', '/nothing-here'],
  ] as const;

  it.each(SPELLINGS)('%s %s without the key → 401', async (method, target) => {
    const { raw } = await started();
    const res = await raw(method, target, { key: null, ...(method === 'POST' ? { body: QUERY } : {}) });
    expect(res.status).toBe(401);
    expect(res.text).not.toContain('frames');
  });

  it('the same spellings with the key reach their route (so the test above tests routing, not 404s)', async () => {
    const { raw } = await started();
    expect((await raw('GET', '/%61pi/health')).status).toBe(200);
    expect((await raw('POST', 'http://x/api/query', { body: QUERY })).text).toContain('"frames"');
  });

  it('only /healthz and /metrics are public, however they are spelled', async () => {
    const { raw } = await started();
    for (const target of ['/healthz', '/metrics', '/%68ealthz', '/metric%73']) {
      expect((await raw('GET', target, { key: null })).status, target).toBe(200);
    }
  });
});

describe('names are looked up as own properties only (review item 2)', () => {
  it.each(PROTOTYPE_NAMES)('"%s" as a query, variable, annotation type or stream is a clear 400', async (name) => {
    const { raw } = await started();
    const q = encodeURIComponent(name);
    const query = await raw('POST', '/api/query', { body: { queries: [{ refId: 'A', sourceId: 'btc-main', query: name }] } });
    expect(query.status).toBe(400);
    expect(query.text).toContain('has no query');
    const sourced = await raw('POST', '/api/query', { body: { queries: [{ refId: 'A', sourceId: name, query: 'chain.info' }] } });
    expect(sourced.status).toBe(400);
    const variable = await raw('GET', `/api/variables?name=${q}&sourceId=btc-main`);
    expect(variable.status).toBe(400);
    expect(variable.text).toContain('has no variable');
    const annotation = await raw('GET', `/api/annotations?sourceId=btc-main&type=${q}&from=0&to=1`);
    expect(annotation.status).toBe(400);
    const stream = await raw('GET', `/api/stream?sourceId=btc-main&query=${q}`);
    expect(stream.status).toBe(400);
    expect(stream.text).toContain('cannot stream');
  });

  it('a stream whose unsubscribe throws is closed without the exception reaching the process', async () => {
    const { port, source, logs, raw } = await started();
    const socket = connect(port, '127.0.0.1');
    socket.write(`GET /api/stream?sourceId=btc-main&query=chain.info HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${API_KEY}\r\n\r\n`);
    await waitFor(() => source().subscribers.size === 1, 'the subscription');
    socket.destroy(); // the client leaves
    await waitFor(() => source().unsubscribed === 1, 'the unsubscribe');
    await waitFor(() => logs.text.includes('stream unsubscribe failed'), 'the log line');
    expect((await raw('GET', '/healthz')).status).toBe(200);
  });

  it('a stream whose subscribe throws ends that stream only', async () => {
    const { raw } = await started();
    const res = await raw('GET', '/api/stream?sourceId=btc-main&query=mempool.summary');
    expect(res.status).toBe(200);
    expect(res.text).toContain('event: error');
    expect((await raw('GET', '/healthz')).status).toBe(200);
  });
});

describe('no oracle for secret guesses (review item 3)', () => {
  it('an unknown path, a source id or a refId that equals a secret is answered as any other guess', async () => {
    const { raw } = await started();
    const guesses = [UPSTREAM_SECRET, 'the-freqtrade-password-43'];
    const masked = async (make: (guess: string) => Promise<{ status: number; text: string }>) =>
      Promise.all(guesses.map(async (guess) => ({ ...(await make(guess)), text: (await make(guess)).text.split(guess).join('<guess>') })));
    for (const answers of [
      await masked((g) => raw('GET', `/g1/${g}/g3`)),
      await masked((g) => raw('POST', '/api/query', { body: { queries: [{ refId: 'A', sourceId: g, query: 'chain.info' }] } })),
      await masked((g) => raw('POST', '/api/query', { body: { queries: [{ refId: g, sourceId: 'btc-main', query: 'chain.info' }] } })),
      await masked((g) => raw('GET', `/api/variables?name=${g}&sourceId=btc-main`)),
    ]) {
      expect(answers[0]).toEqual(answers[1]);
      expect(answers[0]!.text).not.toContain('redacted');
    }
  });
});

describe('smaller items (review item 5)', () => {
  it('a QueryInputError from a variable lookup is a 400, not a 500', async () => {
    const { raw } = await started();
    const res = await raw('GET', '/api/variables?name=pools&sourceId=btc-main&miner=nosuch');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toEqual({ error: 'unknown miner "nosuch"', statusCode: 400 });
  });

  it('errors and health shown to the browser name no node address', async () => {
    const { raw } = await started();
    const query = await raw('POST', '/api/query', { body: { queries: [{ refId: 'A', sourceId: 'btc-main', query: 'fees.estimates' }] } });
    const health = await raw('GET', '/api/health');
    for (const text of [query.text, health.text]) {
      expect(text).not.toMatch(/10\.1\.2\.3|8332|node1\.lan/);
      expect(text).toContain('<upstream>');
    }
    expect(JSON.parse(query.text).results.A.error).toBe('btc-main: RPC connection to <upstream> failed (ECONNREFUSED); also tried <upstream>');
  });

  it('a stream logs no error when it opens (the onClose hook is registered once, before listening)', async () => {
    const { port, source, logs } = await started();
    const socket = connect(port, '127.0.0.1');
    socket.write(`GET /api/stream?sourceId=btc-main&query=chain.info HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${API_KEY}\r\n\r\n`);
    await waitFor(() => source().subscribers.size === 1, 'the subscription');
    socket.destroy();
    expect(logs.lines.filter((line) => line.includes('"level":50') || line.includes('FST_ERR'))).toEqual([]);
  });

  it('a client that never reads is dropped with a log line; the others keep streaming', async () => {
    const { port, source, logs } = await started();
    const slow = connect(port, '127.0.0.1');
    slow.write(`GET /api/stream?sourceId=btc-main&query=chain.info HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${API_KEY}\r\n\r\n`);
    slow.pause(); // reads nothing: the kernel buffers fill, then the server's
    await waitFor(() => source().subscribers.size === 1, 'the slow subscription');
    const big = recordFrame('chain', { blob: 'x'.repeat(256 * 1024) });
    await waitFor(
      () => {
        for (const emit of [...source().subscribers]) emit(big);
        return logs.text.includes('stream client too slow; dropped');
      },
      'the slow client to be dropped',
      20_000,
      5
    );
    expect(source().unsubscribed).toBe(1);
    slow.destroy();
  });
});

describe('upstream work one request can cause is bounded (review item 4)', () => {
  it('a request whose queries need more upstream calls than its budget fails its surplus queries with 429', async () => {
    const { raw } = await started();
    // 100 queries of 10 calls each against the default budget of 300 calls per request
    const queries = Array.from({ length: 100 }, (_, i) => ({ refId: `Q${i}`, sourceId: 'btc-main', query: 'blocks.recent', params: { count: 10, n: i } }));
    const res = await raw('POST', '/api/query', { body: { queries } });
    const results = Object.values(JSON.parse(res.text).results as Record<string, { status: number; error?: string }>);
    expect(results.filter((r) => r.status === 200)).toHaveLength(30);
    const refused = results.filter((r) => r.status === 429);
    expect(refused).toHaveLength(70);
    expect(refused[0]!.error).toContain('more than 300 upstream calls');
    // the budget is per request: the next one starts afresh
    const next = await raw('POST', '/api/query', { body: { queries: [{ refId: 'A', sourceId: 'btc-main', query: 'blocks.recent', params: { count: 10 } }] } });
    expect(JSON.parse(next.text).results.A.status).toBe(200);
  });
});
