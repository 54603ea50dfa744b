// The HTTP layer against a small in-test source: auth, validation, per-query isolation,
// coalescing, variables, annotations, SSE, /metrics, history across a restart. The real
// sources' own suites cover upstream behaviour.
import { join } from 'node:path';
import { recordFrame, toFrame } from '@nodescope/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load.js';
import type { SourceConfig } from '../src/config/schema.js';
import type { SourceContext } from '../src/core/context.js';
import { startServer } from '../src/http/server.js';
import { QueryInputError, UpstreamError, type Source, type StreamEmit } from '../src/sources/types.js';
import { LogCapture, tempDir, waitFor } from './helpers.js';

const API_KEY = 'test-api-key-0123456789';
const UPSTREAM_SECRET = 'upstream-password-xyz';

/** A source whose upstream is a counter: enough to exercise every route. */
function counterSource(config: SourceConfig, context: SourceContext) {
  let calls = 0;
  let failing = false;
  /** chain.info waits on this when set (the coalescing test holds the upstream call open) */
  let gate: Promise<void> | null = null;
  const emitters = new Set<StreamEmit>();
  const ring = context.history.ring<{ t: number; v: number }>(`${config.id}:counter`, 100);
  const source: Source & {
    calls: () => number;
    fail: (on: boolean) => void;
    tick: () => void;
    hold: (until: Promise<void> | null) => void;
  } = {
    id: config.id,
    kind: config.kind,
    name: config.name ?? config.id,
    network: 'regtest',
    queries: {
      'chain.info': async () => {
        calls++;
        await new Promise((resolve) => setTimeout(resolve, 20));
        if (gate) await gate;
        if (failing) throw new UpstreamError(`connect ECONNREFUSED (auth ${UPSTREAM_SECRET})`);
        return [recordFrame('chain', { height: 100 + calls })];
      },
      'mempool.summary': async (input) => {
        if (input.params.target !== undefined && typeof input.params.target !== 'number') {
          throw new QueryInputError('param target must be a number');
        }
        const rows = ring.toArray();
        return [
          toFrame('mempool', [
            { name: 'time', type: 'time', values: rows.map((r) => r.t) },
            { name: 'value', type: 'number', values: rows.map((r) => r.v) },
          ]),
        ];
      },
    },
    variables: { peers: async () => [{ text: 'peer-1', value: '1' }] },
    annotations: { blocks: async () => [{ time: 1_000, title: 'block 101', text: 'hash', tags: ['block'] }] },
    streams: {
      'chain.info': (emit) => {
        emitters.add(emit);
        return () => emitters.delete(emit);
      },
    },
    health: () => ({
      status: failing ? 'down' : 'ok',
      message: failing ? 'ECONNREFUSED' : 'ok',
      lastSuccess: null,
    }),
    start: async () => {},
    stop: async () => {},
    calls: () => calls,
    fail: (on) => (failing = on),
    hold: (until) => (gate = until),
    tick: () => {
      ring.push({ t: ring.length, v: ring.length * 2 });
      for (const emit of emitters) emit(recordFrame('chain', { height: 1 }));
    },
  };
  context.secrets.add(UPSTREAM_SECRET);
  return source;
}
type CounterSource = ReturnType<typeof counterSource>;

async function start(extra = '', logs = new LogCapture()) {
  const config = parseConfig(
    `server: { port: 0, apiKey: ${API_KEY}, bodyLimitBytes: 4096, logLevel: debug ${extra} }
sources:
  - { id: btc-a, kind: bitcoin, network: regtest }
  - { id: btc-b, kind: bitcoin, network: regtest }`,
    'test.yaml',
    {}
  );
  const proxy = await startServer(config, { port: 0, createSource: counterSource, logDestination: logs });
  const call = (path: string, init: RequestInit & { auth?: string | null } = {}) =>
    fetch(`${proxy.url}${path}`, {
      ...init,
      headers: {
        ...(init.auth === null ? {} : { authorization: `Bearer ${init.auth ?? API_KEY}` }),
        ...(init.body ? { 'content-type': 'application/json' } : {}),
      },
    });
  const post = (body: unknown) => call('/api/query', { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { proxy, call, post, logs, source: (id: string) => proxy.sources.get(id) as CounterSource };
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});
async function started(extra?: string, logs?: LogCapture) {
  const s = await start(extra, logs);
  closers.push(() => s.proxy.close());
  return s;
}

describe('auth', () => {
  it('requires the bearer key on /api/* but not on /healthz and /metrics', async () => {
    const { call } = await started();
    const missing = await call('/api/sources', { auth: null });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toContain('Bearer');
    expect(await missing.json()).toMatchObject({ error: 'missing header "Authorization: Bearer <apiKey>"' });
    expect((await call('/api/sources', { auth: 'wrong-key-wrong-key' })).status).toBe(401);
    expect((await call('/api/sources')).status).toBe(200);
    expect((await call('/healthz', { auth: null })).status).toBe(200);
    expect((await call('/metrics', { auth: null })).status).toBe(200);
  });
});

describe('/api/query', () => {
  const range = { from: 0, to: 60_000 };

  it('answers each query under its refId with DataFrameJSON', async () => {
    const { post } = await started();
    const res = await post({ queries: [{ refId: 'A', sourceId: 'btc-a', query: 'chain.info' }], range });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { results: Record<string, { frames: Array<{ schema: { refId: string } }> }> };
    expect(body.results.A?.frames[0]?.schema).toMatchObject({ name: 'chain', refId: 'A' });
  });

  it('reuses a cached result for another refId under that refId, whatever characters it has', async () => {
    const { post, source } = await started();
    const ask = async (refId: string) => {
      const res = await post({ queries: [{ refId, sourceId: 'btc-a', query: 'chain.info' }], range });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      return (await res.json()) as { results: Record<string, { frames: Array<{ schema: { refId: string } }> }> };
    };
    const first = await ask('A');
    const odd = 'B "quoted" \\ </script> ünï';
    const second = await ask(odd);
    expect(source('btc-a').calls()).toBe(1); // the second answer came from the cache
    expect(Object.keys(second.results)).toEqual([odd]);
    expect(second.results[odd]!.frames.map((f) => f.schema.refId)).toEqual(first.results.A!.frames.map(() => odd));
    expect({ ...second.results[odd]!.frames[0], schema: { ...second.results[odd]!.frames[0]!.schema, refId: 'A' } }).toEqual(
      first.results.A!.frames[0]
    );
  });

  it.each([
    ['malformed JSON', '{"queries": [', 400, /JSON/],
    ['no queries', { queries: [] }, 400, /body\.queries: at least one query/],
    ['unknown source', { queries: [{ refId: 'A', sourceId: 'nope', query: 'chain.info' }] }, 400, /unknown source "nope"/],
    [
      'query the kind does not serve',
      { queries: [{ refId: 'A', sourceId: 'btc-a', query: 'getwalletinfo' }] },
      400,
      /has no query "getwalletinfo"; it serves: chain\.info, mempool\.summary/,
    ],
    ['duplicate refIds', { queries: [{ refId: 'A', sourceId: 'btc-a', query: 'chain.info' }, { refId: 'A', sourceId: 'btc-a', query: 'chain.info' }] }, 400, /refIds must be unique/],
    ['bad range', { queries: [{ refId: 'A', sourceId: 'btc-a', query: 'chain.info' }], range: { from: 5, to: 1 } }, 400, /range\.from must not be after/],
    ['nested params', { queries: [{ refId: 'A', sourceId: 'btc-a', query: 'chain.info', params: { x: { y: 1 } } }] }, 400, /params\.x/],
    ['unknown top-level key', { queries: [{ refId: 'A', sourceId: 'btc-a', query: 'chain.info' }], method: 'stop' }, 400, /Unrecognized key/],
    ['oversize body', { queries: [{ refId: 'A', sourceId: 'btc-a', query: 'chain.info', params: { pad: 'x'.repeat(900) } }], pad: 'y'.repeat(5_000) }, 413, /too large/i],
  ])('rejects %s with a clear 4xx before any upstream call', async (_what, body, status, message) => {
    const { post, source } = await started();
    const res = await post(body);
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: string }).error).toMatch(message);
    expect(source('btc-a').calls()).toBe(0);
  });

  it('rejects a non-JSON content type', async () => {
    const { call } = await started();
    const res = await fetch(`${(await call('/healthz')).url.replace('/healthz', '')}/api/query`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(res.status).toBe(415);
  });

  it('keeps one failing upstream inside its own query, with no secret in the error', async () => {
    const { post, source, logs } = await started();
    source('btc-b').fail(true);
    const res = await post({
      queries: [
        { refId: 'A', sourceId: 'btc-a', query: 'chain.info' },
        { refId: 'B', sourceId: 'btc-b', query: 'chain.info' },
      ],
      range,
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(UPSTREAM_SECRET);
    const body = JSON.parse(text) as { results: Record<string, { frames: unknown[]; error?: string; status: number }> };
    expect(body.results.A).toMatchObject({ status: 200 });
    expect(body.results.B).toMatchObject({ status: 502, frames: [] });
    expect(body.results.B?.error).toMatch(/^btc-b: connect ECONNREFUSED \(auth \[redacted\]\)/);
    await waitFor(() => logs.text.includes('query failed'), 'the failure to be logged');
    expect(logs.text).not.toContain(UPSTREAM_SECRET);
    expect(logs.text).not.toContain(API_KEY);
  });

  it('reports a bad param as a 400 for its query', async () => {
    const { post } = await started();
    const res = await post({ queries: [{ refId: 'A', sourceId: 'btc-a', query: 'mempool.summary', params: { target: 'six' } }] });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ results: { A: { error: 'btc-a: param target must be a number', status: 400 } } });
  });

  it('coalesces 100 identical concurrent queries into one upstream call', async () => {
    const { post, source, proxy } = await started();
    // the upstream call stays open until the other 99 requests have joined it, so the test
    // shows coalescing of concurrent requests however slowly a loaded machine delivers them
    let release = () => {};
    source('btc-a').hold(new Promise<void>((resolve) => (release = resolve)));
    const joined = waitFor(() => proxy.context.cache.stats.coalesced >= 99, '99 requests joining the first', 30_000, 10).then(release);
    const body = { queries: [{ refId: 'A', sourceId: 'btc-a', query: 'chain.info' }], range };
    const responses = await Promise.all(Array.from({ length: 100 }, () => post(body)));
    await joined;
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(source('btc-a').calls()).toBe(1);
  });
});

describe('health, sources, variables, annotations', () => {
  it('lists sources and their health', async () => {
    const { call, source } = await started();
    expect(await (await call('/api/sources')).json()).toMatchObject({
      sources: [
        { id: 'btc-a', kind: 'bitcoin', network: 'regtest', queries: ['chain.info', 'mempool.summary'] },
        { id: 'btc-b', kind: 'bitcoin' },
      ],
    });
    source('btc-b').fail(true);
    expect(await (await call('/api/health')).json()).toMatchObject({
      status: 'degraded',
      sources: [
        { id: 'btc-a', status: 'ok' },
        { id: 'btc-b', status: 'down', message: 'ECONNREFUSED' },
      ],
    });
  });

  it('serves variables, including configured sources by kind', async () => {
    const { call } = await started();
    expect(await (await call('/api/variables?name=sources&kind=bitcoin')).json()).toEqual({
      values: [
        { text: 'btc-a', value: 'btc-a' },
        { text: 'btc-b', value: 'btc-b' },
      ],
    });
    expect(await (await call('/api/variables?name=sources&kind=geth')).json()).toEqual({ values: [] });
    expect(await (await call('/api/variables?name=peers&sourceId=btc-a')).json()).toEqual({ values: [{ text: 'peer-1', value: '1' }] });
    const bad = await call('/api/variables?name=wallets&sourceId=btc-a');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: expect.stringMatching(/has no variable "wallets"; it serves: sources, peers/) });
    expect((await call('/api/variables?name=sources&kind=dogecoin')).status).toBe(400);
  });

  it('serves annotations within the range', async () => {
    const { call } = await started();
    expect(await (await call('/api/annotations?sourceId=btc-a&type=blocks&from=0&to=5000')).json()).toEqual({
      annotations: [{ time: 1_000, title: 'block 101', text: 'hash', tags: ['block'] }],
    });
    expect(await (await call('/api/annotations?sourceId=btc-a&type=blocks&from=2000&to=5000')).json()).toEqual({ annotations: [] });
    expect((await call('/api/annotations?sourceId=btc-a&type=blocks&from=x&to=1')).status).toBe(400);
    expect((await call('/api/annotations?sourceId=btc-a&type=trades&from=0&to=1')).status).toBe(400);
  });

  it('answers unknown routes with a JSON 404', async () => {
    const { call } = await started();
    const res = await call('/api/nothing');
    expect(res.status).toBe(404);
    // the path is not echoed (a scrubbed echo would confirm a guessed secret)
    expect(await res.json()).toMatchObject({ error: expect.stringContaining('no such route for GET') });
  });
});

describe('/api/stream', () => {
  it('sends each append as an SSE frame event and unsubscribes on disconnect', async () => {
    const { call, source } = await started();
    const controller = new AbortController();
    const res = await fetch(`${(await call('/healthz')).url.replace('/healthz', '')}/api/stream?sourceId=btc-a&query=chain.info`, {
      headers: { authorization: `Bearer ${API_KEY}` },
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    let text = '';
    source('btc-a').tick();
    source('btc-a').tick();
    while ((text.match(/event: frame/g) ?? []).length < 2) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    const events = text.split('\n\n').filter((e) => e.includes('event: frame'));
    expect(events).toHaveLength(2);
    expect(JSON.parse(events[0]!.split('data: ')[1]!)).toMatchObject({ schema: { name: 'chain' } });
    controller.abort();
  });

  it('rejects streams a source does not offer', async () => {
    const { call } = await started();
    const res = await call('/api/stream?sourceId=btc-a&query=mempool.summary');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: expect.stringMatching(/cannot stream "mempool.summary"; it streams: chain.info/) });
    expect((await call('/api/stream?sourceId=btc-a&query=chain.info&params=%7Bbad')).status).toBe(400);
  });
});

describe('/metrics', () => {
  it('exposes source status and cache counters with a site label', async () => {
    const { call, post } = await started(', site: eu-1');
    const body = { queries: [{ refId: 'A', sourceId: 'btc-a', query: 'chain.info' }], range: { from: 0, to: 1 } };
    await post(body);
    await post(body);
    const text = await (await call('/metrics', { auth: null })).text();
    expect(text).toContain('nodescope_source_up{source="btc-a",site="eu-1"} 1');
    expect(text).toContain('nodescope_cache_hits_total{source="proxy",site="eu-1"} 1');
    // both queries counted (one served from cache), labels in any order
    expect(text).toMatch(/nodescope_query_seconds_count\{(?=[^}]*source="btc-a")(?=[^}]*query="chain\.info")(?=[^}]*site="eu-1")[^}]*\} 2\n/);
  });
});

describe('history across a restart', () => {
  it('restores rings from the snapshot written at close', async () => {
    const dir = await tempDir();
    closers.push(dir.remove);
    const file = join(dir.path, 'history.json');
    const first = await start(`, historyFile: "${file}"`);
    for (let i = 0; i < 5; i++) first.source('btc-a').tick();
    await first.proxy.close();

    const second = await started(`, historyFile: "${file}"`);
    const res = await second.post({ queries: [{ refId: 'A', sourceId: 'btc-a', query: 'mempool.summary' }] });
    const body = (await res.json()) as { results: { A: { frames: Array<{ data: { values: number[][] } }> } } };
    expect(body.results.A.frames[0]?.data.values).toEqual([
      [0, 1, 2, 3, 4],
      [0, 2, 4, 6, 8],
    ]);
  });
});
