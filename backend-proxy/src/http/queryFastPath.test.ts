// The cached /api/query fast path (remembered bodies, the whole answer reused, the exact-header
// key check) against the plain path it short-cuts: same bytes, same refusals.
import { recordFrame } from '@nodescope/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import type { SourceConfig } from '../config/schema.js';
import type { SourceContext } from '../core/context.js';
import type { Source } from '../sources/types.js';
import { buildApp, ExactHeader } from './app.js';

const API_KEY = 'fast-path-key-0123456789';

function countingSource(config: SourceConfig, _context: SourceContext): Source & { calls: () => number } {
  let calls = 0;
  return {
    id: config.id,
    kind: config.kind,
    name: config.id,
    queries: {
      'chain.info': async () => {
        calls++;
        return [recordFrame('chain', { height: 7, calls })];
      },
    },
    variables: {},
    annotations: {},
    streams: {},
    health: () => ({ status: 'ok', message: 'ok', lastSuccess: null }),
    start: async () => {},
    stop: async () => {},
    calls: () => calls,
  } as unknown as Source & { calls: () => number };
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function proxy(now: { t: number }) {
  const config = parseConfig(
    `server: { port: 0, apiKey: ${API_KEY}, bodyLimitBytes: 1024, cacheTtlMs: 1000, logLevel: warn }
sources:
  - { id: btc, kind: bitcoin, network: regtest }`,
    'fast.yaml',
    {}
  );
  const built = await buildApp(config, { createSource: countingSource, now: () => now.t });
  closers.push(() => built.close());
  const post = async (payload: string, headers: Record<string, string> = {}) => {
    const res = await built.app.inject({
      method: 'POST',
      url: '/api/query',
      payload,
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json', ...headers },
    });
    return { status: res.statusCode, text: res.body, type: res.headers['content-type'] };
  };
  return { post, calls: () => (built.sources.get('btc') as ReturnType<typeof countingSource>).calls() };
}

const TEXT = JSON.stringify({
  queries: [{ refId: 'A', sourceId: 'btc', query: 'chain.info' }],
  range: { from: 1_700_000_000_000, to: 1_700_003_600_000 },
});

describe('/api/query fast path', () => {
  it('answers a repeated body with the bytes the plain path gives (parsed, validated, planned afresh)', async () => {
    const now = { t: 1_000_000 };
    const { post, calls } = await proxy(now);
    const first = await post(TEXT); // parsed and validated: remembered
    const again = await post(TEXT); // the remembered body, the whole cached answer
    const respelled = await post(TEXT.replace('{"queries"', '{ "queries"')); // another text: the plain path
    expect(first.status).toBe(200);
    expect(again).toEqual(first);
    expect(respelled).toEqual(first);
    expect(calls()).toBe(1);
    expect(JSON.parse(first.text).results.A.frames[0].data.values).toEqual([[7], [1]]);
    // the same panel refreshed a few ms later (Grafana computes the range per refresh): the same
    // cache key (whole seconds), so the same answer, whether the text was seen before or not
    const later = TEXT.replace('"from":1700000000000', '"from":1700000000250').replace('"to":1700003600000', '"to":1700003600250');
    expect(await post(later)).toEqual(first);
    expect(await post(later)).toEqual(first);
    expect(await post(later.replace('{"queries"', '{ "queries"'))).toEqual(first);
    expect(calls()).toBe(1);
    // a range in the next second is another key: loaded, and then served like the first
    const next = TEXT.replace('"to":1700003600000', '"to":1700003601000');
    expect(JSON.parse((await post(next)).text).results.A.frames[0].data.values).toEqual([[7], [2]]);
    expect(calls()).toBe(2);
    expect(await post(TEXT)).toEqual(first);
    // the TTL ends: the remembered body goes the full way and gets the new result
    now.t += 1_000;
    const reloaded = await post(TEXT);
    expect(calls()).toBe(3);
    expect(JSON.parse(reloaded.text).results.A.frames[0].data.values).toEqual([[7], [3]]);
    expect(await post(TEXT)).toEqual(reloaded);
  });

  it('refuses what the plain path refuses, before and after a valid body was remembered', async () => {
    const { post } = await proxy({ t: 1_000_000 });
    const refusals = [
      // the schema: unknown field, duplicate refIds, a range backwards, ends past the last Date
      // (8.64e15 ms, ECMA-262 TimeClip), the text but for its range remembered by then
      TEXT.replace('"query":"chain.info"', '"query":"chain.info","nope":1'),
      TEXT.replace('"queries":[', '"queries":[{"refId":"A","sourceId":"btc","query":"chain.info"},'),
      TEXT.replace('"from":1700000000000', '"from":1800000000000'),
      TEXT.replace('"to":1700003600000', '"to":8640000000000001'),
      TEXT.replace('"from":1700000000000,"to":1700003600000', '"from":8640000000000001,"to":8640000000000002'),
      // fastify's JSON parser with onProtoPoisoning/onConstructorPoisoning 'error' (its
      // defaults): fastify@5.12.8 lib/content-type-parser.js:339-353, a 400
      TEXT.replace('{"queries"', '{"__proto__":{"x":1},"queries"'),
      TEXT.replace('{"queries"', '{"constructor":{"prototype":{"x":1}},"queries"'),
      TEXT.slice(0, -1),
    ];
    const before = await Promise.all(refusals.map((text) => post(text)));
    expect((await post(TEXT)).status).toBe(200);
    expect((await post(TEXT)).status).toBe(200);
    const after = await Promise.all(refusals.map((text) => post(text)));
    expect(before.map((r) => r.status)).toEqual([400, 400, 400, 400, 400, 400, 400, 400]);
    expect(after).toEqual(before);
    expect(before[1]!.text).toContain('refIds must be unique');
    expect(JSON.parse(before[2]!.text).error).toBe('body.range: range.from must not be after range.to');
    expect(JSON.parse(before[3]!.text).error).toBe('body.range.to: must be at most 8640000000000000');
    expect(JSON.parse(before[4]!.text).error).toBe('body.range.from: must be at most 8640000000000000');
    // over bodyLimitBytes: 413 (fastify's FST_ERR_CTP_BODY_TOO_LARGE), remembered or not
    const big = TEXT.replace('"query":"chain.info"', `"query":"chain.info","alias":"${'a'.repeat(1_100)}"`);
    expect((await post(big)).status).toBe(413);
    // a charset parameter is still JSON
    expect((await post(TEXT, { 'content-type': 'application/json; charset=utf-8' })).status).toBe(200);
  });

  it('checks the key however the header is spelled, whatever header came before', async () => {
    const { post } = await proxy({ t: 1_000_000 });
    expect((await post(TEXT)).status).toBe(200); // the exact spelling (the constant-time compare)
    // the scheme is case-insensitive and may be followed by several spaces: RFC 7235 §2.1
    // (auth-scheme, credentials = auth-scheme [ 1*SP ...]), kept on the hashing path
    expect((await post(TEXT, { authorization: `bearer ${API_KEY}` })).status).toBe(200);
    expect((await post(TEXT, { authorization: `Bearer   ${API_KEY}` })).status).toBe(200);
    // prefixes and extensions of the right header, right after it was accepted
    for (const header of [`Bearer ${API_KEY.slice(0, -1)}`, `Bearer ${API_KEY}x`, 'Bearer', '', `Bearer ${API_KEY.slice(0, -1)}é`]) {
      expect((await post(TEXT)).status).toBe(200);
      expect((await post(TEXT, { authorization: header })).status, header).toBe(401);
    }
  });
});

describe('ExactHeader', () => {
  it('matches only the very string, at every length and position', () => {
    const value = `Bearer ${API_KEY}`;
    const exact = new ExactHeader(value);
    expect(exact.matches(value)).toBe(true);
    for (let i = 0; i < value.length; i++) {
      const changed = value.slice(0, i) + String.fromCharCode(value.charCodeAt(i) ^ 1) + value.slice(i + 1);
      expect(exact.matches(changed), changed).toBe(false);
      expect(exact.matches(value.slice(0, i)), value.slice(0, i)).toBe(false);
      expect(exact.matches(value)).toBe(true); // leaves the scratch buffer full of the right bytes
    }
    expect(exact.matches(`${value} `)).toBe(false);
    expect(exact.matches(`${value.slice(0, -1)}\u00e9`)).toBe(false); // same length in characters, not in bytes
    expect(exact.matches(`${value.slice(0, -2)}\u00e9`)).toBe(false); // same length in bytes, not in characters
    const unicode = new ExactHeader('Bearer clé-\u00e9');
    expect(unicode.matches('Bearer clé-\u00e9')).toBe(true);
    expect(unicode.matches('Bearer cle-\u00e9')).toBe(false);
  });
});
