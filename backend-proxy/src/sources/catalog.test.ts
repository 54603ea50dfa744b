// defineQueries/defineStreams: the kind's query names exactly, handlers typed by their params,
// params parsed once by the catalog's spec whoever calls. The @ts-expect-error lines are checked
// by the backend-proxy typecheck (the repo project runs it): each must stay a compile error.
import { QUERIES_BY_KIND, type DataFrameJSON } from '@nodescope/shared';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { checkParams, defineQueries, defineStreams } from './catalog.js';
import { QueryInputError, type QueryInput } from './types.js';

const input = (params: QueryInput['params']): QueryInput => ({ params, range: { from: 0, to: 1 }, intervalMs: 1_000, maxDataPoints: 10 });
const none = async (): Promise<DataFrameJSON[]> => [];

describe('defineQueries', () => {
  it('hands each handler its params parsed by the spec, defaults filled in', async () => {
    const seen: unknown[] = [];
    const queries = defineQueries('lightning', {
      'node.info': none,
      channels: async ({ params }) => {
        expectTypeOf(params.phase).toEqualTypeOf<'all' | 'active' | 'inactive' | 'pending_open' | 'waiting_close' | 'force_closing' | 'closing'>();
        seen.push(params);
        return [];
      },
      balances: none,
      forwards: none,
    });
    await queries.channels(input({}));
    await queries.channels(input({ phase: 'closing' }));
    expect(seen).toEqual([{ phase: 'all' }, { phase: 'closing' }]);
    await expect(queries.channels(input({ phase: 'open' }))).rejects.toThrow(QueryInputError);
    await expect(queries.balances(input({ phase: 'all' }))).rejects.toThrow('balances: unknown parameter "phase" (this query takes none)');
  });

  it('does not parse params twice (checkParams output passes through as it is)', async () => {
    const params = checkParams('bitcoin', 'blocks.recent', { count: '5' });
    expect(params).toEqual({ count: 5 });
    expect(checkParams('bitcoin', 'blocks.recent', params)).toBe(params);
  });

  it('makes a missing, extra or renamed query, or a wrong param type, a compile error', () => {
    defineQueries('lightning', {
      'node.info': none,
      channels: none,
      balances: none,
      // @ts-expect-error a query the catalog does not list for the kind
      'channel.list': none,
      forwards: none,
    });
    // @ts-expect-error forwards is missing
    defineQueries('lightning', { 'node.info': none, channels: none, balances: none });
    defineQueries('lightning', {
      'node.info': none,
      // @ts-expect-error phase is one of the phase names, not a number
      channels: async ({ params }): Promise<DataFrameJSON[]> => (params.phase satisfies number, []),
      balances: none,
      forwards: none,
    });
    // @ts-expect-error bots does not stream
    defineStreams('freqtrade', { trades: () => () => undefined, 'open.trades': () => () => undefined, bots: () => () => undefined });
    // what compiles: exactly the catalog's names, each handler kept under its own name
    const valid = defineQueries('lightning', { 'node.info': none, channels: none, balances: none, forwards: none });
    expect(Object.keys(valid).sort()).toEqual([...QUERIES_BY_KIND.lightning].sort());
  });
});

describe('defineStreams', () => {
  it('hands a subscription its parsed params', () => {
    const seen: unknown[] = [];
    const streams = defineStreams('freqtrade', {
      trades: (_emit, params) => (seen.push(params), () => undefined),
      'open.trades': () => () => undefined,
    });
    streams.trades(() => undefined, { pair: 'BTC/USDT' });
    expect(seen).toEqual([{ pair: 'BTC/USDT', limit: 1_000 }]);
    expect(() => streams['open.trades'](() => undefined, { limit: 5 })).toThrow('open.trades: unknown parameter "limit" (allowed: pair)');
  });
});
