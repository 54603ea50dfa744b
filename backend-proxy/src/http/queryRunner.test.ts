import { describe, expect, it } from 'vitest';
import { CoalescingCache } from '../core/cache.js';
import { MetricFactory, selfMetrics } from '../core/metrics.js';
import type { Source } from '../sources/types.js';
import { cachedResponseJson, resultsJson, runQueriesJson, type QueryRunnerDeps } from './queryRunner.js';

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

/** as ValidatedBodies hands a remembered body out: deeply frozen */
function frozen<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) frozen((value as Record<string, unknown>)[key]);
    Object.freeze(value);
  }
  return value;
}

describe('cachedResponseJson (the cached fast path of /api/query)', () => {
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
    expect(cachedResponseJson(both, runner)).toBeUndefined();
    await runQueriesJson({ queries: [both.queries[0]!], range }, runner);
    // one of two cached: the full path answers, and nothing was counted as a hit
    expect(cachedResponseJson(both, runner)).toBeUndefined();
    expect(runner.cache.stats.hits).toBe(0);
    const full = resultsJson(await runQueriesJson(both, runner));
    const fast = cachedResponseJson(both, runner);
    expect(fast).toBe(full);
    expect(calls()).toBe(1);
    const results = JSON.parse(fast!).results;
    expect(Object.keys(results)).toEqual(['A', 'B']);
    expect([results.A.frames[0].schema.refId, results.B.frames[0].schema.refId]).toEqual(['A', 'B']);
    // scrubbed like the full path
    expect(fast).toContain('[redacted]');
    expect(fast).not.toContain('token-123');
    expect(runner.cache.stats.hits).toBe(3); // A in the second full run, then A and B
    // another refId on the same results
    expect(
      JSON.parse(cachedResponseJson({ queries: [{ refId: 'Z"', sourceId: 'src', query: 'one' }], range }, runner)!).results['Z"']
        .frames[0].schema.refId
    ).toBe('Z"');
    now.t = 1_000; // the TTL ends
    expect(cachedResponseJson(both, runner)).toBeUndefined();
  });

  it('reuses the answer of a frozen (validated, remembered) body only while it is built from the same cached results', async () => {
    const now = { t: 0 };
    const { runner, calls } = deps(now);
    const body = frozen({ queries: [{ refId: 'A', sourceId: 'src', query: 'one' }], range: { ...range } });
    const plain = { queries: [{ refId: 'A', sourceId: 'src', query: 'one' }], range };
    await runQueriesJson(plain, runner);
    const first = cachedResponseJson(body, runner);
    expect(first).toBe(cachedResponseJson(plain, runner));
    expect(cachedResponseJson(body, runner)).toBe(first);
    expect(runner.cache.stats.hits).toBe(3);
    // the entry expires and is loaded again (another value): the frozen body follows it
    now.t = 1_000;
    expect(cachedResponseJson(body, runner)).toBeUndefined();
    const reloaded = resultsJson(await runQueriesJson(plain, runner));
    expect(calls()).toBe(2);
    expect(reloaded).not.toBe(first);
    expect(cachedResponseJson(body, runner)).toBe(reloaded);
    // another runner (other sources, another cache) does not get this runner's plan
    const other = deps({ t: 0 });
    expect(cachedResponseJson(body, other.runner)).toBeUndefined();
  });

  it('plans a frozen body without a range anew each time: its window follows the clock', async () => {
    const now = { t: 100_000_600 };
    const { runner } = deps(now);
    const body = frozen({ queries: [{ refId: 'A', sourceId: 'src', query: 'one' }] });
    await runQueriesJson(body, runner);
    expect(cachedResponseJson(body, runner)).toBeDefined();
    // 0.5 s later the result is still fresh (TTL 1 s), but the default window has moved into
    // the next second: another key, not cached yet
    now.t += 500;
    expect(cachedResponseJson(body, runner)).toBeUndefined();
  });

  it('refuses an unknown source or query as the full path does', () => {
    const { runner } = deps({ t: 0 });
    expect(() =>
      cachedResponseJson({ queries: [{ refId: 'A', sourceId: 'nope', query: 'one' }], range }, runner)
    ).toThrow(/unknown source/);
    expect(() =>
      cachedResponseJson({ queries: [{ refId: 'A', sourceId: 'src', query: 'toString' }], range }, runner)
    ).toThrow(/has no query/);
  });
});
