import { describe, expect, it } from 'vitest';
import { CoalescingCache } from '../core/cache.js';
import { MetricFactory, selfMetrics } from '../core/metrics.js';
import type { Source } from '../sources/types.js';
import { cachedQueriesJson, runQueriesJson, type QueryRunnerDeps } from './queryRunner.js';

function deps(now: { t: number }) {
  let calls = 0;
  const source = {
    id: 'src',
    kind: 'bitcoin',
    queries: {
      one: async () => {
        calls++;
        return [{ schema: { name: 'one', fields: [{ name: 'v', type: 'number' }] }, data: { values: [[calls]] } }];
      },
      secret: async () => [{ schema: { name: 's', fields: [] }, data: { values: [] }, meta: { note: 'token-123' } }],
    },
  } as unknown as Source;
  const runner: QueryRunnerDeps = {
    sources: new Map([['src', source]]),
    cache: new CoalescingCache(100, () => now.t),
    cacheTtlMs: 1_000,
    self: selfMetrics(new MetricFactory()),
    now: () => now.t,
    scrub: (text) => text.replaceAll('token-123', '[redacted]'),
  };
  return { runner, calls: () => calls };
}

const range = { from: 0, to: 60_000 };

describe('cachedQueriesJson (the cached fast path of /api/query)', () => {
  it('answers only when every query of the request has a fresh result, with the same bytes as the full path', async () => {
    const now = { t: 0 };
    const { runner, calls } = deps(now);
    const both = {
      queries: [
        { refId: 'A', sourceId: 'src', query: 'one' },
        { refId: 'B', sourceId: 'src', query: 'secret' },
      ],
      range,
    };
    expect(cachedQueriesJson(both, runner)).toBeUndefined();
    await runQueriesJson({ queries: [both.queries[0]!], range }, runner);
    // one of two cached: the full path answers, and nothing was counted as a hit
    expect(cachedQueriesJson(both, runner)).toBeUndefined();
    expect(runner.cache.stats.hits).toBe(0);
    const full = await runQueriesJson(both, runner);
    const fast = cachedQueriesJson(both, runner);
    expect(fast).toEqual(full);
    expect(calls()).toBe(1);
    expect(fast!.map((o) => JSON.parse(o.json).frames[0].schema.refId)).toEqual(['A', 'B']);
    // scrubbed like the full path
    expect(fast![1]!.json).toContain('[redacted]');
    expect(fast![1]!.json).not.toContain('token-123');
    expect(runner.cache.stats.hits).toBe(3); // A in the second full run, then A and B
    // another refId on the same results
    expect(
      JSON.parse(
        cachedQueriesJson({ queries: [{ refId: 'Z"', sourceId: 'src', query: 'one' }], range }, runner)![0]!.json
      ).frames[0].schema.refId
    ).toBe('Z"');
    now.t = 1_000; // the TTL ends
    expect(cachedQueriesJson(both, runner)).toBeUndefined();
  });

  it('refuses an unknown source or query as the full path does', () => {
    const { runner } = deps({ t: 0 });
    expect(() =>
      cachedQueriesJson({ queries: [{ refId: 'A', sourceId: 'nope', query: 'one' }], range }, runner)
    ).toThrow(/unknown source/);
    expect(() =>
      cachedQueriesJson({ queries: [{ refId: 'A', sourceId: 'src', query: 'toString' }], range }, runner)
    ).toThrow(/has no query/);
  });
});
