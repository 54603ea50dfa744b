// Query params through /api/query: parsed once by the catalog, so spellings of the same params
// share one cached result (one upstream call); refused params answer that query with a 400
// naming the param and the allowed ones, while the other queries of the request still answer.
import { afterEach, describe, expect, it } from 'vitest';
import { recordFrame } from '@nodescope/shared';
import { parseConfig } from '../src/config/load.js';
import type { SourceConfig } from '../src/config/schema.js';
import type { SourceContext } from '../src/core/context.js';
import { startServer } from '../src/http/server.js';
import { defineQueries } from '../src/sources/catalog.js';
import type { Source } from '../src/sources/types.js';
import { LogCapture } from './helpers.js';

const API_KEY = 'params-api-key-0123456789';
const calls: unknown[] = [];

/** A bitcoin source whose blocks.recent records the params it is handed. */
function recordingSource(config: SourceConfig, _context: SourceContext): Source {
  const none = async () => [];
  return {
    id: config.id,
    kind: 'bitcoin',
    name: config.id,
    queries: defineQueries('bitcoin', {
      'chain.info': async () => [recordFrame('chain.info', { blocks: 1 })],
      'blocks.recent': async ({ params }) => {
        calls.push(params);
        return [recordFrame('blocks.recent', { count: params.count })];
      },
      'network.peers': none,
      'network.traffic': none,
      'mempool.summary': none,
      'mempool.histogram': none,
      'mempool.blocks': none,
      'fees.estimates': none,
      'zmq.status': none,
      'electrum.stats': none,
      'host.health': none,
    }),
    health: () => ({ status: 'ok', message: 'ok', lastSuccess: null }),
    start: async () => {},
    stop: async () => {},
  };
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  calls.length = 0;
});

async function ask(queries: unknown[]) {
  const config = parseConfig(`server: { port: 0, apiKey: ${API_KEY} }\nsources:\n  - { id: btc-main, kind: bitcoin, network: regtest }`, 's.yaml', {});
  const proxy = await startServer(config, { port: 0, createSource: recordingSource, logDestination: new LogCapture() });
  closers.push(() => proxy.close());
  const post = async (body: unknown) => {
    const res = await fetch(`${proxy.url}/api/query`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as { results: Record<string, { status: number; error?: string }> } };
  };
  return { first: await post({ queries }), post };
}

describe('/api/query params', () => {
  it('parses params once: "10", 10 and the default left out are one cached result', async () => {
    const { post } = await ask([{ refId: 'A', sourceId: 'btc-main', query: 'blocks.recent', params: { count: '10' } }]);
    await post({ queries: [{ refId: 'A', sourceId: 'btc-main', query: 'blocks.recent', params: { count: 10 } }] });
    await post({ queries: [{ refId: 'A', sourceId: 'btc-main', query: 'blocks.recent' }] });
    expect(calls).toEqual([{ count: 10 }]);
  });

  it("refuses an unknown or bad param in that query's result, naming it; the others answer", async () => {
    const { first } = await ask([
      { refId: 'A', sourceId: 'btc-main', query: 'blocks.recent', params: { limit: 5 } },
      { refId: 'B', sourceId: 'btc-main', query: 'blocks.recent', params: { count: 500 } },
      { refId: 'C', sourceId: 'btc-main', query: 'chain.info' },
    ]);
    expect(first.status).toBe(200);
    expect(first.body.results.A).toMatchObject({ status: 400, error: 'btc-main: blocks.recent: unknown parameter "limit" (allowed: count)' });
    expect(first.body.results.B).toMatchObject({ status: 400, error: 'btc-main: blocks.recent: count must be an integer from 1 to 144' });
    expect(first.body.results.C).toMatchObject({ status: 200 });
    expect(calls).toEqual([]);
  });
});
